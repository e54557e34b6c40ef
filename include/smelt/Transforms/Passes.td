//===- Passes.td - Smelt's compression passes --------------*- tablegen -*-===//
//
// Graph-level passes on the onnx dialect: each reads the module and what
// earlier passes left in it (`#smelt.calibration`), and rewrites it in
// place. `smeltc --print-pipeline` prints the pipeline the driver builds
// from them.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_PASSES_TD
#define SMELT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SmeltFoldChannelAffinePass
    : Pass<"smelt-fold-channel-affine", "::mlir::ModuleOp"> {
  let summary = "Fold per-channel Mul/Add/Sub/BatchNormalization into Convs";
  let description = [{
    What a Conv's (or an ungrouped ConvTranspose's) output goes through
    alone, when it is per output channel and constant (BatchNormalization in
    inference form, Mul and Add/Sub by a scalar or an [M, 1, ...] tensor),
    is folded into the Conv's weights and bias, as ONNX Runtime's graph
    optimizations do before its quantizer runs. Quantized, the Conv's integer
    output is then the folded value, with one rounding less.

    ```mlir
    %y = onnx.Conv(%x, %w, %b) ...
    %z = onnx.BatchNormalization(%y, %gamma, %beta, %mean, %var) ...
    // becomes
    %z = onnx.Conv(%x, %w_folded, %b_folded) ...
    ```
  }];
  let dependentDialects = ["::smelt::onnx::ONNXDialect"];
}

