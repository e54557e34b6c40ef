//===- Normalization.cpp - onnx normalization to linalg -------------------===//
//
// BatchNormalization (inference and training), LRN,
// MeanVarianceNormalization, LayerNormalization and InstanceNormalization
// as reductions over their axes and broadcast elementwise ops; Dropout as
// at inference.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"
#include "smelt/Conversion/ONNXToLinalg/NNUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

Value normalize(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes,
                float epsilon, Value *meanOut = nullptr,
                Value *invStdDevOut = nullptr, Value *varianceOut = nullptr);

/// LRN: x / (bias + alpha / size * sum of x^2 over nearby channels)^beta.
struct LRNLowering : OpConversionPattern<smelt::onnx::LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 3 ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    Location loc = op.getLoc();
    int64_t size = op.getSize();
    int64_t channels = type.getDimSize(1);
    int64_t before = (size - 1) / 2;
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    float bias = op.getBias().convertToFloat();
    MLIRContext *ctx = rewriter.getContext();
    // Iteration: the output dims plus the window tap j.
    SmallVector<AffineExpr> outExprs;
    for (int64_t d = 0; d < rank; ++d)
      outExprs.push_back(getAffineDimExpr(d, ctx));
    Value window = tensor::EmptyOp::create(rewriter, loc, {size}, element);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, {getAffineDimExpr(rank, ctx)}, ctx),
        AffineMap::get(rank + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value zero = createScalarConstant(rewriter, loc, element, 0.0);
    Value init = linalg::FillOp::create(
                     rewriter, loc, zero,
                     Value(tensor::EmptyOp::create(rewriter, loc,
                                                   type.getShape(), element)))
                     .getResult(0);
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, ValueRange{window},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              SmallVector<Value> at;
              for (int64_t d = 0; d < rank; ++d)
                at.push_back(linalg::IndexOp::create(b, l, d));
              Value j = linalg::IndexOp::create(b, l, rank);
              // channel = c - before + j, if in range.
              Value c = arith::SubIOp::create(
                  b, l, arith::AddIOp::create(b, l, at[1], j),
                  arith::ConstantIndexOp::create(b, l, before));
              Value inRange = arith::AndIOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, c,
                                        arith::ConstantIndexOp::create(b, l, 0)),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, c,
                                        arith::ConstantIndexOp::create(b, l, channels)));
              at[1] = arith::SelectOp::create(
                  b, l, inRange, c, arith::ConstantIndexOp::create(b, l, 0));
              Value v = tensor::ExtractOp::create(b, l, x, at);
              Value sq = arith::MulFOp::create(b, l, v, v);
              sq = arith::SelectOp::create(b, l, inRange, sq,
                                           createScalarConstant(b, l, element, 0));
              linalg::YieldOp::create(
                  b, l, Value(arith::AddFOp::create(b, l, args[1], sq)));
            })
            .getResult(0);
    Value result = buildBroadcastElementwise(
        rewriter, loc, type, ValueRange{x, sums},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value scaled = arith::MulFOp::create(
              b, l, a[1], createScalarConstant(b, l, element, alpha / size));
          Value base = arith::AddFOp::create(
              b, l, scaled, createScalarConstant(b, l, element, bias));
          Value denom = math::PowFOp::create(
              b, l, base, createScalarConstant(b, l, element, beta));
          return arith::DivFOp::create(b, l, a[0], denom);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// MeanVarianceNormalization: (x - mean) / sqrt(variance) over `axes`, with
/// the epsilon of ONNX's function body (1e-9).
struct MVNLowering
    : OpConversionPattern<smelt::onnx::MeanVarianceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::MeanVarianceNormalizationOp op,
                  OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes = intsOf(op.getAxesAttr(), 0, 0);
    for (int64_t &a : axes)
      if (a < 0)
        a += rank;
    llvm::sort(axes);
    rewriter.replaceOp(op, normalize(rewriter, op.getLoc(), adaptor.getX(),
                                     axes, 1e-9f));
    return success();
  }
};

