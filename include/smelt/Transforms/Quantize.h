//===- Quantize.h - What the quantization passes report ---------*- C++ -*-===//
//
// The quantizers (smelt-quantize-static, -dynamic, -weights) rewrite the
// module; this is what they tell the driver and the compile report about
// each layer.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_QUANTIZE_H
#define SMELT_TRANSFORMS_QUANTIZE_H

#include <cstdint>
#include <string>
#include <vector>

namespace smelt {

/// What the rewrite did to one Conv, ConvTranspose, Gemm or MatMul.
struct LayerQuantization {
  /// The node's name ("" when it has none) and op type ("Conv").
  std::string node, op;
  /// What the layer computes in: "int8" (static, integer kernels),
  /// "int8-dynamic", "int8-weights", "int4-weights", or "float32" when it
  /// was left alone (then `detail` says why).
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

} // namespace smelt

#endif // SMELT_TRANSFORMS_QUANTIZE_H
