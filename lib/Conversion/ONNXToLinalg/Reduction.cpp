//===- Reduction.cpp - onnx reductions, Softmax and ArgMax to linalg ------===//
//
// A reduction is one linalg.generic whose reduced dimensions iterate as
// "reduction"; keepdims is a reshape of the result. Softmax and LogSoftmax
// are the numerically stable max / exp / sum / divide sequence.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <functional>

using namespace mlir;
using namespace smelt::detail;

namespace {

/// result[i] = fn(full[i], reduced[i without axes]).
Value combineWithReduced(
    OpBuilder &b, Location loc, Value full, Value reduced,
    ArrayRef<int64_t> axes,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> fn) {
  auto type = cast<RankedTensorType>(full.getType());
  int64_t rank = type.getRank();
  Value empty = emptyLike(b, loc, type, full);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 reducedMap(rank, axes, b.getContext()),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{full, reduced},
             ValueRange{empty}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, fn(nb, nl, args[0], args[1]));
             })
      .getResult(0);
}



} // namespace

Value smelt::detail::buildSoftmax(OpBuilder &b, Location loc, Value input,
                                  int64_t axis, bool log) {
  Type element = cast<RankedTensorType>(input.getType()).getElementType();
  SmallVector<int64_t> axes = {axis};
  Value max = reduce(b, loc, input, axes, lowestValue(b, loc, element, false),
                     [](OpBuilder &nb, Location l, Value x, Value acc) {
                       return arith::MaximumFOp::create(nb, l, x, acc);
                     });
  if (!log) {
    // exp(x - max) once, kept for the division (computed again there, it
    // doubled a Softmax's cost: the exponential is most of it).
    Value exps = combineWithReduced(
        b, loc, input, max, axes,
        [](OpBuilder &nb, Location l, Value x, Value m) -> Value {
          return math::ExpOp::create(nb, l, arith::SubFOp::create(nb, l, x, m));
        });
    Value sum = reduce(b, loc, exps, axes,
                       createScalarConstant(b, loc, element, 0.0),
                       [](OpBuilder &nb, Location l, Value x, Value acc) {
                         return arith::AddFOp::create(nb, l, acc, x);
                       });
    return combineWithReduced(
        b, loc, exps, sum, axes,
        [](OpBuilder &nb, Location l, Value e, Value s) -> Value {
          return arith::DivFOp::create(nb, l, e, s);
        });
  }
  Value shifted = combineWithReduced(
      b, loc, input, max, axes, [](OpBuilder &nb, Location l, Value x, Value m) {
        return arith::SubFOp::create(nb, l, x, m);
      });
  Value sum = reduce(b, loc, shifted, axes,
                     createScalarConstant(b, loc, element, 0.0),
                     [](OpBuilder &nb, Location l, Value x, Value acc) {
                       return arith::AddFOp::create(
                           nb, l, acc, math::ExpOp::create(nb, l, x));
                     });
  return combineWithReduced(
      b, loc, shifted, sum, axes,
      [&](OpBuilder &nb, Location l, Value x, Value s) -> Value {
        if (log)
          return arith::SubFOp::create(nb, l, x, math::LogOp::create(nb, l, s));
        return arith::DivFOp::create(nb, l, math::ExpOp::create(nb, l, x), s);
      });
}

namespace {

/// Softmax (log = false) or LogSoftmax (log = true) along one axis.
template <typename OpTy, bool log>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float input");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (rank == 0 || axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    rewriter.replaceOp(op, buildSoftmax(rewriter, op.getLoc(), input, axis, log));
    return success();
  }
};

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare, LogSum,
                        LogSumExp };

