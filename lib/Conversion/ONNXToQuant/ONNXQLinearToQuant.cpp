//===- ONNXQLinearToQuant.cpp - convert-onnx-qlinear-to-quant --------------===//
//
// ONNX's integer operators with constant parameters to Smelt's integer ops
// on `!quant.uniform` tensors: the scales and zero points move from
// operands into types, and requantization becomes `smelt.requantize`. See
// the pass description.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/Passes.h"

#include "ONNX/ONNXBuild.h"
#include "ONNX/ONNXDialect.h"
#include "Smelt/QuantizedTypes.h"
#include "Smelt/SmeltDialect.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CONVERTONNXQLINEARTOQUANTPASS
#include "smelt/Conversion/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::onnx;

namespace {

Type elementOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

/// The quantized type of integers `x` with constant `scale` and
/// `zeroPoint` (one each, or one per element along `axis`); null when they
/// are not constant or make no valid type.
quant::QuantizedType constantType(Value x, Value scale, Value zeroPoint,
                                  int32_t axis) {
  if (!isa<RankedTensorType>(x.getType()) ||
      !isa<IntegerType>(elementOf(x)) || !scale)
    return {};
  std::optional<SmallVector<double>> scales = getConstantFloats(scale);
  std::optional<SmallVector<int64_t>> zeros =
      zeroPoint ? getConstantInts(zeroPoint)
                : std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{0});
  if (!scales || !zeros)
    return {};
  return smelt::getUniformQuantizedType(elementOf(x), *scales, *zeros, axis);
}

/// A per-tensor parameter: a single element.
bool isScalar(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() && type.getNumElements() == 1;
}

/// QLinearConv -> smelt.quantized_conv + smelt.requantize.
struct QLinearConvToQuant : OpRewritePattern<QLinearConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QLinearConvOp op,
                                PatternRewriter &rewriter) const override {
    auto yType = dyn_cast<RankedTensorType>(op.getY().getType());
    if (!yType || !isa<RankedTensorType>(op.getX().getType()) ||
        !isa<RankedTensorType>(op.getW().getType()))
      return rewriter.notifyMatchFailure(op, "needs ranked tensors");
    if (!isScalar(op.getXScale()) || !isScalar(op.getYScale()))
      return rewriter.notifyMatchFailure(
          op, "the input or output is not quantized per tensor");
    quant::QuantizedType x =
        constantType(op.getX(), op.getXScale(), op.getXZeroPoint(), 0);
    quant::QuantizedType w =
        constantType(op.getW(), op.getWScale(), op.getWZeroPoint(), 0);
    quant::QuantizedType y =
        constantType(op.getY(), op.getYScale(), op.getYZeroPoint(), 0);
    if (!x || !w || !y)
      return rewriter.notifyMatchFailure(
          op, "scales or zero points not constant or not a valid type");
    auto wType = cast<RankedTensorType>(op.getW().getType());
    SmallVector<double> ws;
    size_t wScales = smelt::quantizedScales(w, ws).size();
    if (wScales != 1 && (wType.isDynamicDim(0) ||
                         static_cast<int64_t>(wScales) != wType.getDimSize(0)))
      return rewriter.notifyMatchFailure(
          op, "the weight scales are neither one nor one per filter");
    // The bias is int32 (the op's verifier says so) at the accumulator's
    // scales, per filter.
    quant::QuantizedType acc = smelt::getAccumulatorType(x, w, 1);
    quant::QuantizedType bias = smelt::getAccumulatorType(x, w, 0);
    Value b = op.getB();
    if (b && !isa<RankedTensorType>(b.getType()))
      return rewriter.notifyMatchFailure(op, "the bias is not ranked");

    Location loc = op.getLoc();
    SmallVector<Value> operands = {
        smelt::castToQuantized(rewriter, loc, op.getX(), x),
        smelt::castToQuantized(rewriter, loc, op.getW(), w)};
    if (b)
      operands.push_back(smelt::castToQuantized(rewriter, loc, b, bias));
    // ONNX Conv's window attributes, under the same names.
    SmallVector<NamedAttribute> window;
    for (StringRef name :
         {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"})
      if (Attribute attr = op->getAttr(name))
        window.push_back(rewriter.getNamedAttr(name, attr));
    Value accumulator = smelt::QuantizedConvOp::create(
        rewriter, loc, TypeRange{yType.clone(acc)}, operands, window);
    Value quantized = smelt::RequantizeOp::create(rewriter, loc,
                                                  yType.clone(y), accumulator);
    rewriter.replaceOp(op, smelt::castToStorage(rewriter, loc, quantized,
                                                yType.getElementType()));
    return success();
  }
};

/// QLinearMatMul -> smelt.quantized_matmul + smelt.requantize.
struct QLinearMatMulToQuant : OpRewritePattern<QLinearMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QLinearMatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto yType = dyn_cast<RankedTensorType>(op.getY().getType());
    auto bType = dyn_cast<RankedTensorType>(op.getB().getType());
    if (!yType || !bType || !isa<RankedTensorType>(op.getA().getType()) ||
        bType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs ranked tensors, b 2-D+");
    if (!isScalar(op.getAScale()) || !isScalar(op.getYScale()))
      return rewriter.notifyMatchFailure(
          op, "a or the output is not quantized per tensor");
    int32_t column = bType.getRank() - 1;
    quant::QuantizedType a =
        constantType(op.getA(), op.getAScale(), op.getAZeroPoint(), 0);
    quant::QuantizedType b =
        constantType(op.getB(), op.getBScale(), op.getBZeroPoint(), column);
    quant::QuantizedType y =
        constantType(op.getY(), op.getYScale(), op.getYZeroPoint(), 0);
    if (!a || !b || !y)
      return rewriter.notifyMatchFailure(
          op, "scales or zero points not constant or not a valid type");
    auto bScaleType = cast<RankedTensorType>(op.getBScale().getType());
    SmallVector<double> bs;
    size_t bScales = smelt::quantizedScales(b, bs).size();
    if (bScales != 1 &&
        (bScaleType.getRank() != 1 || bType.isDynamicDim(column) ||
         static_cast<int64_t>(bScales) != bType.getDimSize(column)))
      return rewriter.notifyMatchFailure(
          op, "b's scales are neither one nor one per column");
    quant::QuantizedType acc =
        smelt::getAccumulatorType(a, b, yType.getRank() - 1);
    Location loc = op.getLoc();
    Value accumulator = smelt::QuantizedMatMulOp::create(
        rewriter, loc, yType.clone(acc),
        smelt::castToQuantized(rewriter, loc, op.getA(), a),
        smelt::castToQuantized(rewriter, loc, op.getB(), b));
    Value quantized = smelt::RequantizeOp::create(rewriter, loc,
                                                  yType.clone(y), accumulator);
    rewriter.replaceOp(op, smelt::castToStorage(rewriter, loc, quantized,
                                                yType.getElementType()));
    return success();
  }
};

struct ConvertONNXQLinearToQuantPass
    : smelt::impl::ConvertONNXQLinearToQuantPassBase<
          ConvertONNXQLinearToQuantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    smelt::populateONNXQLinearToQuantPatterns(patterns);
    // The casts between converted ops fold as the driver goes.
    quant::StorageCastOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::BitcastOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void smelt::populateONNXQLinearToQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<QLinearConvToQuant, QLinearMatMulToQuant>(patterns.getContext());
}
