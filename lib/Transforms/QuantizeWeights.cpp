//===- QuantizeWeights.cpp - smelt-quantize-weights
//------------------------===//
//
// Weight-only quantization: integers with a scale per group along the
// reduction, dequantized in the graph (Cast, Reshape, Mul, Reshape) where
// the op reads them; activations stay float. Round to nearest, or GPTQ
// (GPTQ.h) for Gemm and MatMul from the Gram matrix of their input that
// `smelt-calibrate{gram=true}` left in the module.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Calibration.h"
#include "smelt/Transforms/GPTQ.h"
#include "smelt/Transforms/Passes.h"

#include "QuantizeUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <cstring>

namespace smelt {
#define GEN_PASS_DEF_SMELTQUANTIZEWEIGHTSPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {

/// The Gram matrix calibration left on `x`, as k x k doubles, or empty.
std::vector<double> gramOf(Value x, int64_t k) {
  CalibrationAttr stats = getCalibration(x);
  ElementsAttr gram = stats ? stats.getGram() : ElementsAttr();
  if (!gram || gram.getNumElements() != k * k)
    return {};
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(gram)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != static_cast<size_t>(k * k) * 8)
      return {};
    std::vector<double> values(k * k);
    std::memcpy(values.data(), blob->getData().data(), k * k * 8);
    return values;
  }
  if (auto dense = dyn_cast<DenseFPElementsAttr>(gram)) {
    std::vector<double> values;
    for (const APFloat &v : dense.getValues<APFloat>())
      values.push_back(v.convertToDouble());
    return values;
  }
  return {};
}

QuantizeReport quantizeWeightsOnly(func::FuncOp func, unsigned bits,
                                   int64_t groupSize, bool useGptq,
                                   const QuantizeOptions &options) {
  const float qmax = bits == 4 ? 7.0f : 127.0f;
  OpBuilder b(func.getContext());
  QuantizeReport report;
  SmallVector<Operation *> candidates;
  for (Operation &op : func.getBody().front()) {
    StringRef name = op.getName().getStringRef();
    if (name == "onnx.Conv" || name == "onnx.Gemm" || name == "onnx.MatMul")
      candidates.push_back(&op);
  }
  for (Operation *op : candidates) {
    StringRef name = op->getName().getStringRef();
    Value w = op->getOperand(1);
    std::optional<std::vector<float>> data = readFloats(w.getDefiningOp());
    auto type = dyn_cast<RankedTensorType>(w.getType());
    bool transB = false;
    if (auto tb = op->getAttrOfType<IntegerAttr>("transB"))
      transB = tb.getInt() != 0;
    if (isExcluded(op, options) || !data || !type ||
        (name != "onnx.Conv" && type.getRank() != 2)) {
      report.layers.push_back(layerEntry(op, "float32",
                                         isExcluded(op, options) ? "excluded"
                                         : !data || !type
                                             ? "weights computed at run time"
                                             : "weights not 2-D"));
      ++report.skippedOps;
      continue;
    }
    // The weights as [outputs, K] (Conv [F, C*KH*KW], Gemm with transB
    // [N, K]) or [K, outputs] (MatMul, Gemm): groups run along K.
    bool outputsFirst = name == "onnx.Conv" || transB;
    int64_t outputs = outputsFirst ? type.getDimSize(0) : type.getDimSize(1);
    int64_t k = type.getNumElements() / outputs;
    int64_t group = groupSize > 0 && k % groupSize == 0 ? groupSize : k;
    int64_t groups = k / group;
    auto at = [&](int64_t o, int64_t kk) {
      return outputsFirst ? o * k + kk : kk * outputs + o;
    };
    // Scales as [outputs, groups, 1] or [groups, 1, outputs], matching the
    // weights reshaped to [outputs, groups, group] or [groups, group,
    // outputs].
    std::vector<float> scales(outputs * groups, 1.0f);
    std::vector<int8_t> q(data->size());
    for (int64_t o = 0; o < outputs; ++o)
      for (int64_t g = 0; g < groups; ++g) {
        float maxAbs = 0;
        for (int64_t i = 0; i < group; ++i)
          maxAbs = std::max(maxAbs, std::fabs((*data)[at(o, g * group + i)]));
        float scale = maxAbs > 0 ? maxAbs / qmax : 1.0f;
        scales[outputsFirst ? o * groups + g : g * outputs + o] = scale;
        for (int64_t i = 0; i < group; ++i) {
          int64_t idx = at(o, g * group + i);
          q[idx] = static_cast<int8_t>(
              std::clamp(std::nearbyint((*data)[idx] / scale), -qmax, qmax));
        }
      }
    // GPTQ for Gemm and MatMul when calibration measured their input.
    std::vector<double> gramMatrix;
    bool usedGptq = false;
    if (useGptq && name != "onnx.Conv")
      gramMatrix = gramOf(op->getOperand(0), k);
    const std::vector<double> *gram =
        gramMatrix.empty() ? nullptr : &gramMatrix;
    if (gram) {
      std::vector<double> rowsW(outputs * k), nearest(outputs * k);
      for (int64_t o = 0; o < outputs; ++o)
        for (int64_t kk = 0; kk < k; ++kk) {
          int64_t idx = at(o, kk);
          rowsW[o * k + kk] = (*data)[idx];
          float scale = scales[outputsFirst ? o * groups + kk / group
                                            : (kk / group) * outputs + o];
          nearest[o * k + kk] = (*data)[idx] - q[idx] * scale;
        }
      std::vector<double> original = rowsW;
      std::vector<int8_t> gq;
      std::vector<float> gscales;
      if (gptq::quantize(rowsW, outputs, k, group, qmax, *gram, gq, gscales)) {
        std::vector<double> diff(outputs * k);
        for (int64_t o = 0; o < outputs; ++o)
          for (int64_t kk = 0; kk < k; ++kk) {
            float scale = gscales[o * groups + kk / group];
            q[at(o, kk)] = gq[o * k + kk];
            scales[outputsFirst ? o * groups + kk / group
                                : (kk / group) * outputs + o] = scale;
            diff[o * k + kk] = original[o * k + kk] - gq[o * k + kk] * scale;
          }
        report.gptqError += gptq::outputError(diff, outputs, k, *gram);
        report.nearestError += gptq::outputError(nearest, outputs, k, *gram);
        ++report.gptqOps;
        usedGptq = true;
      }
    }
    b.setInsertionPoint(op);
    Location loc = w.getLoc();
    auto constant = [&](TypedAttr value, StringRef nm = "") {
      return onnxConstant(b, loc, value, nm);
    };
    auto make = [&](auto tag, ValueRange operands, Type result,
                    ArrayRef<NamedAttribute> attrs = {}) -> Value {
      using OpTy = typename decltype(tag)::type;
      return OpTy::create(b, loc, TypeRange{result}, operands, attrs)
          ->getResult(0);
    };
    std::string base = "weights";
    if (auto nm = w.getDefiningOp()->getAttrOfType<StringAttr>("onnx.name"))
      base = nm.str();
    auto i8 = b.getIntegerType(8);
    Value qw = constant(DenseElementsAttr::get(type.clone(i8), ArrayRef(q)),
                        base + (bits == 4 ? "_int4" : "_int8"));
    SmallVector<int64_t> grouped =
        outputsFirst ? SmallVector<int64_t>{outputs, groups, group}
                     : SmallVector<int64_t>{groups, group, outputs};
    SmallVector<int64_t> scaleShape =
        outputsFirst ? SmallVector<int64_t>{outputs, groups, 1}
                     : SmallVector<int64_t>{groups, 1, outputs};
    auto f32 = b.getF32Type();
    Value scale =
        constant(DenseElementsAttr::get(RankedTensorType::get(scaleShape, f32),
                                        ArrayRef(scales)),
                 base + "_scale");
    auto shapeConstant = [&](ArrayRef<int64_t> dims) {
      auto t = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                     b.getI64Type());
      return constant(DenseElementsAttr::get(t, dims));
    };
    Value asFloat = make(llvm::type_identity<onnx::CastOp>(), {qw}, type,
                         {b.getNamedAttr("to", b.getI64IntegerAttr(1))});
    Value groupedValue = make(llvm::type_identity<onnx::ReshapeOp>(),
                              {asFloat, shapeConstant(grouped)},
                              RankedTensorType::get(grouped, f32));
    Value scaled =
        make(llvm::type_identity<onnx::MulOp>(), {groupedValue, scale},
             RankedTensorType::get(grouped, f32));
    Value restored = make(llvm::type_identity<onnx::ReshapeOp>(),
                          {scaled, shapeConstant(type.getShape())}, type);
    op->setOperand(1, restored);
    LayerQuantization layer =
        layerEntry(op, bits == 4 ? "int4-weights" : "int8-weights",
                   (llvm::Twine(bits) + "-bit weights, " +
                    (group == k ? llvm::Twine("one scale per output channel")
                                : llvm::Twine(group) + " per scale") +
                    (usedGptq ? ", GPTQ" : "") + "; float activations")
                       .str());
    // The layer's entry counts the bytes as stored (one integer a byte);
    // the totals count them packed, as the log line says.
    layer.weightBytesBefore = type.getNumElements() * 4;
    layer.weightBytesAfter = type.getNumElements() + scales.size() * 4;
    report.weightBytesBefore += layer.weightBytesBefore;
    report.weightBytesAfter +=
        type.getNumElements() * bits / 8 + scales.size() * 4;
    report.layers.push_back(layer);
    ++report.quantizedOps;
  }
  eraseUnusedConstants(func);
  return report;
}