/// The Reduce* family; `axes` come from the attribute or (ReduceSum) from a
/// constant second operand.
class ReduceLowering : public ConversionPattern {
public:
  ReduceLowering(const TypeConverter &converter, MLIRContext *context,
                 StringRef opName, ReduceKind kind)
      : ConversionPattern(converter, opName, 1, context), kind(kind) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = operands[0];
    auto type = dyn_cast<RankedTensorType>(input.getType());
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op->getResult(0).getType());
    if (!type || !resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned = isUnsignedElement(op->getOperand(0).getType());
    if (!isFloat && kind != ReduceKind::Sum && kind != ReduceKind::Max &&
        kind != ReduceKind::Min && kind != ReduceKind::Prod &&
        kind != ReduceKind::L1 && kind != ReduceKind::SumSquare)
      return rewriter.notifyMatchFailure(op, "needs floats");

    SmallVector<int64_t> axes;
    if (auto attr = op->getAttrOfType<ArrayAttr>("axes")) {
      for (Attribute a : attr)
        axes.push_back(cast<IntegerAttr>(a).getInt());
    } else if (operands.size() > 1 && operands[1]) {
      auto constant = getConstantInts(operands[1]);
      // An axes input of static size 0 is empty whatever its values.
      auto axesType = dyn_cast<RankedTensorType>(operands[1].getType());
      if (!constant && axesType && axesType.hasStaticShape() &&
          axesType.getNumElements() == 0)
        constant = SmallVector<int64_t>();
      auto keepdims = op->getAttrOfType<IntegerAttr>("keepdims");
      bool keep = !keepdims || keepdims.getInt() != 0;
      if (constant) {
        axes = *constant;
      } else if (keep && resultType.getRank() == rank &&
                 resultType != type) {
        // Axes known only at run time, but the inferred result shape names
        // them: the dims that became 1 (reducing a dim of size 1 changes
        // nothing, so those need not be told apart).
        for (int64_t d = 0; d < rank; ++d)
          if (resultType.getDimSize(d) == 1 && type.getDimSize(d) != 1)
            axes.push_back(d);
      } else {
        return rewriter.notifyMatchFailure(op, "axes must be a constant");
      }
    }
    auto noop = op->getAttrOfType<IntegerAttr>("noop_with_empty_axes");
    if (axes.empty()) {
      if (noop && noop.getInt()) {
        rewriter.replaceOp(op, input);
        return success();
      }
      for (int64_t d = 0; d < rank; ++d)
        axes.push_back(d);
    }
    for (int64_t &a : axes) {
      if (a < 0)
        a += rank;
      if (a < 0 || a >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
    }
    llvm::sort(axes);
    axes.erase(std::unique(axes.begin(), axes.end()), axes.end());

    Location loc = op->getLoc();
    auto add = [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
      return isFloat ? Value(arith::AddFOp::create(b, l, acc, x))
                     : Value(arith::AddIOp::create(b, l, acc, x));
    };
    Value init;
    std::function<Value(OpBuilder &, Location, Value, Value)> combine;
    switch (kind) {
    case ReduceKind::Sum:
    case ReduceKind::Mean:
    case ReduceKind::LogSum:
      init = createScalarConstant(rewriter, loc, element, 0.0);
      combine = add;
      break;
    case ReduceKind::Max:
      init = lowestValue(rewriter, loc, element, isUnsigned);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) {
        return maxOf(b, l, x, acc, isUnsigned);
      };
      break;
    case ReduceKind::Min:
      init = highestValue(rewriter, loc, element, isUnsigned);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) {
        return minOf(b, l, x, acc, isUnsigned);
      };
      break;
    case ReduceKind::Prod:
      init = createScalarConstant(rewriter, loc, element, 1.0);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
        return isFloat ? Value(arith::MulFOp::create(b, l, acc, x))
                       : Value(arith::MulIOp::create(b, l, acc, x));
      };
      break;
    case ReduceKind::L1:
      init = createScalarConstant(rewriter, loc, element, 0.0);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
        Value absolute = isFloat ? Value(math::AbsFOp::create(b, l, x))
                                 : Value(math::AbsIOp::create(b, l, x));
        return add(b, l, absolute, acc);
      };
      break;
    case ReduceKind::L2:
    case ReduceKind::SumSquare:
      init = createScalarConstant(rewriter, loc, element, 0.0);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
        Value square = isFloat ? Value(arith::MulFOp::create(b, l, x, x))
                               : Value(arith::MulIOp::create(b, l, x, x));
        return add(b, l, square, acc);
      };
      break;
    case ReduceKind::LogSumExp:
      init = createScalarConstant(rewriter, loc, element, 0.0);
      combine = [&](OpBuilder &b, Location l, Value x, Value acc) -> Value {
        return arith::AddFOp::create(b, l, acc, math::ExpOp::create(b, l, x));
      };
      break;
    }
    Value reduced = reduce(rewriter, loc, input, axes, init, combine);

    // Finish the mean, norm and logarithms elementwise.
    if (kind == ReduceKind::Mean || kind == ReduceKind::L2 ||
        kind == ReduceKind::LogSum || kind == ReduceKind::LogSumExp) {
      // The element count: a constant, or read at run time where a reduced
      // dimension is dynamic.
      int64_t staticCount = 1;
      Value count;
      for (int64_t a : axes) {
        if (!type.isDynamicDim(a)) {
          staticCount *= type.getDimSize(a);
          continue;
        }
        Value size = tensor::DimOp::create(rewriter, loc, input, a);
        count = count ? arith::MulIOp::create(rewriter, loc, count, size)
                      : size;
      }
      Value known = createScalarConstant(rewriter, loc, element, staticCount);
      if (count) {
        count = arith::IndexCastOp::create(rewriter, loc,
                                           rewriter.getI64Type(), count);
        count = arith::SIToFPOp::create(rewriter, loc, element, count);
        count = arith::MulFOp::create(rewriter, loc, count, known);
      } else {
        count = known;
      }
      auto reducedType = cast<RankedTensorType>(reduced.getType());
      reduced = buildBroadcastElementwise(
          rewriter, loc, reducedType, ValueRange{reduced},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Value v = args[0];
            if (kind == ReduceKind::Mean)
              return arith::DivFOp::create(b, l, v, count);
            if (kind == ReduceKind::L2)
              return math::SqrtOp::create(b, l, v);
            return math::LogOp::create(b, l, v);
          });
    }
    rewriter.replaceOp(op,
                       reshapeToStatic(rewriter, loc, reduced, resultType));
    return success();
  }