/// Inference-mode BatchNormalization.
struct BatchNormLowering
    : OpConversionPattern<smelt::onnx::BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getTrainingMode() != 0)
      return lowerTraining(op, adaptor, rewriter);
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!inputType || !inputType.hasStaticShape() || !resultType ||
        inputType.getRank() < 2 ||
        !isa<FloatType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    Location loc = op.getLoc();
    int64_t rank = inputType.getRank();
    SmallVector<Value> operands = {adaptor.getX()};
    for (Value v : {adaptor.getScale(), adaptor.getB(), adaptor.getInputMean(),
                    adaptor.getInputVar()}) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || type.getRank() != 1)
        return rewriter.notifyMatchFailure(op, "needs 1-D statistics");
      operands.push_back(perChannel(rewriter, loc, v, rank));
    }
    float epsilon = op.getEpsilon().convertToFloat();
    Type element = inputType.getElementType();
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          auto cast = [&](Value v) {
            return v.getType() == element
                       ? v
                       : convertScalar(b, l, v, v.getType(), element, element);
          };
          Value x = a[0], scale = cast(a[1]), bias = cast(a[2]),
                mean = cast(a[3]), var = cast(a[4]);
          Value denom = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, var,
                                    createScalarConstant(b, l, element,
                                                         epsilon)));
          Value normalized = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, x, mean), denom);
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, normalized, scale), bias);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  /// Training mode: normalize with the batch's own statistics (over all dims
  /// but the channel) and update the running ones with the momentum.
  LogicalResult lowerTraining(smelt::onnx::BatchNormalizationOp op,
                              OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const {
    auto type = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!type || !type.hasStaticShape() || !resultType || type.getRank() < 2 ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    SmallVector<int64_t> axes = {0};
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    Value mean, variance;
    Value normalized = normalize(rewriter, loc, adaptor.getX(), axes,
                                 op.getEpsilon().convertToFloat(), &mean,
                                 nullptr, &variance);
    Value y = buildBroadcastElementwise(
        rewriter, loc, resultType,
        ValueRange{normalized, perChannel(rewriter, loc, adaptor.getScale(), rank),
                   perChannel(rewriter, loc, adaptor.getB(), rank)},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, a[0], a[1]), a[2]);
        });
    SmallVector<Value> results = {y};
    float momentum = op.getMomentum().convertToFloat();
    Value running[] = {adaptor.getInputMean(), adaptor.getInputVar()};
    Value current[] = {mean, variance};
    Value outputs[] = {op.getRunningMean(), op.getRunningVar()};
    for (auto [old, now, output] : llvm::zip(running, current, outputs)) {
      if (!output)
        continue;
      auto outType = cast<RankedTensorType>(now.getType());
      results.push_back(buildBroadcastElementwise(
          rewriter, loc, outType, ValueRange{old, now},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::AddFOp::create(
                b, l,
                arith::MulFOp::create(b, l, a[0],
                                      createScalarConstant(b, l, element, momentum)),
                arith::MulFOp::create(
                    b, l, a[1], createScalarConstant(b, l, element, 1 - momentum)));
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Dropout at inference, or in training mode with a ratio of 0 (which drops
/// nothing: PyTorch exports attention's dropout so): the input passes; the
/// mask, if asked for, is true.
struct DropoutLowering : OpConversionPattern<smelt::onnx::DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (Value training = adaptor.getTrainingMode()) {
      auto flag = getConstantInts(training);
      std::optional<SmallVector<double>> ratio;
      if (Value r = adaptor.getRatio())
        ratio = getConstantFloats(r);
      bool dropsNothing = ratio && ratio->size() == 1 && (*ratio)[0] == 0.0;
      if (!flag || (!flag->empty() && (*flag)[0] != 0 && !dropsNothing))
        return rewriter.notifyMatchFailure(
            op, "training mode with a ratio other than a constant 0 is not "
                "supported");
    }
    SmallVector<Value> results = {adaptor.getData()};
    if (Value mask = op.getMask()) {
      RankedTensorType maskType =
          getStaticTensorType(*getTypeConverter(), mask.getType());
      if (!maskType)
        return rewriter.notifyMatchFailure(op, "needs a static mask shape");
      Location loc = op.getLoc();
      Value empty = tensor::EmptyOp::create(rewriter, loc, maskType.getShape(),
                                            maskType.getElementType());
      Value truth = arith::ConstantOp::create(rewriter, loc,
                                              rewriter.getBoolAttr(true));
      results.push_back(
          linalg::FillOp::create(rewriter, loc, truth, empty).getResult(0));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Normalizes over the trailing dims from `axis` (LayerNormalization) or the
/// spatial dims (InstanceNormalization): y = (x - mean) / sqrt(var + eps).
Value normalize(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes,
                float epsilon, Value *meanOut, Value *invStdDevOut,
                Value *varianceOut) {
  auto type = cast<RankedTensorType>(x.getType());
  Type element = type.getElementType();
  int64_t count = 1;
  for (int64_t a : axes)
    count *= type.getDimSize(a);
  Value zero = createScalarConstant(b, loc, element, 0.0);
  auto sumOf = [&](Value v) {
    return reduce(b, loc, v, axes, zero,
                  [](OpBuilder &nb, Location l, Value e, Value acc) -> Value {
                    return arith::AddFOp::create(nb, l, acc, e);
                  });
  };
  AffineMap full = b.getMultiDimIdentityMap(type.getRank());
  AffineMap reducedM = reducedMap(type.getRank(), axes, b.getContext());
  auto mapWith = [&](Value v, Value reducedValue,
                     llvm::function_ref<Value(OpBuilder &, Location, Value,
                                              Value)>
                         fn) {
    Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), element);
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{v, reducedValue},
               ValueRange{empty}, ArrayRef<AffineMap>{full, reducedM, full},
               SmallVector<utils::IteratorType>(type.getRank(),
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, fn(nb, l, args[0], args[1]));
               })
        .getResult(0);
  };
  Value n = createScalarConstant(b, loc, element, count);
  Value mean = sumOf(x);
  Value centered = mapWith(x, mean, [&](OpBuilder &nb, Location l, Value e,
                                        Value s) -> Value {
    return arith::SubFOp::create(nb, l, e,
                                 arith::DivFOp::create(nb, l, s, n));
  });
  Value squares = buildBroadcastElementwise(
      b, loc, type, ValueRange{centered},
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return arith::MulFOp::create(nb, l, a[0], a[0]);
      });
  Value variance = sumOf(squares);
  Value eps = createScalarConstant(b, loc, element, epsilon);
  if (meanOut || invStdDevOut || varianceOut) {
    auto reducedType = cast<RankedTensorType>(mean.getType());
    if (varianceOut)
      *varianceOut = buildBroadcastElementwise(
          b, loc, reducedType, ValueRange{variance},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            return arith::DivFOp::create(nb, l, a[0], n);
          });
    if (meanOut)
      *meanOut = buildBroadcastElementwise(
          b, loc, reducedType, ValueRange{mean},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            return arith::DivFOp::create(nb, l, a[0], n);
          });
    if (invStdDevOut)
      *invStdDevOut = buildBroadcastElementwise(
          b, loc, reducedType, ValueRange{variance},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            Value var = arith::DivFOp::create(nb, l, a[0], n);
            return math::RsqrtOp::create(
                nb, l, arith::AddFOp::create(nb, l, var, eps));
          });
  }
  return mapWith(centered, variance,
                 [&](OpBuilder &nb, Location l, Value e, Value s) -> Value {
                   Value var = arith::DivFOp::create(nb, l, s, n);
                   Value denom = math::SqrtOp::create(
                       nb, l, arith::AddFOp::create(nb, l, var, eps));
                   return arith::DivFOp::create(nb, l, e, denom);
                 });
}

