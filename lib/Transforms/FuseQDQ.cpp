//===- FuseQDQ.cpp - smelt-fuse-qdq
//----------------------------------------===//
//
// QDQ patterns into ONNX's integer operators; see the pass description.
// Everything here is onnx ops in, onnx ops out: the fused model is still a
// standard ONNX model (QOperator form), and its integer ops lower to the
// CPU's packed int8 kernels.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Passes.h"

#include "ONNX/ONNXBuild.h"
#include "ONNX/ONNXDialect.h"
#include "Smelt/QuantizedTypes.h"
#include "Smelt/SmeltDialect.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <cmath>

namespace smelt {
#define GEN_PASS_DEF_SMELTFUSEQDQPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::onnx;

namespace {
/// OpTy::create with buildONNXOp's argument order (operands, then results).
template <typename OpTy>
Operation *createONNX(PatternRewriter &rewriter, Location loc,
                      ValueRange operands, TypeRange results,
                      ArrayRef<NamedAttribute> attrs = {}) {
  return OpTy::create(rewriter, loc, results, operands, attrs);
}
} // namespace

namespace {

/// A DequantizeLinear's operands: (x, scale, zero point or null, axis).
struct Dequantized {
  Value x, scale, zeroPoint;
  int64_t axis = 1;
};

std::optional<Dequantized> dequantized(Value v) {
  Operation *dq = v.getDefiningOp();
  if (!isONNXOp(dq, "onnx.DequantizeLinear"))
    return std::nullopt;
  Dequantized d;
  d.x = dq->getOperand(0);
  d.scale = dq->getOperand(1);
  d.zeroPoint = dq->getNumOperands() > 2 ? dq->getOperand(2) : Value();
  if (auto axis = dq->getAttrOfType<IntegerAttr>("axis"))
    d.axis = axis.getInt();
  return d;
}

bool isScalar(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getNumElements() == 1;
}

/// Constant, all-zero (or absent) zero point.
bool zeroPoints(Value zp) {
  if (!zp)
    return true;
  std::optional<SmallVector<int64_t>> values = getConstantInts(zp);
  return values && llvm::all_of(*values, [](int64_t v) { return v == 0; });
}

/// An int8 weight DQ whose int8 weights are constant with zero zero points.
bool constantWeights(const Dequantized &w) {
  auto type = dyn_cast<RankedTensorType>(w.x.getType());
  return type && type.getElementType().isSignlessInteger(8) &&
         getConstantInts(w.x) && zeroPoints(w.zeroPoint);
}

/// The bias DQ is int32 at x_scale * w_scale (per channel), zero point 0.
bool biasFits(const Dequantized &bias, Value xScale, Value wScale) {
  auto type = dyn_cast<RankedTensorType>(bias.x.getType());
  std::optional<SmallVector<double>> bs = getConstantFloats(bias.scale);
  std::optional<SmallVector<double>> xs = getConstantFloats(xScale);
  std::optional<SmallVector<double>> ws = getConstantFloats(wScale);
  if (!type || !type.getElementType().isSignlessInteger(32) || !bs || !xs ||
      !ws || xs->size() != 1 || !zeroPoints(bias.zeroPoint))
    return false;
  // Every channel's bias scale against its own weight scale: one bias scale
  // for per-channel weights fits only when it fits each of them.
  if (bs->size() != 1 && ws->size() != 1 && bs->size() != ws->size())
    return false;
  for (size_t i = 0; i < std::max(bs->size(), ws->size()); ++i) {
    double want = xs->front() * (*ws)[ws->size() == 1 ? 0 : i];
    double have = (*bs)[bs->size() == 1 ? 0 : i];
    if (std::fabs(have - want) > 1e-6 * std::fabs(want) + 1e-30)
      return false;
  }
  return true;
}

/// Q(Conv(DQ(x), DQ(w), DQ(b)?)) -> QLinearConv.
/// The op a QuantizeLinear quantizes, looking through a Relu when the
/// output zero point is the integer type's minimum 0 (then the integer op's
/// clamp is the Relu); `relu` is set to it.
Operation *quantizedProducer(Operation *q, Operation *&relu) {
  relu = nullptr;
  Operation *def = q->getOperand(0).getDefiningOp();
  if (isONNXOp(def, "onnx.Relu") && def->hasOneUse() &&
      q->getNumOperands() > 2) {
    auto zpType = dyn_cast<RankedTensorType>(q->getOperand(2).getType());
    std::optional<SmallVector<int64_t>> zp = getConstantInts(q->getOperand(2));
    if (zpType && zpType.getElementType().isUnsignedInteger(8) && zp &&
        llvm::all_of(*zp, [](int64_t z) { return z == 0; })) {
      relu = def;
      return def->getOperand(0).getDefiningOp();
    }
    return nullptr;
  }
  return def;
}

/// The parts of Q(op(DQ(x), DQ(w), ...)), through a Relu at zero point 0,
/// for a Conv or ConvTranspose that only Q reads.
struct QuantizedWindowOp {
  Operation *op, *relu;
  Dequantized x, w;
};

/// What FuseConv and FuseConvTranspose both need of `q`'s producer (an op
/// named `name`): one reader, a per-tensor output and input with zero
/// points, constant int8 weights with zero zero points. Failure says why.
FailureOr<QuantizedWindowOp> matchQuantizedWindowOp(Operation *q,
                                                    StringRef name,
                                                    PatternRewriter &rewriter) {
  StringRef kind = name.drop_front(5);
  Operation *relu;
  Operation *op = quantizedProducer(q, relu);
  if (!isONNXOp(op, name))
    return rewriter.notifyMatchFailure(q, "not quantizing a " + kind +
                                              " (or its Relu at zero point 0)");
  if (!op->hasOneUse())
    return rewriter.notifyMatchFailure(q, "the " + kind + " has other uses");
  if (q->getNumOperands() < 3 || !isScalar(q->getOperand(1)))
    return rewriter.notifyMatchFailure(
        q, "the output has no zero point or is not per tensor");
  std::optional<Dequantized> x = dequantized(op->getOperand(0));
  std::optional<Dequantized> w = dequantized(op->getOperand(1));
  if (!x || !w)
    return rewriter.notifyMatchFailure(
        q, "the " + kind + "'s input or weights are not dequantized");
  if (!x->zeroPoint || !isScalar(x->scale) || !isScalar(x->zeroPoint))
    return rewriter.notifyMatchFailure(
        q, "the input has no zero point or is not per tensor");
  if (!constantWeights(*w))
    return rewriter.notifyMatchFailure(
        q, "the weights are not constant int8 with zero zero points");
  return QuantizedWindowOp{op, relu, *x, *w};
}

struct FuseConv : RewritePattern {
  FuseConv(MLIRContext *ctx) : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    FailureOr<QuantizedWindowOp> matched =
        matchQuantizedWindowOp(q, "onnx.Conv", rewriter);
    if (failed(matched))
      return failure();
    Operation *conv = matched->op, *relu = matched->relu;
    std::optional<Dequantized> x = matched->x, w = matched->w;
    if (!isScalar(w->scale) && w->axis != 0)
      return rewriter.notifyMatchFailure(
          q, "the weight scales are not per output channel (axis 0)");
    SmallVector<Value> operands = {x->x, x->scale, x->zeroPoint, w->x,
                                   w->scale};
    // QLinearConv wants a weight zero point of the weights' type.
    Value wz = w->zeroPoint;
    if (!wz)
      return rewriter.notifyMatchFailure(q, "the weights have no zero point");
    operands.push_back(wz);
    operands.push_back(q->getOperand(1));
    operands.push_back(q->getOperand(2));
    if (conv->getNumOperands() > 2 && conv->getOperand(2)) {
      std::optional<Dequantized> b = dequantized(conv->getOperand(2));
      if (!b)
        return rewriter.notifyMatchFailure(q, "the bias is not dequantized");
      if (!biasFits(*b, x->scale, w->scale))
        return rewriter.notifyMatchFailure(
            q, "the bias is not int32 at x_scale * w_scale, zero point 0");
      operands.push_back(b->x);
    }
    SmallVector<NamedAttribute> attrs;
    for (NamedAttribute a : conv->getAttrs())
      attrs.push_back(a);
    Operation *fused = createONNX<QLinearConvOp>(
        rewriter, conv->getLoc(), operands, q->getResultTypes(), attrs);
    rewriter.replaceOp(q, fused->getResults());
    if (relu)
      rewriter.eraseOp(relu);
    rewriter.eraseOp(conv);
    return success();
  }
};

std::optional<SmallVector<int64_t>> intsAttr(Operation *op, StringRef name) {
  auto attr = op->getAttrOfType<ArrayAttr>(name);
  if (!attr)
    return std::nullopt;
  SmallVector<int64_t> values;
  for (Attribute a : attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

Value constantOf(PatternRewriter &rewriter, Location loc,
                 DenseElementsAttr value) {
  return createONNX<ConstantOp>(rewriter, loc, {}, {value.getType()},
                                {rewriter.getNamedAttr("value", value)})
      ->getResult(0);
}

/// Q(ConvTranspose(DQ(x), DQ(w), DQ(b)?)) whose kernel equals its strides
/// (no padding, no dilation, one group): each output pixel takes one tap,
/// so it is a 1x1 QLinearConv to [N, M*KH*KW, H, W] (weights [C, M, KH,
/// KW] as [M*KH*KW, C, 1, 1], per-channel scales and bias repeated) whose
/// uint8 result interleaves into [N, M, H*KH, W*KW] by Reshape, Transpose
/// and Reshape.
struct FuseConvTranspose : RewritePattern {
  FuseConvTranspose(MLIRContext *ctx)
      : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    FailureOr<QuantizedWindowOp> matched =
        matchQuantizedWindowOp(q, "onnx.ConvTranspose", rewriter);
    if (failed(matched))
      return failure();
    Operation *conv = matched->op, *relu = matched->relu;
    std::optional<Dequantized> x = matched->x, w = matched->w;
    auto xType = dyn_cast<RankedTensorType>(conv->getOperand(0).getType());
    auto wType = dyn_cast<RankedTensorType>(conv->getOperand(1).getType());
    auto yType = dyn_cast<RankedTensorType>(q->getResult(0).getType());
    if (!xType || !wType || !yType || !xType.hasStaticShape() ||
        !yType.hasStaticShape() || wType.getRank() != 4)
      return rewriter.notifyMatchFailure(
          q, "not a 2-D ConvTranspose of static shapes");
    if (!isScalar(w->scale) && w->axis != 1)
      return rewriter.notifyMatchFailure(
          q, "the weight scales are not per output channel (axis 1)");
    auto group = conv->getAttrOfType<IntegerAttr>("group");
    auto autoPad = conv->getAttrOfType<StringAttr>("auto_pad");
    int64_t c = wType.getDimSize(0), m = wType.getDimSize(1);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    auto is = [&](StringRef name, ArrayRef<int64_t> want, bool absentOk) {
      std::optional<SmallVector<int64_t>> v = intsAttr(conv, name);
      return v ? ArrayRef(*v) == want : absentOk;
    };
    if ((group && group.getInt() != 1) ||
        (autoPad && autoPad.getValue() != "NOTSET") ||
        conv->getAttr("output_shape") || !is("strides", {kh, kw}, false) ||
        !is("kernel_shape", {kh, kw}, true) ||
        !is("pads", {0, 0, 0, 0}, true) || !is("dilations", {1, 1}, true) ||
        !is("output_padding", {0, 0}, true))
      return rewriter.notifyMatchFailure(
          q, "the kernel is not its stride (one group, no padding, no "
             "dilation, no output shape)");
    std::optional<SmallVector<int64_t>> weights = getConstantInts(w->x);
    std::optional<SmallVector<double>> scales = getConstantFloats(w->scale);
    if (!weights || !scales)
      return rewriter.notifyMatchFailure(q,
                                         "the weight scales are not constant");
    int64_t taps = kh * kw, outputs = m * taps;
    // [C, M, KH, KW] -> [M, KH, KW, C].
    SmallVector<int8_t> packed(weights->size());
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t o = 0; o < outputs; ++o)
        packed[o * c + ci] = static_cast<int8_t>((*weights)[ci * outputs + o]);
    SmallVector<float> wScales(outputs);
    for (int64_t o = 0; o < outputs; ++o)
      wScales[o] = (*scales)[scales->size() == 1 ? 0 : o / taps];
    Location loc = conv->getLoc();
    Type i8 = rewriter.getIntegerType(8);
    Value w1 = constantOf(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({outputs, c, 1, 1}, i8),
                               ArrayRef(packed)));
    Value ws =
        constantOf(rewriter, loc,
                   DenseElementsAttr::get(
                       RankedTensorType::get({outputs}, rewriter.getF32Type()),
                       ArrayRef(wScales)));
    Value wz = constantOf(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({outputs}, i8),
                               ArrayRef(SmallVector<int8_t>(outputs, 0))));
    SmallVector<Value> operands = {
        x->x, x->scale, x->zeroPoint,     w1,
        ws,   wz,       q->getOperand(1), q->getOperand(2)};
    if (conv->getNumOperands() > 2 && conv->getOperand(2)) {
      std::optional<Dequantized> b = dequantized(conv->getOperand(2));
      std::optional<SmallVector<int64_t>> bias =
          b ? getConstantInts(b->x) : std::nullopt;
      if (!b || !bias)
        return rewriter.notifyMatchFailure(
            q, "the bias is not a dequantized constant");
      if (!biasFits(*b, x->scale, w->scale))
        return rewriter.notifyMatchFailure(
            q, "the bias is not int32 at x_scale * w_scale, zero point 0");
      SmallVector<int32_t> repeated(outputs);
      for (int64_t o = 0; o < outputs; ++o)
        repeated[o] = static_cast<int32_t>((*bias)[o / taps]);
      operands.push_back(constantOf(
          rewriter, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({outputs}, rewriter.getI32Type()),
              ArrayRef(repeated))));
    }
    int64_t n = xType.getDimSize(0), h = xType.getDimSize(2),
            wd = xType.getDimSize(3);
    Type u8 = yType.getElementType();
    Value y = createONNX<QLinearConvOp>(
                  rewriter, loc, operands,
                  {RankedTensorType::get({n, outputs, h, wd}, u8)},
                  {rewriter.getNamedAttr("kernel_shape",
                                         rewriter.getI64ArrayAttr({1, 1}))})
                  ->getResult(0);
    auto shapeOf = [&](ArrayRef<int64_t> dims) {
      return constantOf(
          rewriter, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                    rewriter.getI64Type()),
              dims));
    };
    SmallVector<int64_t> split = {n, m, kh, kw, h, wd};
    y = createONNX<ReshapeOp>(rewriter, loc, {y, shapeOf(split)},
                              {RankedTensorType::get(split, u8)})
            ->getResult(0);
    SmallVector<int64_t> interleaved = {n, m, h, kh, wd, kw};
    y = createONNX<TransposeOp>(
            rewriter, loc, {y}, {RankedTensorType::get(interleaved, u8)},
            {rewriter.getNamedAttr(
                "perm", rewriter.getI64ArrayAttr({0, 1, 4, 2, 5, 3}))})
            ->getResult(0);
    y = createONNX<ReshapeOp>(rewriter, loc, {y, shapeOf(yType.getShape())},
                              {yType})
            ->getResult(0);
    rewriter.replaceOp(q, y);
    if (relu)
      rewriter.eraseOp(relu);
    rewriter.eraseOp(conv);
    return success();
  }
};

