//===- QuantizeDynamic.cpp - smelt-quantize-dynamic ------------------------===//
//
// The form ONNX Runtime's quantize_dynamic writes: weights
// int8, symmetric, per output channel, stored as initializers; each
// activation a Gemm or MatMul reads is quantized when the model runs by
// DynamicQuantizeLinear (uint8, its own range); MatMulInteger multiplies
// the integers, and the int32 result is scaled back to float by
// x_scale * w_scale[n] (then the bias is added).
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Passes.h"

#include "QuantizeUtils.h"

#include "ONNX/ONNXDialect.h"


#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace smelt {
#define GEN_PASS_DEF_SMELTQUANTIZEDYNAMICPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

namespace {


QuantizeReport quantizeDynamicInt8(func::FuncOp func,
                                   const QuantizeOptions &options) {
  OpBuilder b(func.getContext());
  QuantizeReport report;
  SmallVector<Operation *> candidates;
  for (Operation &op : func.getBody().front()) {
    StringRef name = op.getName().getStringRef();
    if (name == "onnx.Gemm" || name == "onnx.MatMul")
      candidates.push_back(&op);
  }
  Type f32 = b.getF32Type(), i8 = b.getIntegerType(8), i32 = b.getI32Type();
  Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  for (Operation *op : candidates) {
    StringRef name = op->getName().getStringRef();
    Value x = op->getOperand(0), w = op->getOperand(1);
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    auto yType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    std::optional<std::vector<float>> data = readFloats(w.getDefiningOp());
    auto flag = [&](StringRef attr) {
      auto a = op->getAttrOfType<IntegerAttr>(attr);
      return a && a.getInt() != 0;
    };
    auto number = [&](StringRef attr) {
      auto a = op->getAttrOfType<FloatAttr>(attr);
      return a ? a.getValueAsDouble() : 1.0;
    };
    // MatMulInteger as lowered here takes 2-D operands.
    if (isExcluded(op, options) || !data || !xType || !wType || !yType ||
        xType.getRank() != 2 || wType.getRank() != 2 ||
        !xType.getElementType().isF32() || flag("transA") ||
        number("alpha") != 1.0 || number("beta") != 1.0 ||
        !yType.hasStaticShape() || yType.getRank() != 2) {
      report.layers.push_back(layerEntry(
          op, "float32",
          isExcluded(op, options) ? "excluded"
          : !data                 ? "weights computed at run time"
                                  : "not a 2-D f32 product with alpha = beta "
                                    "= 1 and A not transposed"));
      ++report.skippedOps;
      continue;
    }
    bool transB = flag("transB");
    int64_t k = wType.getDimSize(transB ? 1 : 0);
    int64_t n = wType.getDimSize(transB ? 0 : 1);
    // [K, N] int8, symmetric per column.
    std::vector<float> scales(n, 1.0f);
    for (int64_t c = 0; c < n; ++c) {
      float maxAbs = 0;
      for (int64_t r = 0; r < k; ++r)
        maxAbs = std::max(maxAbs, std::fabs((*data)[transB ? c * k + r : r * n + c]));
      if (maxAbs > 0)
        scales[c] = maxAbs / 127.0f;
    }
    std::vector<int8_t> q(k * n);
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        q[r * n + c] = static_cast<int8_t>(std::clamp(
            std::nearbyint((*data)[transB ? c * k + r : r * n + c] / scales[c]),
            -127.0f, 127.0f));
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    std::string base = "weights";
    if (auto nm = w.getDefiningOp()->getAttrOfType<StringAttr>("onnx.name"))
      base = nm.str();
    auto constant = [&](TypedAttr value, StringRef nm = "") {
      return onnxConstant(b, loc, value, nm);
    };
    auto make = [&](auto tag, ValueRange operands, TypeRange results,
                    ArrayRef<NamedAttribute> attrs = {}) -> Operation * {
      using OpTy = typename decltype(tag)::type;
      return OpTy::create(b, loc, results, operands, attrs);
    };
    Value qw = constant(
        DenseElementsAttr::get(RankedTensorType::get({k, n}, i8), ArrayRef(q)),
        base + "_quantized");
    Value ws = constant(
        DenseElementsAttr::get(RankedTensorType::get({n}, f32), ArrayRef(scales)),
        base + "_scale");
    auto scalar = [](Type t) { return RankedTensorType::get({}, t); };
    Operation *dynamic = make(llvm::type_identity<onnx::DynamicQuantizeLinearOp>(), {x},
                              {xType.clone(u8), scalar(f32), scalar(u8)});
    int64_t m = xType.getDimSize(0);
    // A, B, A's zero point; no B zero point (symmetric weights).
    Value acc =
        make(llvm::type_identity<onnx::MatMulIntegerOp>(),
             {dynamic->getResult(0), qw, dynamic->getResult(2)},
             {RankedTensorType::get({m, n}, i32)},
             {b.getNamedAttr("operandSegmentSizes",
                             b.getDenseI32ArrayAttr({1, 1, 1, 0}))})
            ->getResult(0);
    auto floats = RankedTensorType::get({m, n}, f32);
    Value wide = make(llvm::type_identity<onnx::CastOp>(), {acc}, {floats},
                      {b.getNamedAttr("to", b.getI64IntegerAttr(1))})
                     ->getResult(0);
    Value scale = make(llvm::type_identity<onnx::MulOp>(), {dynamic->getResult(1), ws},
                       {RankedTensorType::get({n}, f32)})
                      ->getResult(0);
    Value y = make(llvm::type_identity<onnx::MulOp>(), {wide, scale}, {floats})->getResult(0);
    if (name == "onnx.Gemm" && op->getNumOperands() > 2 && op->getOperand(2))
      y = make(llvm::type_identity<onnx::AddOp>(), {y, op->getOperand(2)}, {floats})->getResult(0);
    LayerQuantization layer = layerEntry(
        op, "int8-dynamic",
        "int8 weights per output channel, uint8 activations quantized "
        "per run");
    layer.weightBytesBefore = k * n * 4;
    layer.weightBytesAfter = k * n + n * 4;
    report.layers.push_back(layer);
    op->getResult(0).replaceAllUsesWith(y);
    op->erase();
    report.weightBytesBefore += layer.weightBytesBefore;
    report.weightBytesAfter += layer.weightBytesAfter;
    ++report.quantizedOps;
  }
  eraseUnusedConstants(func);
  return report;
}

struct QuantizeDynamicPass
    : smelt::impl::SmeltQuantizeDynamicPassBase<QuantizeDynamicPass> {
  using Base::Base;
  QuantizeDynamicPass(const SmeltQuantizeDynamicPassOptions &options,
                      QuantizeReport *report)
      : Base(options), report(report) {}

  void runOnOperation() override {
    FailureOr<func::FuncOp> func =
        entryFunction(getOperation(), "smelt-quantize-dynamic");
    if (failed(func))
      return signalPassFailure();
    QuantizeOptions selection;
    selection.excluded.insert(exclude.begin(), exclude.end());
    QuantizeReport done = quantizeDynamicInt8(*func, selection);
    if (report)
      *report = std::move(done);
  }

  QuantizeReport *report = nullptr;
};

} // namespace

std::unique_ptr<Pass> smelt::createSmeltQuantizeDynamicPass(
    const SmeltQuantizeDynamicPassOptions &options, QuantizeReport *report) {
  return std::make_unique<QuantizeDynamicPass>(options, report);
}
