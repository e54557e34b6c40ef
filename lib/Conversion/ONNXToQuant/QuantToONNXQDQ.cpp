//===- QuantToONNXQDQ.cpp - quant-to-onnx-qdq -----------------------------===//
//
// Upstream quant types back to ONNX's QDQ form, which the CPU pipeline
// consumes: quant.qcast becomes QuantizeLinear, quant.dcast
// DequantizeLinear, with the scale and zero point constants of the
// `!quant.uniform` type; the reverse of onnx-qdq-to-quant. See the pass
// description.
//
//===----------------------------------------------------------------------===//

#include "ONNX/ONNXBuild.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_QUANTTOONNXQDQPASS
#include "smelt/Conversion/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::onnx;

namespace {

/// The scale, zero point (and axis) constants of `qt`, for ONNX's ops.
SmallVector<Value> parameters(PatternRewriter &rewriter, Location loc,
                              quant::QuantizedType qt,
                              SmallVector<NamedAttribute> &attrs) {
  MLIRContext *ctx = rewriter.getContext();
  Type zpType = IntegerType::get(ctx, 8, qt.isSigned() ? IntegerType::Signless
                                                       : IntegerType::Unsigned);
  auto constant = [&](DenseElementsAttr value) {
    return smelt::onnx::ConstantOp::create(
               rewriter, loc, TypeRange{value.getType()}, ValueRange{},
               {rewriter.getNamedAttr("value", value)})
        .getResult();
  };
  SmallVector<float> scales;
  SmallVector<int8_t> zeros;
  SmallVector<int64_t> shape;
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qt)) {
    scales.push_back(uniform.getScale());
    zeros.push_back(static_cast<int8_t>(uniform.getZeroPoint()));
  } else {
    auto axis = cast<quant::UniformQuantizedPerAxisType>(qt);
    for (double s : axis.getScales())
      scales.push_back(s);
    for (int64_t z : axis.getZeroPoints())
      zeros.push_back(static_cast<int8_t>(z));
    shape.push_back(scales.size());
    attrs.push_back(rewriter.getNamedAttr(
        "axis", rewriter.getI64IntegerAttr(axis.getQuantizedDimension())));
  }
  auto scaleType = RankedTensorType::get(shape, rewriter.getF32Type());
  auto zpTensor = RankedTensorType::get(shape, zpType);
  SmallVector<APInt> zpBits;
  for (int8_t z : zeros)
    zpBits.push_back(APInt(8, static_cast<uint8_t>(z)));
  return {constant(DenseElementsAttr::get(scaleType, ArrayRef(scales))),
          constant(DenseElementsAttr::get(zpTensor, zpBits))};
}

/// dcast(qcast(x)) -> DequantizeLinear(QuantizeLinear(x));
/// dcast(scast(c)) -> DequantizeLinear(c).
struct QuantToDequantize : OpRewritePattern<quant::DequantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::DequantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    auto quantized = cast<RankedTensorType>(op.getInput().getType());
    auto qt = dyn_cast<quant::QuantizedType>(quantized.getElementType());
    if (!qt)
      return rewriter.notifyMatchFailure(op, "not a quantized type");
    Location loc = op.getLoc();
    SmallVector<NamedAttribute> attrs;
    SmallVector<Value> params = parameters(rewriter, loc, qt, attrs);
    Value integers;
    if (auto qcast = op.getInput().getDefiningOp<quant::QuantizeCastOp>()) {
      Type storage = IntegerType::get(
          getContext(), 8,
          qt.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
      integers = smelt::onnx::QuantizeLinearOp::create(
                     rewriter, loc, TypeRange{quantized.clone(storage)},
                     ValueRange{qcast.getInput(), params[0], params[1]}, attrs)
                     .getResult();
    } else if (auto scast = op.getInput().getDefiningOp<quant::StorageCastOp>()) {
      integers = scast.getInput();
    } else {
      return rewriter.notifyMatchFailure(
          op, "its input is neither a qcast nor a scast");
    }
    rewriter.replaceOp(op, smelt::onnx::DequantizeLinearOp::create(
                               rewriter, loc, TypeRange{op.getType()},
                               ValueRange{integers, params[0], params[1]},
                               attrs)
                               ->getResults());
    return success();
  }
};

struct QuantToONNXQDQPass
    : smelt::impl::QuantToONNXQDQPassBase<QuantToONNXQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<QuantToDequantize>(&getContext());
    // Without folding: upstream folds dcast(qcast(x)) to x.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    getOperation().walk([](Operation *op) {
      if (isa<quant::QuantizeCastOp, quant::StorageCastOp>(op) &&
          op->use_empty())
        op->erase();
    });
  }
};

} // namespace
