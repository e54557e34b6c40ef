//===- ControlFlow.cpp - onnx If, Loop and Scan to scf --------------------===//
//
// Each body is cloned into the scf op's region with its arguments mapped to
// the scf op's values; the clones are onnx ops, which the conversion then
// lowers like any other. Values cross the boundary as converted (signless)
// tensors of static shape:
//
//  * If -> scf.if on the condition's element.
//  * Scan -> scf.for over the scan length: states are iteration arguments,
//    scan inputs are sliced at the current position (reversed when the
//    direction says so), scan outputs are inserted there.
//  * Loop -> scf.while on (i < M) and cond (either may be absent): the body
//    sees the iteration number and the condition as tensors; scan outputs
//    need a static row count (the declared output shape), which also bounds
//    the loop.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// The element of a 0-d or one-element tensor.
Value elementOf(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> at(type.getRank(),
                        arith::ConstantIndexOp::create(b, loc, 0));
  return tensor::ExtractOp::create(b, loc, tensor, at);
}

/// `v` as `type`: an unrealized cast where the element's sign differs (the
/// conversion resolves it), a tensor.cast where only static shape does.
Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  auto from = cast<TensorType>(v.getType());
  auto to = cast<TensorType>(type);
  if (from.getElementType() != to.getElementType())
    v = UnrealizedConversionCastOp::create(
            b, loc, from.clone(to.getElementType()), v)
            .getResult(0);
  if (v.getType() != type)
    v = tensor::CastOp::create(b, loc, type, v);
  return v;
}

/// Clones `body`'s ops after mapping its arguments to `args` (cast to the
/// arguments' types); returns what its onnx.Yield yields.
SmallVector<Value> cloneBody(OpBuilder &b, Location loc, Block &body,
                             ValueRange args) {
  IRMapping mapping;
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    mapping.map(arg, castTo(b, loc, value, arg.getType()));
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  SmallVector<Value> yielded;
  for (Value v : body.getTerminator()->getOperands())
    yielded.push_back(mapping.lookupOrDefault(v));
  return yielded;
}

LogicalResult staticTypes(const TypeConverter &converter, TypeRange types,
                          SmallVectorImpl<Type> &out) {
  for (Type t : types) {
    RankedTensorType type = getStaticTensorType(converter, t);
    if (!type)
      return failure();
    out.push_back(type);
  }
  return success();
}

/// One position of `tensor` along `axis`, without that axis.
Value sliceAt(OpBuilder &b, Location loc, Value tensor, int64_t axis,
              Value position) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
      sizes, strides(type.getRank(), b.getIndexAttr(1));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    sizes.push_back(b.getIndexAttr(d == axis ? 1 : type.getDimSize(d)));
    if (d != axis)
      shape.push_back(type.getDimSize(d));
  }
  offsets[axis] = position;
  auto sliceType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, sliceType, tensor, offsets,
                                        sizes, strides);
}

/// `into` with `slice` (one position less rank) inserted at `position`
/// along `axis`.
Value insertAt(OpBuilder &b, Location loc, Value slice, Value into,
               int64_t axis, Value position) {
  auto type = cast<RankedTensorType>(into.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
      sizes, strides(type.getRank(), b.getIndexAttr(1));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    sizes.push_back(b.getIndexAttr(d == axis ? 1 : type.getDimSize(d)));
    if (d != axis)
      shape.push_back(type.getDimSize(d));
  }
  offsets[axis] = position;
  slice = castTo(b, loc, slice,
                 RankedTensorType::get(shape, type.getElementType()));
  return tensor::InsertSliceOp::create(b, loc, slice, into, offsets, sizes,
                                       strides);
}

int64_t attrAt(std::optional<ArrayAttr> attr, size_t i, int64_t fallback) {
  if (!attr || i >= attr->size())
    return fallback;
  return cast<IntegerAttr>((*attr)[i]).getInt();
}

