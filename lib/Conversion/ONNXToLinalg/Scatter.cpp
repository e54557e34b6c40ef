//===- Scatter.cpp - onnx ScatterElements and ScatterND to scf loops ------===//
//
// A scatter writes to computed positions, which linalg's structured ops do
// not express: the data is copied, then a loop nest over the updates inserts
// each one (tensor.insert on the loop-carried tensor, which bufferizes to a
// store in place), combining with the old element for reduction modes.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// The new element for a reduction mode; null for an unknown mode. Integer
/// max and min read the data's sign from `isUnsigned`.
Value combine(OpBuilder &b, Location loc, StringRef mode, Value old,
              Value update, bool isUnsigned) {
  bool isFloat = isa<FloatType>(old.getType());
  if (mode == "none")
    return update;
  if (mode == "add")
    return isFloat ? Value(arith::AddFOp::create(b, loc, old, update))
                   : Value(arith::AddIOp::create(b, loc, old, update));
  if (mode == "mul")
    return isFloat ? Value(arith::MulFOp::create(b, loc, old, update))
                   : Value(arith::MulIOp::create(b, loc, old, update));
  if (mode == "max")
    return maxOf(b, loc, old, update, isUnsigned);
  if (mode == "min")
    return minOf(b, loc, old, update, isUnsigned);
  return nullptr;
}


/// Loops over `shape`, carrying `init`; `body` returns the next tensor.
Value loopOver(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value init,
               llvm::function_ref<Value(OpBuilder &, Location, ValueRange,
                                        Value)>
                   body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    ubs.push_back(arith::ConstantIndexOp::create(b, loc, d));
    steps.push_back(arith::ConstantIndexOp::create(b, loc, 1));
  }
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange carried) -> scf::ValueVector {
        return {body(nb, l, ivs, carried[0])};
      });
  return nest.results.empty() ? init : nest.results[0];
}

