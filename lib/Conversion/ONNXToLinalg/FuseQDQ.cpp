//===- FuseQDQ.cpp - onnx-fuse-qdq -----------------------------------------===//
//
// QDQ patterns into ONNX's integer operators; see the pass description.
// Everything here is onnx ops in, onnx ops out: the fused model is still a
// standard ONNX model (QOperator form), and its integer ops lower to the
// CPU's packed int8 kernels.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/Passes.h"

#include "LoweringUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace smelt {
#define GEN_PASS_DEF_FUSEQDQPASS
#include "smelt/Conversion/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::detail;

namespace {

bool isOp(Operation *op, StringRef name) {
  return op && op->getName().getStringRef() == name;
}

/// A DequantizeLinear's operands: (x, scale, zero point or null, axis).
struct Dequantized {
  Value x, scale, zeroPoint;
  int64_t axis = 1;
};

std::optional<Dequantized> dequantized(Value v) {
  Operation *dq = v.getDefiningOp();
  if (!isOp(dq, "onnx.DequantizeLinear"))
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

Operation *buildOp(PatternRewriter &rewriter, Location loc, StringRef name,
                  ValueRange operands, TypeRange results,
                  ArrayRef<NamedAttribute> attrs = {}) {
  OperationState state(loc, name);
  state.addOperands(operands);
  state.addTypes(results);
  state.addAttributes(attrs);
  return rewriter.create(state);
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
  for (size_t i = 0; i < bs->size(); ++i) {
    double want = xs->front() * (*ws)[ws->size() == 1 ? 0 : i];
    if (std::fabs((*bs)[i] - want) > 1e-6 * std::fabs(want) + 1e-30)
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
  if (isOp(def, "onnx.Relu") && def->hasOneUse() && q->getNumOperands() > 2) {
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

struct FuseConv : RewritePattern {
  FuseConv(MLIRContext *ctx) : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    Operation *relu;
    Operation *conv = quantizedProducer(q, relu);
    if (!isOp(conv, "onnx.Conv") || !conv->hasOneUse() ||
        q->getNumOperands() < 3 || !isScalar(q->getOperand(1)))
      return failure();
    std::optional<Dequantized> x = dequantized(conv->getOperand(0));
    std::optional<Dequantized> w = dequantized(conv->getOperand(1));
    if (!x || !w || !x->zeroPoint || !isScalar(x->scale) ||
        !isScalar(x->zeroPoint) || !constantWeights(*w) ||
        (!isScalar(w->scale) && w->axis != 0))
      return failure();
    SmallVector<Value> operands = {x->x, x->scale, x->zeroPoint, w->x,
                                   w->scale};
    // QLinearConv wants a weight zero point of the weights' type.
    Value wz = w->zeroPoint;
    if (!wz)
      return failure();
    operands.push_back(wz);
    operands.push_back(q->getOperand(1));
    operands.push_back(q->getOperand(2));
    if (conv->getNumOperands() > 2 && conv->getOperand(2)) {
      std::optional<Dequantized> b = dequantized(conv->getOperand(2));
      if (!b || !biasFits(*b, x->scale, w->scale))
        return failure();
      operands.push_back(b->x);
    }
    SmallVector<NamedAttribute> attrs;
    for (NamedAttribute a : conv->getAttrs())
      attrs.push_back(a);
    Operation *fused = buildOp(rewriter, conv->getLoc(), "onnx.QLinearConv",
                              operands, q->getResultTypes(), attrs);
    rewriter.replaceOp(q, fused->getResults());
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
    bool isGemm = isOp(mm, "onnx.Gemm");
    if ((!isOp(mm, "onnx.MatMul") && !isGemm) || !mm->hasOneUse() ||
        q->getNumOperands() < 3 || !isScalar(q->getOperand(1)))
      return failure();
    std::optional<Dequantized> a = dequantized(mm->getOperand(0));
    std::optional<Dequantized> w = dequantized(mm->getOperand(1));
    auto wType = w ? dyn_cast<RankedTensorType>(w->x.getType())
                   : RankedTensorType();
    if (!a || !w || !a->zeroPoint || !isScalar(a->scale) ||
        !isScalar(a->zeroPoint) || !constantWeights(*w) || !wType ||
        wType.getRank() != 2 || !w->zeroPoint)
      return failure();
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
        return failure();
      transB = attr("transB", 0) != 0;
    }
    // Per-channel weight scales run along the output columns.
    if (!isScalar(w->scale) && w->axis != (transB ? 0 : 1))
      return failure();
    std::optional<SmallVector<double>> as = getConstantFloats(a->scale);
    std::optional<SmallVector<double>> ws = getConstantFloats(w->scale);
    if (isGemm && (!as || !ws))
      return failure();
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
      weights = buildOp(rewriter, loc, "onnx.Constant", {}, {type},
                       {rewriter.getNamedAttr(
                           "value", DenseElementsAttr::get(type, ArrayRef(t)))})
                    ->getResult(0);
    }
    auto resultType = cast<RankedTensorType>(q->getResult(0).getType());
    if (!isGemm) {
      Operation *fused = buildOp(
          rewriter, loc, "onnx.QLinearMatMul",
          {a->x, a->scale, a->zeroPoint, weights, w->scale, w->zeroPoint,
           q->getOperand(1), q->getOperand(2)},
          q->getResultTypes());
      rewriter.replaceOp(q, fused->getResults());
      if (relu)
        rewriter.eraseOp(relu);
      rewriter.eraseOp(mm);
      return success();
    }
    // Gemm: the int32 product, dequantized at a_scale * w_scale per column,
    // plus the bias, requantized.
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    Value acc = buildOp(rewriter, loc, "onnx.MatMulInteger",
                       {a->x, weights, a->zeroPoint, w->zeroPoint}, {accType},
                       {rewriter.getNamedAttr(
                           "operandSegmentSizes",
                           rewriter.getDenseI32ArrayAttr({1, 1, 1, 1}))})
                    ->getResult(0);
    int64_t n = resultType.getShape().back();
    std::vector<float> scales(n);
    for (int64_t c = 0; c < n; ++c)
      scales[c] = static_cast<float>(as->front()) *
                  static_cast<float>((*ws)[ws->size() == 1 ? 0 : c]);
    auto scaleType = RankedTensorType::get({n}, rewriter.getF32Type());
    Value scale = buildOp(rewriter, loc, "onnx.Constant", {}, {scaleType},
                         {rewriter.getNamedAttr(
                             "value", DenseElementsAttr::get(scaleType,
                                                             ArrayRef(scales)))})
                      ->getResult(0);
    auto floatType = RankedTensorType::get(resultType.getShape(),
                                           rewriter.getF32Type());
    Value y = buildOp(rewriter, loc, "onnx.DequantizeLinear", {acc, scale},
                     {floatType},
                     {rewriter.getNamedAttr(
                         "axis", rewriter.getI64IntegerAttr(
                                     resultType.getRank() - 1))})
                  ->getResult(0);
    if (mm->getNumOperands() > 2 && mm->getOperand(2))
      y = buildOp(rewriter, loc, "onnx.Add", {y, mm->getOperand(2)},
                 {floatType})
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
  if (isOp(op, "onnx.Resize")) {
    auto mode = op->getAttrOfType<StringAttr>("mode");
    return mode && mode.getValue() == "nearest";
  }
  return isOp(op, "onnx.MaxPool") || isOp(op, "onnx.Flatten") ||
         isOp(op, "onnx.Reshape") || isOp(op, "onnx.Transpose") ||
         isOp(op, "onnx.Squeeze") || isOp(op, "onnx.Unsqueeze");
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
    if (chain.empty() || q->getNumOperands() < 3)
      return failure();
    std::optional<Dequantized> x = dequantized(chain.back()->getOperand(0));
    if (!x || !sameParameters(*x, q))
      return failure();
    Type element = cast<RankedTensorType>(x->x.getType()).getElementType();
    Value value = x->x;
    for (Operation *old : llvm::reverse(chain)) {
      SmallVector<Value> operands(old->getOperands());
      operands[0] = value;
      SmallVector<NamedAttribute> attrs(old->getAttrs());
      Type type =
          cast<RankedTensorType>(old->getResult(0).getType()).clone(element);
      value = buildOp(rewriter, old->getLoc(), old->getName().getStringRef(),
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
  FuseConcat(MLIRContext *ctx) : RewritePattern("onnx.QuantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *q,
                                PatternRewriter &rewriter) const override {
    Operation *concat = q->getOperand(0).getDefiningOp();
    if (!isOp(concat, "onnx.Concat") || !concat->hasOneUse())
      return failure();
    SmallVector<Value> inputs;
    for (Value operand : concat->getOperands()) {
      std::optional<Dequantized> x = dequantized(operand);
      if (!x || !sameParameters(*x, q))
        return failure();
      inputs.push_back(x->x);
    }
    Type type = cast<RankedTensorType>(concat->getResult(0).getType())
                    .clone(cast<RankedTensorType>(inputs[0].getType())
                               .getElementType());
    Value result =
        buildOp(rewriter, concat->getLoc(), "onnx.Concat", inputs, {type},
                SmallVector<NamedAttribute>(concat->getAttrs()))
            ->getResult(0);
    rewriter.replaceOp(q, result);
    rewriter.eraseOp(concat);
    return success();
  }
};

struct FuseQDQPass : smelt::impl::FuseQDQPassBase<FuseQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseConv, FuseMatMul, FusePassThrough, FuseConcat>(
        &getContext());
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