struct QuantizeWeightsPass
    : smelt::impl::SmeltQuantizeWeightsPassBase<QuantizeWeightsPass> {
  using Base::Base;
  QuantizeWeightsPass(const SmeltQuantizeWeightsPassOptions &options,
                      QuantizeReport *report)
      : Base(options), report(report) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<func::FuncOp> func =
        entryFunction(module, "smelt-quantize-weights");
    if (failed(func))
      return signalPassFailure();
    // The options are streamed as their values: a pass Option itself
    // reaches the diagnostic as a single character.
    if (bits != 4 && bits != 8) {
      module.emitError() << "smelt-quantize-weights: bits="
                         << static_cast<unsigned>(bits)
                         << " is not supported (4 or 8)";
      return signalPassFailure();
    }
    if (groupSize < 0) {
      module.emitError() << "smelt-quantize-weights: group-size must be 0 "
                            "(per output channel) or positive, not "
                         << static_cast<int64_t>(groupSize);
      return signalPassFailure();
    }
    if (method != "rtn" && method != "gptq") {
      module.emitError() << "smelt-quantize-weights: method='" << method
                         << "' is not supported (rtn, gptq)";
      return signalPassFailure();
    }
    QuantizeOptions selection;
    selection.excluded.insert(exclude.begin(), exclude.end());
    QuantizeReport done = quantizeWeightsOnly(*func, bits, groupSize,
                                              method == "gptq", selection);
    clearCalibration(*func);
    if (report)
      *report = std::move(done);
  }

  QuantizeReport *report = nullptr;
};

} // namespace

std::unique_ptr<Pass> smelt::createSmeltQuantizeWeightsPass(
    const SmeltQuantizeWeightsPassOptions &options, QuantizeReport *report) {
  return std::make_unique<QuantizeWeightsPass>(options, report);
}