/// Q(MatMul(DQ(a), DQ(b))) -> QLinearMatMul; Q(Gemm(DQ(a), DQ(w), DQ(c)))
/// -> Q(DQ(MatMulInteger(a, w')) + DQ(c)).
struct FuseMatMul : RewritePattern {
  FuseMatMul(MLIRContext *ctx)
      : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    Operation *relu;
    Operation *mm = quantizedProducer(q, relu);
    bool isGemm = isONNXOp(mm, "onnx.Gemm");
    if (!isONNXOp(mm, "onnx.MatMul") && !isGemm)
      return rewriter.notifyMatchFailure(
          q, "not quantizing a MatMul or Gemm (or its Relu at zero point 0)");
    if (!mm->hasOneUse())
      return rewriter.notifyMatchFailure(q, "the product has other uses");
    if (q->getNumOperands() < 3 || !isScalar(q->getOperand(1)))
      return rewriter.notifyMatchFailure(
          q, "the output has no zero point or is not per tensor");
    std::optional<Dequantized> a = dequantized(mm->getOperand(0));
    std::optional<Dequantized> w = dequantized(mm->getOperand(1));
    auto wType =
        w ? dyn_cast<RankedTensorType>(w->x.getType()) : RankedTensorType();
    if (!a || !w)
      return rewriter.notifyMatchFailure(
          q, "the product's operands are not dequantized");
    if (!a->zeroPoint || !isScalar(a->scale) || !isScalar(a->zeroPoint))
      return rewriter.notifyMatchFailure(
          q, "the input has no zero point or is not per tensor");
    if (!constantWeights(*w))
      return rewriter.notifyMatchFailure(
          q, "the weights are not constant int8 with zero zero points");
    if (!wType || wType.getRank() != 2)
      return rewriter.notifyMatchFailure(q, "the weights are not 2-D");
    if (!w->zeroPoint)
      return rewriter.notifyMatchFailure(q, "the weights have no zero point");
    Location loc = mm->getLoc();
    bool transB = false;
    if (isGemm) {
      auto attr = [&](StringRef name, double fallback) {
        if (auto f = mm->getAttrOfType<FloatAttr>(name))
          return f.getValueAsDouble();
        if (auto i = mm->getAttrOfType<IntegerAttr>(name))
          return static_cast<double>(i.getInt());
        return fallback;
      };
      if (attr("alpha", 1) != 1 || attr("beta", 1) != 1 ||
          attr("transA", 0) != 0)
        return rewriter.notifyMatchFailure(
            q, "the Gemm scales its terms or transposes A");
      transB = attr("transB", 0) != 0;
    }
    // Per-channel weight scales run along the output columns.
    if (!isScalar(w->scale) && w->axis != (transB ? 0 : 1))
      return rewriter.notifyMatchFailure(
          q, "the weight scales are not per output column");
    // The Gemm's product is an integer op on quantized types (its float
    // bias is added after it), so its operands' parameters must be types.
    std::optional<SmallVector<double>> as = getConstantFloats(a->scale);
    std::optional<SmallVector<double>> ws = getConstantFloats(w->scale);
    std::optional<SmallVector<int64_t>> az = getConstantInts(a->zeroPoint);
    quant::QuantizedType aQuant, wQuant, accQuant;
    if (isGemm) {
      if (!as || !ws || !az)
        return rewriter.notifyMatchFailure(
            q, "the Gemm's input or weight parameters are not constant");
      aQuant = smelt::getUniformQuantizedType(
          cast<ShapedType>(a->x.getType()).getElementType(), *as, *az, 0);
      wQuant = smelt::getUniformQuantizedType(wType.getElementType(), *ws,
                                              {0}, 1);
      if (!aQuant || !wQuant)
        return rewriter.notifyMatchFailure(
            q, "the Gemm's input or weight parameters are no valid type");
      accQuant = smelt::getAccumulatorType(
          aQuant, wQuant,
          cast<RankedTensorType>(q->getResult(0).getType()).getRank() - 1);
    }
    // Nothing is created before this point: the pattern either applies
    // whole or leaves the IR as it was.
    Value weights = w->x;
    if (transB) {
      SmallVector<int64_t> data = *getConstantInts(w->x);
      int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
      std::vector<int8_t> t(data.size());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          t[c * rows + r] = static_cast<int8_t>(data[r * cols + c]);
      auto type = RankedTensorType::get({cols, rows}, wType.getElementType());
      weights = createONNX<ConstantOp>(
                    rewriter, loc, {}, {type},
                    {rewriter.getNamedAttr(
                        "value", DenseElementsAttr::get(type, ArrayRef(t)))})
                    ->getResult(0);
    }
    auto resultType = cast<RankedTensorType>(q->getResult(0).getType());
    if (!isGemm) {
      Operation *fused = createONNX<QLinearMatMulOp>(
          rewriter, loc,
          {a->x, a->scale, a->zeroPoint, weights, w->scale, w->zeroPoint,
           q->getOperand(1), q->getOperand(2)},
          q->getResultTypes());
      rewriter.replaceOp(q, fused->getResults());
      if (relu)
        rewriter.eraseOp(relu);
      rewriter.eraseOp(mm);
      return success();
    }
    // Gemm: the int32 product on quantized types (its accumulator's scale
    // a_scale * w_scale per column), dequantized, plus the bias,
    // requantized.
    Value acc = smelt::QuantizedMatMulOp::create(
        rewriter, loc, resultType.clone(accQuant),
        smelt::castToQuantized(rewriter, loc, a->x, aQuant),
        smelt::castToQuantized(rewriter, loc, weights, wQuant));
    auto floatType =
        RankedTensorType::get(resultType.getShape(), rewriter.getF32Type());
    Value y = quant::DequantizeCastOp::create(rewriter, loc, floatType, acc);
    if (mm->getNumOperands() > 2 && mm->getOperand(2))
      y = createONNX<AddOp>(rewriter, loc, {y, mm->getOperand(2)}, {floatType})
              ->getResult(0);
    rewriter.modifyOpInPlace(q, [&] { q->setOperand(0, y); });
    if (relu)
      rewriter.eraseOp(relu);
    rewriter.eraseOp(mm);
    return success();
  }
};