struct ScatterElementsLowering
    : OpConversionPattern<smelt::onnx::ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ScatterElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dataType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    auto updatesType =
        dyn_cast<RankedTensorType>(adaptor.getUpdates().getType());
    if (!dataType || !updatesType || !dataType.hasStaticShape() ||
        !updatesType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = dataType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    StringRef mode = op.getReduction();
    bool isUnsigned = isUnsignedElement(op.getData().getType());
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    bool supported = true;
    Value result = loopOver(
        rewriter, loc, updatesType.getShape(), adaptor.getData(),
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> at(ivs.begin(), ivs.end());
          at[axis] = readIndex(b, l, indices, ivs, dataType.getDimSize(axis));
          Value update = tensor::ExtractOp::create(b, l, updates, ivs);
          Value old = tensor::ExtractOp::create(b, l, acc, at);
          Value v = combine(b, l, mode, old, update, isUnsigned);
          supported &= v != nullptr;
          return tensor::InsertOp::create(b, l, v ? v : update, acc, at);
        });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "unknown reduction");
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ScatterNDLowering : OpConversionPattern<smelt::onnx::ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto dataType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    auto indicesType =
        dyn_cast<RankedTensorType>(adaptor.getIndices().getType());
    auto updatesType =
        dyn_cast<RankedTensorType>(adaptor.getUpdates().getType());
    if (!dataType || !indicesType || !updatesType ||
        !dataType.hasStaticShape() || !indicesType.hasStaticShape() ||
        !updatesType.hasStaticShape() || indicesType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t q = indicesType.getRank();
    int64_t k = indicesType.getDimSize(q - 1);
    StringRef mode = op.getReduction();
    bool isUnsigned = isUnsignedElement(op.getData().getType());
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    bool supported = true;
    Value result = loopOver(
        rewriter, loc, updatesType.getShape(), adaptor.getData(),
        [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
          SmallVector<Value> at;
          SmallVector<Value> where(ivs.begin(), ivs.begin() + (q - 1));
          where.push_back(Value());
          for (int64_t i = 0; i < k; ++i) {
            where.back() = arith::ConstantIndexOp::create(b, l, i);
            at.push_back(readIndex(b, l, indices, where, dataType.getDimSize(i)));
          }
          at.append(ivs.begin() + (q - 1), ivs.end());
          Value update = tensor::ExtractOp::create(b, l, updates, ivs);
          Value old = tensor::ExtractOp::create(b, l, acc, at);
          Value v = combine(b, l, mode, old, update, isUnsigned);
          supported &= v != nullptr;
          return tensor::InsertOp::create(b, l, v ? v : update, acc, at);
        });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "unknown reduction");
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// TopK by rank: an element whose rank along the axis (how many elements
/// come before it: larger, or equal at a lower index) is below K is written
/// to that position of Values and Indices.
struct TopKLowering : OpConversionPattern<smelt::onnx::TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType valuesType =
        getStaticTensorType(*getTypeConverter(), op.getValues().getType());
    RankedTensorType indicesType =
        getStaticTensorType(*getTypeConverter(), op.getIndices().getType());
    if (!type || !type.hasStaticShape() || !valuesType || !indicesType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    int64_t k = valuesType.getDimSize(axis);
    int64_t n = type.getDimSize(axis);
    bool largest = op.getLargest() != 0;
    bool isUnsigned = isUnsignedElement(op.getX().getType());
    Location loc = op.getLoc();
    Type element = type.getElementType();
    Value values = tensor::EmptyOp::create(rewriter, loc, valuesType.getShape(),
                                           element);
    Value indices = tensor::EmptyOp::create(
        rewriter, loc, indicesType.getShape(), indicesType.getElementType());
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d : type.getShape()) {
      lbs.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
      ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, d));
      steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{values, indices},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          Value e = tensor::ExtractOp::create(b, l, x, ivs);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value one = arith::ConstantIndexOp::create(b, l, 1);
          auto count = scf::ForOp::create(
              b, l, zero, arith::ConstantIndexOp::create(b, l, n), one,
              ValueRange{zero},
              [&](OpBuilder &nb, Location nl, Value j, ValueRange acc) {
                SmallVector<Value> at(ivs.begin(), ivs.end());
                at[axis] = j;
                Value other = tensor::ExtractOp::create(nb, nl, x, at);
                Value before, equal;
                if (isa<FloatType>(element)) {
                  before = arith::CmpFOp::create(
                      nb, nl,
                      largest ? arith::CmpFPredicate::OGT
                              : arith::CmpFPredicate::OLT,
                      other, e);
                  equal = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ,
                                                other, e);
                } else {
                  using P = arith::CmpIPredicate;
                  before = arith::CmpIOp::create(
                      nb, nl,
                      largest ? (isUnsigned ? P::ugt : P::sgt)
                              : (isUnsigned ? P::ult : P::slt),
                      other, e);
                  equal = arith::CmpIOp::create(nb, nl, P::eq, other, e);
                }
                Value earlier = arith::CmpIOp::create(
                    nb, nl, arith::CmpIPredicate::ult, j, ivs[axis]);
                Value counts = arith::OrIOp::create(
                    nb, nl, before, arith::AndIOp::create(nb, nl, equal, earlier));
                Value next = arith::SelectOp::create(
                    nb, nl, counts, arith::AddIOp::create(nb, nl, acc[0], one),
                    acc[0]);
                scf::YieldOp::create(nb, nl, next);
              });
          Value position = count.getResult(0);
          Value kept = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ult, position,
              arith::ConstantIndexOp::create(b, l, k));
          auto write = scf::IfOp::create(
              b, l, kept,
              [&](OpBuilder &nb, Location nl) {
                SmallVector<Value> at(ivs.begin(), ivs.end());
                at[axis] = position;
                Value index = arith::IndexCastOp::create(
                    nb, nl, indicesType.getElementType(), ivs[axis]);
                Value v = tensor::InsertOp::create(nb, nl, e, carried[0], at);
                Value i = tensor::InsertOp::create(nb, nl, index, carried[1], at);
                scf::YieldOp::create(nb, nl, ValueRange{v, i});
              },
              [&](OpBuilder &nb, Location nl) {
                scf::YieldOp::create(nb, nl, carried);
              });
          return scf::ValueVector{write.getResult(0), write.getResult(1)};
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

} // namespace

void smelt::populateONNXScatterToLinalgPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  patterns.add<ScatterElementsLowering, ScatterNDLowering, TopKLowering>(
      converter, patterns.getContext());
}