def SmeltCalibratePass : Pass<"smelt-calibrate", "::mlir::ModuleOp"> {
  let summary = "Measure every f32 tensor on sample data";
  let description = [{
    Runs the model, instrumented so that every f32 value of the entry
    function is an output, on the samples of `data` through a ModelExecutor
    (`executor`: a name a target registered, `cpu` by default; an embedder
    hands in its own), and writes what each value did as a
    `#smelt.calibration` attribute on it: its observed range and the
    clipping range the observer chose:

      minmax      the observed minimum and maximum;
      percentile  |x| clipped at the `percentile` of its histogram;
      entropy     the threshold whose 128-level quantization of the |x|
                  histogram is closest in KL divergence (TensorRT's);
      mse         the threshold minimizing 8-bit quantization's squared
                  error over the histogram.

    The histogram methods take a second pass over the data (2048 bins on
    [0, max |x|]). With `gram`, the Gram matrix X^T X of the first operand of
    every Gemm and MatMul is accumulated too (GPTQ's Hessian).

    With `table`, nothing runs: the statistics come from a calibration table
    that `smeltc --emit=calibration` wrote, matched to values by ONNX node
    name and result number (model inputs by their names).
  }];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "The samples: an .npz file or a folder of samples">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "How ranges are chosen: minmax, percentile, entropy, mse">,
    Option<"percentile", "percentile", "double", "99.99",
           "The percentile of |x| that method=percentile keeps">,
    Option<"executor", "executor", "std::string", "\"cpu\"",
           "Who runs the model (a registered ModelExecutor)">,
    Option<"gram", "gram", "bool", "false",
           "Also accumulate each Gemm's and MatMul's input Gram matrix">,
    Option<"table", "table", "std::string", "\"\"",
           "Read the statistics from this calibration table instead">,
  ];
  let dependentDialects = ["::smelt::SmeltDialect"];
}

def SmeltQuantizeStaticPass
    : Pass<"smelt-quantize-static", "::mlir::ModuleOp"> {
  let summary = "Static int8 quantization into QDQ form from calibration";
  let description = [{
    From the `#smelt.calibration` ranges on the module's values, rewrites it
    into ONNX's QDQ form as ONNX Runtime's quantization tool writes it: every
    activation a Conv, ConvTranspose, Gemm or MatMul reads or writes passes
    through QuantizeLinear -> DequantizeLinear (uint8, asymmetric, per
    tensor); their constant weights become int8 (symmetric, per output
    channel unless `per-channel=false`), biases int32 at x_scale * w_scale.
    Values stored between kernels (Concat, Resize, shared values) are
    quantized too. A layer without a calibrated range stays float.

    The calibration attributes are consumed.
  }];
  let options = [
    Option<"perChannel", "per-channel", "bool", "true",
           "Weights per output channel (else one scale per tensor)">,
    ListOption<"exclude", "exclude", "std::string",
               "Nodes kept in float, by name or op type (Conv, Gemm)">,
  ];
  let dependentDialects = ["::smelt::onnx::ONNXDialect"];
}

def SmeltQuantizeDynamicPass
    : Pass<"smelt-quantize-dynamic", "::mlir::ModuleOp"> {
  let summary = "Dynamic int8: activations quantized at run time";
  let description = [{
    The form ONNX Runtime's quantize_dynamic writes (no calibration): each
    Gemm or MatMul with constant 2-D weights reads its activations through
    DynamicQuantizeLinear (uint8), multiplies by int8 weights (per output
    channel) with MatMulInteger and scales the int32 result by
    x_scale * w_scale (then adds the bias).
  }];
  let options = [
    ListOption<"exclude", "exclude", "std::string",
               "Nodes kept in float, by name or op type">,
  ];
  let dependentDialects = ["::smelt::onnx::ONNXDialect"];
}

def SmeltQuantizeWeightsPass
    : Pass<"smelt-quantize-weights", "::mlir::ModuleOp"> {
  let summary = "Weight-only quantization (round to nearest or GPTQ)";
  let description = [{
    Each Conv, Gemm and MatMul weight constant becomes `bits`-bit integers
    (8 or 4, symmetric) with one f32 scale per `group-size` weights along
    the reduction of each output channel (0: one per output channel),
    dequantized in the graph where the op reads it. `method=gptq` fits
    Gemm and MatMul weights column by column to the Gram matrix that
    `smelt-calibrate{gram=true}` left on their input; layers without one
    round to nearest.
  }];
  let options = [
    Option<"bits", "bits", "unsigned", "8", "Bits per weight: 8 or 4">,
    Option<"groupSize", "group-size", "int64_t", "32",
           "Weights per scale along the reduction (0: per output channel)">,
    Option<"method", "method", "std::string", "\"rtn\"",
           "rtn (round to nearest) or gptq">,
    ListOption<"exclude", "exclude", "std::string",
               "Nodes kept in float, by name or op type">,
  ];
  let dependentDialects = ["::smelt::onnx::ONNXDialect"];
}

def SmeltFuseQDQPass : Pass<"smelt-fuse-qdq", "::mlir::func::FuncOp"> {
  let summary = "Fuse QDQ patterns into ONNX's integer operators";
  let description = [{
    In a QDQ model (ONNX Runtime's quantization tool's, or Smelt's own
    `smelt-quantize-static`), rewrites the quantized computation so that it
    runs on integers:

      Q(Conv(DQ(x), DQ(w), DQ(b)))  ->  QLinearConv(x, ..., w, ..., b)
      Q(MatMul(DQ(a), DQ(b)))       ->  QLinearMatMul(a, ..., b, ...)
      Q(Gemm(DQ(a), DQ(w), DQ(c)))  ->  Q(dcast(smelt.quantized_matmul(a, w')) + DQ(c))
      Q(Relu(any of those))         ->  the same, when Q's zero point is 0
      Q(MaxPool|Flatten|Reshape(DQ(x))) with equal parameters -> op(x)

    (w' transposed at compile time for transB; the Gemm's operands and its
    int32 accumulator carry `!quant.uniform` types, since QLinearMatMul has
    no float bias). Weights must be constants with zero zero points,
    activations per tensor, biases int32 at scale x_scale * w_scale;
    anything else stays in float. `convert-onnx-qlinear-to-quant` then
    writes the QLinear ops with quantized types too.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::tensor::TensorDialect",
                           "::smelt::SmeltDialect",
                           "::smelt::onnx::ONNXDialect"];
}

#endif // SMELT_TRANSFORMS_PASSES_TD