bool isPassThrough(Operation *op) {
  if (!op || op->getNumResults() != 1 || !op->hasOneUse())
    return false;
  if (isONNXOp(op, "onnx.Resize")) {
    auto mode = op->getAttrOfType<StringAttr>("mode");
    return mode && mode.getValue() == "nearest";
  }
  return isONNXOp(op, "onnx.MaxPool") || isONNXOp(op, "onnx.Flatten") ||
         isONNXOp(op, "onnx.Reshape") || isONNXOp(op, "onnx.Transpose") ||
         isONNXOp(op, "onnx.Squeeze") || isONNXOp(op, "onnx.Unsqueeze");
}

/// A DequantizeLinear and a QuantizeLinear (its operand 1 and 2) with the
/// same constant per-tensor scale and zero point.
bool sameParameters(const Dequantized &x, Operation *q) {
  if (!x.zeroPoint || !isScalar(x.scale) || q->getNumOperands() < 3)
    return false;
  std::optional<SmallVector<double>> s1 = getConstantFloats(x.scale);
  std::optional<SmallVector<double>> s2 = getConstantFloats(q->getOperand(1));
  std::optional<SmallVector<int64_t>> z1 = getConstantInts(x.zeroPoint);
  std::optional<SmallVector<int64_t>> z2 = getConstantInts(q->getOperand(2));
  return s1 && s2 && z1 && z2 && *s1 == *s2 && *z1 == *z2 &&
         x.zeroPoint.getType() == q->getOperand(2).getType();
}