private:
  ReduceKind kind;
};

/// Index (i64) of the largest (or smallest) element along `axis`, with that
/// dim dropped; the first such index, or the last when `last`.
Value buildArgReduce(OpBuilder &b, Location loc, Value input, int64_t axis,
                     bool isMax, bool last, bool isUnsigned) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Type element = type.getElementType();
  Type i64 = b.getI64Type();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      shape.push_back(type.getDimSize(d));
  Value start = isMax ? lowestValue(b, loc, element, isUnsigned)
                      : highestValue(b, loc, element, isUnsigned);
  Value bestEmpty = tensor::EmptyOp::create(b, loc, shape, element);
  Value bestInit = linalg::FillOp::create(b, loc, start, bestEmpty).getResult(0);
  Value indexEmpty = tensor::EmptyOp::create(b, loc, shape, i64);
  Value indexInit =
      linalg::FillOp::create(b, loc, createScalarConstant(b, loc, i64, 0),
                             indexEmpty)
          .getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 reducedMap(rank, {axis}, b.getContext()),
                                 reducedMap(rank, {axis}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{bestInit.getType(), indexInit.getType()},
      ValueRange{input}, ValueRange{bestInit, indexInit}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0], best = args[1], bestIndex = args[2];
        Value index = arith::IndexCastOp::create(
            nb, l, i64, linalg::IndexOp::create(nb, l, axis));
        Value better;
        if (isa<FloatType>(element)) {
          auto pred = isMax ? (last ? arith::CmpFPredicate::OGE
                                    : arith::CmpFPredicate::OGT)
                            : (last ? arith::CmpFPredicate::OLE
                                    : arith::CmpFPredicate::OLT);
          better = arith::CmpFOp::create(nb, l, pred, x, best);
        } else {
          using P = arith::CmpIPredicate;
          P pred = isMax ? (last ? (isUnsigned ? P::uge : P::sge)
                                 : (isUnsigned ? P::ugt : P::sgt))
                         : (last ? (isUnsigned ? P::ule : P::sle)
                                 : (isUnsigned ? P::ult : P::slt));
          better = arith::CmpIOp::create(nb, l, pred, x, best);
        }
        // The first element always wins, whatever the start value.
        Value first =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, index,
                                  createScalarConstant(nb, l, i64, 0));
        better = arith::OrIOp::create(nb, l, better, first);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, x, best),
                       arith::SelectOp::create(nb, l, better, index,
                                               bestIndex)});
      });
  return generic.getResult(1);
}

