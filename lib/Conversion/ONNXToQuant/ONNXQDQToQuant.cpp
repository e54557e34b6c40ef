//===- ONNXQDQToQuant.cpp - onnx-qdq-to-quant -----------------------------===//
//
// QDQ form to upstream quant types. Quantized values are written with
// `!quant.uniform` element types (per tensor or per axis), quantization and
// dequantization as `quant.qcast` / `quant.dcast`, constant integer weights
// reinterpreted with `quant.scast`; quant-to-onnx-qdq writes ONNX's QDQ ops
// back. See the pass description.
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
#define GEN_PASS_DEF_ONNXQDQTOQUANTPASS
#include "smelt/Conversion/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::onnx;

namespace {

/// The quantized element type a QuantizeLinear or DequantizeLinear with
/// constant parameters describes: 8-bit storage (signed or not), f32
/// expressed, per tensor or along `axis`.
quant::QuantizedType quantizedType(Operation *op, Type integer, int64_t rank) {
  auto storage = dyn_cast<IntegerType>(integer);
  if (!storage || storage.getWidth() != 8 || op->getNumOperands() < 2)
    return {};
  std::optional<SmallVector<double>> scales = getConstantFloats(op->getOperand(1));
  std::optional<SmallVector<int64_t>> zeros =
      op->getNumOperands() > 2 && op->getOperand(2)
          ? getConstantInts(op->getOperand(2))
          : std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{0});
  if (!scales || !zeros || scales->empty())
    return {};
  if (zeros->size() == 1 && scales->size() > 1)
    zeros->assign(scales->size(), zeros->front());
  if (zeros->size() != scales->size())
    return {};
  bool isSigned = !storage.isUnsigned();
  MLIRContext *ctx = op->getContext();
  Type storageType = IntegerType::get(ctx, 8);
  Type f32 = Float32Type::get(ctx);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t lo = isSigned ? -128 : 0, hi = isSigned ? 127 : 255;
  if (scales->size() == 1)
    return quant::UniformQuantizedType::getChecked(
        op->getLoc(), flags, storageType, f32, scales->front(), zeros->front(),
        lo, hi);
  int64_t axis = 1;
  if (auto attr = op->getAttrOfType<IntegerAttr>("axis"))
    axis = attr.getInt();
  if (axis < 0)
    axis += rank;
  return quant::UniformQuantizedPerAxisType::getChecked(
      op->getLoc(), flags, storageType, f32, *scales, *zeros, axis, lo, hi);
}

/// DequantizeLinear(QuantizeLinear(x)) -> dcast(qcast(x)); and
/// DequantizeLinear(constant integers) -> dcast(scast(constant)).
struct DequantizeToQuant : RewritePattern {
  DequantizeToQuant(MLIRContext *ctx)
      : RewritePattern("onnx.DequantizeLinear", 1, ctx) {}
  LogicalResult matchAndRewrite(Operation *dq,
                                PatternRewriter &rewriter) const override {
    auto outType = dyn_cast<RankedTensorType>(dq->getResult(0).getType());
    auto inType = dyn_cast<RankedTensorType>(dq->getOperand(0).getType());
    if (!outType || !inType || !outType.getElementType().isF32())
      return rewriter.notifyMatchFailure(dq, "not a ranked f32 result");
    quant::QuantizedType qt =
        quantizedType(dq, inType.getElementType(), inType.getRank());
    if (!qt)
      return rewriter.notifyMatchFailure(
          dq, "parameters not constant 8-bit, per tensor or per axis");
    auto quantized = RankedTensorType::get(inType.getShape(), qt);
    Location loc = dq->getLoc();
    Operation *producer = dq->getOperand(0).getDefiningOp();
    Value q;
    if (isONNXOp(producer, "onnx.QuantizeLinear") &&
        quantizedType(producer, inType.getElementType(), inType.getRank()) ==
            qt &&
        producer->getOperand(0).getType() == outType) {
      q = quant::QuantizeCastOp::create(rewriter, loc, quantized,
                                        producer->getOperand(0));
    } else if (isONNXOp(producer, "onnx.Constant") &&
               !inType.getElementType().isUnsignedInteger()) {
      q = quant::StorageCastOp::create(rewriter, loc, quantized,
                                       dq->getOperand(0));
    } else {
      return rewriter.notifyMatchFailure(
          dq, "reads neither a QuantizeLinear of the same parameters nor "
              "signed constant integers");
    }
    rewriter.replaceOpWithNewOp<quant::DequantizeCastOp>(dq, outType, q);
    return success();
  }
};

struct ONNXQDQToQuantPass
    : smelt::impl::ONNXQDQToQuantPassBase<ONNXQDQToQuantPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DequantizeToQuant>(&getContext());
    // Without folding: upstream folds dcast(qcast(x)) to x.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // QuantizeLinear ops now unread (each was read by DequantizeLinear).
    getOperation().walk([](Operation *op) {
      if (isONNXOp(op, "onnx.QuantizeLinear") && op->use_empty())
        op->erase();
    });
  }
};

} // namespace