/// Q(op_n(...op_1(DQ(x)))) with the same scale and zero point, for ops that
/// only move or select values (MaxPool, Flatten, Reshape): the ops on x.
struct FusePassThrough : RewritePattern {
  FusePassThrough(MLIRContext *ctx)
      : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    SmallVector<Operation *> chain; // innermost last
    Operation *op = q->getOperand(0).getDefiningOp();
    while (isPassThrough(op)) {
      chain.push_back(op);
      op = op->getOperand(0).getDefiningOp();
    }
    if (chain.empty())
      return rewriter.notifyMatchFailure(
          q, "not quantizing a one-use op that only moves values");
    if (q->getNumOperands() < 3)
      return rewriter.notifyMatchFailure(q, "the output has no zero point");
    std::optional<Dequantized> x = dequantized(chain.back()->getOperand(0));
    if (!x)
      return rewriter.notifyMatchFailure(
          q, "what the moved values come from is not dequantized");
    if (!sameParameters(*x, q))
      return rewriter.notifyMatchFailure(
          q, "dequantized and quantized at different parameters");
    Type element = cast<RankedTensorType>(x->x.getType()).getElementType();
    Value value = x->x;
    for (Operation *old : llvm::reverse(chain)) {
      SmallVector<Value> operands(old->getOperands());
      operands[0] = value;
      SmallVector<NamedAttribute> attrs(old->getAttrs());
      Type type =
          cast<RankedTensorType>(old->getResult(0).getType()).clone(element);
      value =
          buildONNXOp(rewriter, old->getLoc(), old->getName().getStringRef(),
                      operands, {type}, attrs)
              ->getResult(0);
    }
    rewriter.replaceOp(q, value);
    for (Operation *old : chain)
      rewriter.eraseOp(old);
    return success();
  }
};