struct IfLowering : OpConversionPattern<smelt::onnx::IfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::IfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type> types;
    if (failed(staticTypes(*getTypeConverter(), op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(
          op, "If's results need static tensor shapes");
    Location loc = op.getLoc();
    auto ifOp = scf::IfOp::create(rewriter, loc, types,
                                  elementOf(rewriter, loc, adaptor.getCond()),
                                  /*addThenBlock=*/true, /*addElseBlock=*/true);
    for (auto [from, to] : {std::pair(&op.getThenBranch(), &ifOp.getThenRegion()),
                            std::pair(&op.getElseBranch(), &ifOp.getElseRegion())}) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(&to->front());
      SmallVector<Value> yielded =
          cloneBody(rewriter, loc, from->front(), ValueRange{});
      for (auto [i, v] : llvm::enumerate(yielded))
        v = castTo(rewriter, loc, v, types[i]);
      scf::YieldOp::create(rewriter, loc, yielded);
    }
    rewriter.replaceOp(op, ifOp.getResults());
    return success();
  }
};

struct ScanLowering : OpConversionPattern<smelt::onnx::ScanOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange operands = adaptor.getInitialStateAndScanInputs();
    int64_t numScan = static_cast<int64_t>(op.getNumScanInputs());
    int64_t numStates = operands.size() - numScan;
    SmallVector<Type> types;
    if (numStates < 0 ||
        failed(staticTypes(*getTypeConverter(), op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(
          op, "Scan's results need static tensor shapes");
    // The scan length, from the scan inputs (all agree).
    int64_t length = ShapedType::kDynamic;
    SmallVector<int64_t> inAxes;
    for (int64_t j = 0; j < numScan; ++j) {
      auto type = dyn_cast<RankedTensorType>(operands[numStates + j].getType());
      if (!type || !type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "scan inputs need static shapes");
      int64_t axis = attrAt(op.getScanInputAxes(), j, 0);
      if (axis < 0)
        axis += type.getRank();
      inAxes.push_back(axis);
      if (length != ShapedType::kDynamic && length != type.getDimSize(axis))
        return rewriter.notifyMatchFailure(op, "scan inputs differ in length");
      length = type.getDimSize(axis);
    }
    if (length == ShapedType::kDynamic)
      return rewriter.notifyMatchFailure(op, "Scan needs a scan input");

    SmallVector<Value> inits;
    for (int64_t i = 0; i < numStates; ++i)
      inits.push_back(castTo(rewriter, loc, operands[i], types[i]));
    for (size_t i = numStates; i < types.size(); ++i) {
      auto type = cast<RankedTensorType>(types[i]);
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                              type.getElementType()));
    }
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value last = arith::ConstantIndexOp::create(rewriter, loc, length - 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, arith::ConstantIndexOp::create(rewriter, loc, length),
        arith::ConstantIndexOp::create(rewriter, loc, 1), inits,
        [&](OpBuilder &b, Location l, Value iv, ValueRange carried) {
          Value reversed = arith::SubIOp::create(b, l, last, iv);
          SmallVector<Value> args(carried.take_front(numStates));
          for (int64_t j = 0; j < numScan; ++j) {
            bool reverse = attrAt(op.getScanInputDirections(), j, 0) != 0;
            args.push_back(sliceAt(b, l, operands[numStates + j], inAxes[j],
                                   reverse ? reversed : iv));
          }
          SmallVector<Value> yielded =
              cloneBody(b, l, op.getBody().front(), args);
          SmallVector<Value> next;
          for (int64_t i = 0; i < numStates; ++i)
            next.push_back(castTo(b, l, yielded[i], types[i]));
          for (size_t o = 0; o + numStates < types.size(); ++o) {
            Value into = carried[numStates + o];
            int64_t rank = cast<RankedTensorType>(into.getType()).getRank();
            int64_t axis = attrAt(op.getScanOutputAxes(), o, 0);
            if (axis < 0)
              axis += rank;
            bool reverse = attrAt(op.getScanOutputDirections(), o, 0) != 0;
            next.push_back(insertAt(b, l, yielded[numStates + o], into, axis,
                                    reverse ? reversed : iv));
          }
          scf::YieldOp::create(b, l, next);
        });
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

struct LoopLowering : OpConversionPattern<smelt::onnx::LoopOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::LoopOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ValueRange initial = adaptor.getVInitial();
    int64_t numStates = initial.size();
    SmallVector<Type> types;
    if (failed(staticTypes(*getTypeConverter(), op.getResultTypes(), types)))
      return rewriter.notifyMatchFailure(
          op, "Loop's results need static tensor shapes (scan outputs: a "
              "declared row count)");
    Block &body = op.getBody().front();
    if (body.getNumArguments() != static_cast<unsigned>(2 + numStates))
      return rewriter.notifyMatchFailure(op, "malformed Loop body");
    // Scan outputs bound the loop by their rows.
    int64_t rows = std::numeric_limits<int64_t>::max();
    for (size_t o = numStates; o < types.size(); ++o)
      rows = std::min(rows, cast<RankedTensorType>(types[o]).getDimSize(0));

    Type i64 = rewriter.getI64Type();
    Value tripCount =
        adaptor.getM()
            ? Value(elementOf(rewriter, loc, adaptor.getM()))
            : Value(arith::ConstantIntOp::create(
                  rewriter, loc, i64, std::numeric_limits<int64_t>::max()));
    Value cond = adaptor.getCond()
                     ? elementOf(rewriter, loc, adaptor.getCond())
                     : Value(arith::ConstantIntOp::create(rewriter, loc,
                                                          rewriter.getI1Type(), 1));
    Value bound = arith::ConstantIntOp::create(rewriter, loc, i64, rows);

    SmallVector<Value> inits = {arith::ConstantIntOp::create(rewriter, loc, i64, 0),
                                cond};
    for (int64_t i = 0; i < numStates; ++i)
      inits.push_back(castTo(rewriter, loc, initial[i], types[i]));
    for (size_t o = numStates; o < types.size(); ++o) {
      auto type = cast<RankedTensorType>(types[o]);
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                              type.getElementType()));
    }
    SmallVector<Type> carriedTypes = {i64, rewriter.getI1Type()};
    carriedTypes.append(types.begin(), types.end());

    auto loop = scf::WhileOp::create(
        rewriter, loc, carriedTypes, inits,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value more = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, args[0],
                                    tripCount),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, args[0],
                                    bound));
          scf::ConditionOp::create(b, l, arith::AndIOp::create(b, l, more, args[1]),
                                   args);
        },
        [&](OpBuilder &b, Location l, ValueRange args) {
          auto asTensor = [&](Value scalar, Type like) -> Value {
            auto type = cast<RankedTensorType>(
                getTypeConverter()->convertType(like));
            auto shaped = RankedTensorType::get(
                SmallVector<int64_t>(type.getRank(), 1), scalar.getType());
            return tensor::FromElementsOp::create(b, l, shaped, scalar);
          };
          SmallVector<Value> bodyArgs = {
              asTensor(args[0], body.getArgument(0).getType()),
              asTensor(args[1], body.getArgument(1).getType())};
          for (int64_t i = 0; i < numStates; ++i)
            bodyArgs.push_back(args[2 + i]);
          SmallVector<Value> yielded = cloneBody(b, l, body, bodyArgs);
          auto condType = cast<RankedTensorType>(yielded[0].getType());
          Value nextCond = castTo(
              b, l, yielded[0],
              RankedTensorType::get(condType.getShape(), b.getI1Type()));
          SmallVector<Value> next = {
              arith::AddIOp::create(b, l, args[0],
                                    arith::ConstantIntOp::create(b, l, i64, 1)),
              elementOf(b, l, nextCond)};
          for (int64_t i = 0; i < numStates; ++i)
            next.push_back(castTo(b, l, yielded[1 + i], types[i]));
          Value row = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          for (size_t o = numStates; o < types.size(); ++o)
            next.push_back(insertAt(b, l, yielded[1 + o], args[2 + o], 0, row));
          scf::YieldOp::create(b, l, next);
        });
    rewriter.replaceOp(op, loop.getResults().drop_front(2));
    return success();
  }
};

} // namespace

void smelt::populateONNXControlFlowToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<IfLowering, LoopLowering, ScanLowering>(converter,
                                                       patterns.getContext());
}