/// ArgMax / ArgMin.
template <typename OpTy, bool isMax>
struct ArgLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getData();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = getStaticTensorType(
        *this->getTypeConverter(), op.getReduced().getType());
    if (!type || !type.hasStaticShape() || !resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value indices = buildArgReduce(rewriter, op.getLoc(), input, axis, isMax,
                                   op.getSelectLastIndex() != 0,
                                   isUnsignedElement(op.getData().getType()));
    rewriter.replaceOp(op, reshapeToStatic(rewriter, op.getLoc(), indices,
                                           resultType));
    return success();
  }
};

/// Hardmax: 1 at the first largest element along the axis, 0 elsewhere.
struct HardmaxLowering : OpConversionPattern<smelt::onnx::HardmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::HardmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a static float input");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    Location loc = op.getLoc();
    Value best = buildArgReduce(rewriter, loc, input, axis, true, false, false);
    Type element = type.getElementType();
    Value result = combineWithReduced(
        rewriter, loc, input, best, {axis},
        [&](OpBuilder &b, Location l, Value, Value index) -> Value {
          Value here = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, here, index);
          return arith::SelectOp::create(b, l, hit,
                                         createScalarConstant(b, l, element, 1),
                                         createScalarConstant(b, l, element, 0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// CumSum: out[i] sums x[k] for k before (or after, reversed) i along the
/// axis, including i unless exclusive.
struct CumSumLowering : OpConversionPattern<smelt::onnx::CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = type.getRank();
    auto axisValue = getConstantInts(adaptor.getAxis());
    if (!axisValue && rank > 1)
      return lowerWithRuntimeAxis(op, adaptor, rewriter);
    int64_t axis = axisValue && !axisValue->empty() ? (*axisValue)[0] : 0;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    Location loc = op.getLoc();
    Type element = type.getElementType();
    MLIRContext *ctx = rewriter.getContext();
    // Iteration: the output dims plus k, the position summed over.
    int64_t k = rank;
    SmallVector<AffineExpr> xExprs;
    for (int64_t d = 0; d < rank; ++d)
      xExprs.push_back(getAffineDimExpr(d == axis ? k : d, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, xExprs, ctx),
                                   AffineMap::getMultiDimIdentityMap(rank + 1, ctx)
                                       .getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value init = linalg::FillOp::create(
                     rewriter, loc, createScalarConstant(rewriter, loc, element, 0),
                     Value(tensor::EmptyOp::create(rewriter, loc,
                                                   type.getShape(), element)))
                     .getResult(0);
    using P = arith::CmpIPredicate;
    P pred = reverse ? (exclusive ? P::ugt : P::uge)
                     : (exclusive ? P::ult : P::ule);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
            maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value kk = linalg::IndexOp::create(b, l, k);
              Value i = linalg::IndexOp::create(b, l, axis);
              Value take = arith::CmpIOp::create(b, l, pred, kk, i);
              Value sum = isa<FloatType>(element)
                              ? Value(arith::AddFOp::create(b, l, args[1], args[0]))
                              : Value(arith::AddIOp::create(b, l, args[1], args[0]));
              linalg::YieldOp::create(
                  b, l, Value(arith::SelectOp::create(b, l, take, sum, args[1])));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }

  /// An axis known only at run time: every output position sums over all
  /// input positions that match it off the axis and precede it on the axis.
  /// Quadratic in the tensor size, so only for this case.
  LogicalResult
  lowerWithRuntimeAxis(smelt::onnx::CumSumOp op, OpAdaptor adaptor,
                       ConversionPatternRewriter &rewriter) const {
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    Location loc = op.getLoc();
    Type element = type.getElementType();
    MLIRContext *ctx = rewriter.getContext();
    Value axisScalar = tensor::ExtractOp::create(rewriter, loc,
                                                 adaptor.getAxis(), ValueRange{});
    Value axisIndex = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(), axisScalar);
    Value rankIndex = arith::ConstantIndexOp::create(rewriter, loc, rank);
    Value negative = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::slt, axisIndex,
        arith::ConstantIndexOp::create(rewriter, loc, 0));
    axisIndex = arith::SelectOp::create(
        rewriter, loc, negative,
        arith::AddIOp::create(rewriter, loc, axisIndex, rankIndex), axisIndex);
    SmallVector<AffineExpr> jExprs, iExprs;
    for (int64_t d = 0; d < rank; ++d) {
      iExprs.push_back(getAffineDimExpr(d, ctx));
      jExprs.push_back(getAffineDimExpr(rank + d, ctx));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(2 * rank, 0, jExprs, ctx),
                                   AffineMap::get(2 * rank, 0, iExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.append(rank, utils::IteratorType::reduction);
    Value init =
        linalg::FillOp::create(
            rewriter, loc, createScalarConstant(rewriter, loc, element, 0),
            Value(tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          element)))
            .getResult(0);
    using P = arith::CmpIPredicate;
    P pred = reverse ? (exclusive ? P::ugt : P::uge)
                     : (exclusive ? P::ult : P::ule);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
            maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value take =
                  arith::ConstantOp::create(b, l, b.getBoolAttr(true));
              for (int64_t d = 0; d < rank; ++d) {
                Value i = linalg::IndexOp::create(b, l, d);
                Value j = linalg::IndexOp::create(b, l, rank + d);
                Value onAxis = arith::CmpIOp::create(
                    b, l, P::eq, axisIndex,
                    arith::ConstantIndexOp::create(b, l, d));
                Value along = arith::CmpIOp::create(b, l, pred, j, i);
                Value same = arith::CmpIOp::create(b, l, P::eq, j, i);
                take = arith::AndIOp::create(
                    b, l, take,
                    arith::SelectOp::create(b, l, onAxis, along, same));
              }
              Value sum = isa<FloatType>(element)
                              ? Value(arith::AddFOp::create(b, l, args[1], args[0]))
                              : Value(arith::AddIOp::create(b, l, args[1], args[0]));
              linalg::YieldOp::create(
                  b, l, Value(arith::SelectOp::create(b, l, take, sum, args[1])));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void smelt::populateONNXReductionToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<SoftmaxLowering<smelt::onnx::SoftmaxOp, false>,
               SoftmaxLowering<smelt::onnx::LogSoftmaxOp, true>,
               ArgLowering<smelt::onnx::ArgMaxOp, true>,
               ArgLowering<smelt::onnx::ArgMinOp, false>, HardmaxLowering,
               CumSumLowering>(converter, context);
  const std::pair<const char *, ReduceKind> reductions[] = {
      {"onnx.ReduceSum", ReduceKind::Sum},
      {"onnx.ReduceMean", ReduceKind::Mean},
      {"onnx.ReduceMax", ReduceKind::Max},
      {"onnx.ReduceMin", ReduceKind::Min},
      {"onnx.ReduceProd", ReduceKind::Prod},
      {"onnx.ReduceL1", ReduceKind::L1},
      {"onnx.ReduceL2", ReduceKind::L2},
      {"onnx.ReduceSumSquare", ReduceKind::SumSquare},
      {"onnx.ReduceLogSum", ReduceKind::LogSum},
      {"onnx.ReduceLogSumExp", ReduceKind::LogSumExp},
  };
  for (auto [name, kind] : reductions)
    patterns.add<ReduceLowering>(converter, context, name, kind);
}
