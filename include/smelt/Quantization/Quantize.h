//===- Quantize.h - Static int8 quantization of an onnx module --*- C++ -*-===//
//
// Rewrites an imported model into ONNX's QDQ form, the way ONNX Runtime's
// quantization tool writes it, from calibrated activation ranges:
//
//  * every activation that a Conv, Gemm or MatMul reads, and what each
//    writes, passes through QuantizeLinear -> DequantizeLinear (uint8,
//    asymmetric, per tensor, from the calibration table);
//  * their constant weights become int8 initializers, symmetric, per output
//    channel (per tensor on request), read through DequantizeLinear;
//  * their biases become int32 at scale x_scale * w_scale, zero point 0.
//
// The result is a standard QDQ model: `--emit=onnx` writes it for any
// runtime, and the CPU target compiles it.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_QUANTIZATION_QUANTIZE_H
#define SMELT_QUANTIZATION_QUANTIZE_H

#include "smelt/Calibration/Calibration.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace smelt {

struct QuantizeOptions {
  /// Weights per output channel (default) or one scale per tensor.
  bool perChannelWeights = true;
  /// Nodes left in float, by node name or by op type ("Conv", "Gemm").
  std::set<std::string> excluded;
  /// Weight-only: GPTQ instead of round to nearest for Gemm and MatMul,
  /// weighing each layer's weight error by the Gram matrix X^T X of its
  /// input (calibration's `grams`, keyed by producing node and result, or
  /// by input name and 0). Layers without one round to nearest.
  const std::map<std::pair<std::string, unsigned>, std::vector<double>>
      *grams = nullptr;
};

/// Folds what a Conv's output goes through alone into its weights and bias
/// when it is per output channel and constant: BatchNormalization, Mul and
/// Add (by a scalar or a [M, 1, ...] tensor), as ONNX Runtime's graph
/// optimizations do before its quantization tool runs. Quantized, the Conv's
/// integer output is then the folded value, with one rounding less, and the
/// code after it has less to do. Calibration runs on the folded model too
/// (the function is deterministic), so ranges match. Returns the number of
/// ops folded.
int64_t foldChannelAffineIntoConvs(mlir::ModuleOp module);

/// What the rewrite did to one Conv, ConvTranspose, Gemm or MatMul.
struct LayerQuantization {
  /// The node's name ("" when it has none) and op type ("Conv").
  std::string node, op;
  /// What the layer computes in: "int8" (static, integer kernels),
  /// "int8-dynamic", "int8-weights", "int4-weights", or "float32" when it
  /// was left alone (then `reason` says why).
  std::string format;
  /// How weights and activations are stored ("int8 per channel, uint8
  /// activations"), or why the layer stayed float.
  std::string detail;
  /// The weights' bytes in the float model and as the compressed model
  /// stores them (int4 takes a byte per weight until it is packed).
  int64_t weightBytesBefore = 0, weightBytesAfter = 0;
};

/// What the rewrite did, for the compile report.
struct QuantizeReport {
  /// Every candidate layer, in program order.
  std::vector<LayerQuantization> layers;
  int64_t quantizedOps = 0;
  int64_t skippedOps = 0;
  int64_t weightBytesBefore = 0;
  int64_t weightBytesAfter = 0;
  /// GPTQ: the layers it quantized, and their summed output error
  /// trace((W - Q) X^T X (W - Q)^T) with GPTQ and with round to nearest.
  int64_t gptqOps = 0;
  double gptqError = 0, nearestError = 0;
  /// Ops around which activations were quantized so that the values
  /// stored between kernels are uint8 (Concat, Resize, shared values).
  int64_t boundaryValues = 0;
};

/// Rewrites `module` (the onnx dialect, entry @main_graph) into QDQ form.
/// Ops whose inputs or weights cannot be quantized (no range, weights
/// computed at run time, other types) stay float and are counted skipped.
mlir::FailureOr<QuantizeReport>
quantizeStaticInt8(mlir::ModuleOp module,
                   const std::vector<TensorRange> &ranges,
                   const QuantizeOptions &options);

/// Weight-only quantization: each Conv, Gemm and MatMul weight constant
/// becomes `bits`-bit integers (8 or 4, symmetric, round to nearest even)
/// with one f32 scale per `groupSize` consecutive weights along the
/// reduction dimension of each output channel (the whole reduction when
/// groupSize is 0 or does not divide it), dequantized in the graph
/// (Cast, Reshape, Mul, Reshape) where the op reads it. Activations stay
/// float. The integers are stored one per byte.
/// Dynamic int8, the form ONNX Runtime's quantize_dynamic writes (no
/// calibration): each Gemm or MatMul with constant 2-D weights reads its
/// activations through DynamicQuantizeLinear (uint8, the range of each run's
/// values), multiplies by int8 weights (per output channel) with
/// MatMulInteger, and scales the int32 result by x_scale * w_scale (then
/// adds the bias). Other ops, and Gemms with alpha or beta not 1 or a
/// transposed A, stay float and are counted skipped.
mlir::FailureOr<QuantizeReport>
quantizeDynamicInt8(mlir::ModuleOp module, const QuantizeOptions &options);

mlir::FailureOr<QuantizeReport>
quantizeWeightsOnly(mlir::ModuleOp module, unsigned bits, int64_t groupSize,
                    const QuantizeOptions &options);

} // namespace smelt

#endif // SMELT_QUANTIZATION_QUANTIZE_H