struct LayerNormLowering
    : OpConversionPattern<smelt::onnx::LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!type || !type.hasStaticShape() || !resultType ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    SmallVector<int64_t> axes;
    for (int64_t d = axis; d < rank; ++d)
      axes.push_back(d);
    Location loc = op.getLoc();
    Value mean, invStdDev;
    Value y = normalize(rewriter, loc, adaptor.getX(), axes,
                        op.getEpsilon().convertToFloat(), &mean, &invStdDev);
    SmallVector<Value> operands = {y, adaptor.getScale()};
    if (Value bias = adaptor.getB())
      operands.push_back(bias);
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = arith::MulFOp::create(b, l, a[0], a[1]);
          return a.size() > 2 ? Value(arith::AddFOp::create(b, l, v, a[2])) : v;
        });
    // The optional Mean and InvStdDev outputs keep the reduced dims as 1.
    SmallVector<Value> results = {result};
    Value statistics[] = {mean, invStdDev};
    Value outputs[] = {op.getMean(), op.getInvStdDev()};
    for (auto [value, output] : llvm::zip(statistics, outputs)) {
      if (!output)
        continue;
      RankedTensorType outType =
          getStaticTensorType(*getTypeConverter(), output.getType());
      if (!outType || outType.getElementType() != cast<ShapedType>(value.getType()).getElementType())
        return rewriter.notifyMatchFailure(op, "unsupported statistics type");
      results.push_back(reshapeToStatic(rewriter, loc, value, outType));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct InstanceNormLowering
    : OpConversionPattern<smelt::onnx::InstanceNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::InstanceNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    if (!type || !type.hasStaticShape() || !resultType || type.getRank() < 3 ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    int64_t rank = type.getRank();
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < rank; ++d)
      axes.push_back(d);
    Location loc = op.getLoc();
    Value y = normalize(rewriter, loc, adaptor.getInput(), axes,
                        op.getEpsilon().convertToFloat());
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType,
        ValueRange{y, perChannel(rewriter, loc, adaptor.getScale(), rank),
                   perChannel(rewriter, loc, adaptor.getB(), rank)},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, a[0], a[1]), a[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void smelt::populateONNXNormalizationToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, LRNLowering, MVNLowering, DropoutLowering,
               LayerNormLowering, InstanceNormLowering>(converter,
                                                        patterns.getContext());
}