/// Q(Concat(DQ(x_1), ..., DQ(x_n))) with one scale and zero point
/// throughout: the Concat of the x_i.
struct FuseConcat : RewritePattern {
  FuseConcat(MLIRContext *ctx)
      : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    Operation *concat = q->getOperand(0).getDefiningOp();
    if (!isONNXOp(concat, "onnx.Concat"))
      return rewriter.notifyMatchFailure(q, "not quantizing a Concat");
    if (!concat->hasOneUse())
      return rewriter.notifyMatchFailure(q, "the Concat has other uses");
    SmallVector<Value> inputs;
    for (Value operand : concat->getOperands()) {
      std::optional<Dequantized> x = dequantized(operand);
      if (!x)
        return rewriter.notifyMatchFailure(q,
                                           "a Concat input is not dequantized");
      if (!sameParameters(*x, q))
        return rewriter.notifyMatchFailure(
            q, "a Concat input is dequantized at other parameters");
      inputs.push_back(x->x);
    }
    Type type =
        cast<RankedTensorType>(concat->getResult(0).getType())
            .clone(
                cast<RankedTensorType>(inputs[0].getType()).getElementType());
    Value result =
        createONNX<ConcatOp>(rewriter, concat->getLoc(), inputs, {type},
                             SmallVector<NamedAttribute>(concat->getAttrs()))
            ->getResult(0);
    rewriter.replaceOp(q, result);
    rewriter.eraseOp(concat);
    return success();
  }
};

struct FuseQDQPass : smelt::impl::SmeltFuseQDQPassBase<FuseQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    smelt::populateFuseQDQPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace

void smelt::populateFuseQDQPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseConv, FuseConvTranspose, FuseMatMul, FusePassThrough,
               FuseConcat>(patterns.getContext());
}
