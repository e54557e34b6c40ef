// RUN: smelt-opt %s --split-input-file '--smelt-quantize-weights=bits=8 group-size=2' | FileCheck %s
// RUN: smelt-opt %s --split-input-file '--smelt-quantize-weights=bits=4 group-size=2' | FileCheck %s --check-prefix=INT4
// RUN: smelt-opt %s --split-input-file --smelt-quantize-weights=group-size=0 | FileCheck %s --check-prefix=CHANNEL
// RUN: smelt-opt %s --split-input-file '--smelt-quantize-weights=method=gptq bits=4 group-size=0' | FileCheck %s --check-prefix=GPTQ
// RUN: smelt-opt %s --split-input-file '--smelt-quantize-weights=bits=4 group-size=0' | FileCheck %s --check-prefix=RTN
// RUN: smelt-opt %s --split-input-file --smelt-quantize-weights=exclude=fc,Conv | FileCheck %s --check-prefix=EXCLUDED
// RUN: not smelt-opt %s --split-input-file --smelt-quantize-weights=bits=3 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not smelt-opt %s --split-input-file --smelt-quantize-weights=group-size=-1 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: not smelt-opt %s --split-input-file --smelt-quantize-weights=method=awq 2>&1 | FileCheck %s --check-prefix=METHOD

// BITS: error: smelt-quantize-weights: bits=3 is not supported (4 or 8)
// GROUP: error: smelt-quantize-weights: group-size must be 0 (per output channel) or positive, not -1
// METHOD: error: smelt-quantize-weights: method='awq' is not supported (rtn, gptq)

// Every function is @main_graph (the pass's entry); the labels tell them
// apart by their input's onnx.name. Scales here are powers of two times
// max |w| = qmax (127 or 7), so w / scale is exact and the halves show
// round half to even.

// A MatMul's [K, N] = [4, 2] weights, 8 bits, groups of 2 along K: the
// int8 weights are cast to f32 (to = 1), reshaped to [groups, group, N] =
// [2, 2, 2], multiplied by scales [groups, 1, N] and reshaped back.
// Group 0 (rows 0-1), column 0 [127, -2.5]: scale 1 -> 127, -2.
//                     column 1 [0.75, -63.5]: scale 0.5 -> 2 (1.5), -127.
// Group 1 (rows 2-3), column 0 [31.75, 0.375]: scale 0.25 -> 127, 2 (1.5).
//                     column 1 [-254, 5]: scale 2 -> -127, 2 (2.5).
// CHECK-LABEL: func @main_graph(%arg0: tensor<3x4xf32> {onnx.name = "int8_x"})
// CHECK-NOT: tensor<4x2xf32>}
// CHECK-DAG: %[[Q:.*]] = onnx.Constant() {onnx.name = "w_int8", value = dense<{{\[\[}}127, 2], [-2, -127], [127, -127], [2, 2]]> : tensor<4x2xi8>}
// CHECK-DAG: %[[S:.*]] = onnx.Constant() {onnx.name = "w_scale", value = dense<{{\[\[\[}}1.000000e+00, 5.000000e-01]], {{\[\[}}2.500000e-01, 2.000000e+00]]]> : tensor<2x1x2xf32>}
// CHECK: %[[F:.*]] = onnx.Cast(%[[Q]]) {to = 1 : i64} : (tensor<4x2xi8>) -> tensor<4x2xf32>
// CHECK: %[[G:.*]] = onnx.Constant() {value = dense<2> : tensor<3xi64>}
// CHECK: %[[R:.*]] = onnx.Reshape(%[[F]], %[[G]]) : (tensor<4x2xf32>, tensor<3xi64>) -> tensor<2x2x2xf32>
// CHECK: %[[M:.*]] = onnx.Mul(%[[R]], %[[S]]) : (tensor<2x2x2xf32>, tensor<2x1x2xf32>) -> tensor<2x2x2xf32>
// CHECK: %[[SHAPE:.*]] = onnx.Constant() {value = dense<[4, 2]> : tensor<2xi64>}
// CHECK: %[[W:.*]] = onnx.Reshape(%[[M]], %[[SHAPE]]) : (tensor<2x2x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
// CHECK: %[[Y:.*]] = onnx.MatMul(%arg0, %[[W]])
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<3x4xf32> {onnx.name = "int8_x"}) -> tensor<3x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[127.0, 0.75], [-2.5, -63.5], [31.75, -254.0], [0.375, 5.0]]> : tensor<4x2xf32>} : () -> tensor<4x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// A Gemm with transB = 1 ([N, K] = [2, 4] weights), 4 bits (qmax 7, stored
// one integer per byte), groups of 2 along K: reshaped to [N, groups,
// group] = [2, 2, 2], scales [N, groups, 1].
// Row 0 [7, -2.5 | 0.75, -3.5]: scale 1 -> 7, -2; scale 0.5 -> 2 (1.5), -7.
// Row 1 [1.75, 0.625 | -14, 5]: scale 0.25 -> 7, 2 (2.5); scale 2 -> -7, 2 (2.5).
// INT4-LABEL: func @main_graph(%arg0: tensor<1x4xf32> {onnx.name = "int4_x"})
// INT4-DAG: %[[Q:.*]] = onnx.Constant() {onnx.name = "fc.weight_int4", value = dense<{{\[\[}}7, -2, 2, -7], [7, 2, -7, 2]]> : tensor<2x4xi8>}
// INT4-DAG: %[[S:.*]] = onnx.Constant() {onnx.name = "fc.weight_scale", value = dense<{{\[\[\[}}1.000000e+00], [5.000000e-01]], {{\[\[}}2.500000e-01], [2.000000e+00]]]> : tensor<2x2x1xf32>}
// INT4: %[[F:.*]] = onnx.Cast(%[[Q]]) {to = 1 : i64} : (tensor<2x4xi8>) -> tensor<2x4xf32>
// INT4: %[[R:.*]] = onnx.Reshape(%[[F]], %{{.*}}) : (tensor<2x4xf32>, tensor<3xi64>) -> tensor<2x2x2xf32>
// INT4: %[[M:.*]] = onnx.Mul(%[[R]], %[[S]]) : (tensor<2x2x2xf32>, tensor<2x2x1xf32>) -> tensor<2x2x2xf32>
// INT4: %[[SHAPE:.*]] = onnx.Constant() {value = dense<[2, 4]> : tensor<2xi64>}
// INT4: %[[W:.*]] = onnx.Reshape(%[[M]], %[[SHAPE]]) : (tensor<2x2x2xf32>, tensor<2xi64>) -> tensor<2x4xf32>
// INT4: onnx.Gemm(%arg0, %[[W]], %{{.*}}) {transB = 1 : i64}
func.func @main_graph(%x: tensor<1x4xf32> {onnx.name = "int4_x"}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "fc.weight", value = dense<[[7.0, -2.5, 0.75, -3.5], [1.75, 0.625, -14.0, 5.0]]> : tensor<2x4xf32>} : () -> tensor<2x4xf32>
  %b = onnx.Constant() {value = dense<0.5> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = onnx.Gemm(%x, %w, %b) {transB = 1 : i64} : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// group-size=0: one scale per output channel. A Conv's [F, C, KH, KW] =
// [2, 1, 2, 2] weights as [F, 1, C*KH*KW] with scales [F, 1, 1].
// Filter 0 [1.984375, -0.5, 0.0390625, 0.25]: max 127/64 -> scale 1/64 =
//   0.015625 -> 127, -32, 2 (2.5), 16.
// Filter 1 all zero: scale 1 (not 0), integers 0.
// CHANNEL-LABEL: func @main_graph(%arg0: tensor<1x1x3x3xf32> {onnx.name = "conv_x"})
// CHANNEL-DAG: %[[Q:.*]] = onnx.Constant() {onnx.name = "conv.weight_int8", value = dense<{{\[\[\[\[}}127, -32], [2, 16]]], {{\[\[\[}}0, 0], [0, 0]]]]> : tensor<2x1x2x2xi8>}
// CHANNEL-DAG: %[[S:.*]] = onnx.Constant() {onnx.name = "conv.weight_scale", value = dense<{{\[\[\[}}1.562500e-02]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>}
// CHANNEL: %[[F:.*]] = onnx.Cast(%[[Q]]) {to = 1 : i64} : (tensor<2x1x2x2xi8>) -> tensor<2x1x2x2xf32>
// CHANNEL: %[[G:.*]] = onnx.Constant() {value = dense<[2, 1, 4]> : tensor<3xi64>}
// CHANNEL: %[[R:.*]] = onnx.Reshape(%[[F]], %[[G]]) : (tensor<2x1x2x2xf32>, tensor<3xi64>) -> tensor<2x1x4xf32>
// CHANNEL: %[[M:.*]] = onnx.Mul(%[[R]], %[[S]]) : (tensor<2x1x4xf32>, tensor<2x1x1xf32>) -> tensor<2x1x4xf32>
// CHANNEL: %[[SHAPE:.*]] = onnx.Constant() {value = dense<[2, 1, 2, 2]> : tensor<4xi64>}
// CHANNEL: %[[W:.*]] = onnx.Reshape(%[[M]], %[[SHAPE]]) : (tensor<2x1x4xf32>, tensor<4xi64>) -> tensor<2x1x2x2xf32>
// CHANNEL: onnx.Conv(%arg0, %[[W]])
// Excluded by op type (Conv): float.
// EXCLUDED-LABEL: func @main_graph(%arg0: tensor<1x1x3x3xf32> {onnx.name = "conv_x"})
// EXCLUDED-NOT: onnx.Cast
// EXCLUDED: %[[W:.*]] = onnx.Constant() {onnx.name = "conv.weight", {{.*}} : tensor<2x1x2x2xf32>}
// EXCLUDED: onnx.Conv(%arg0, %[[W]])
func.func @main_graph(%x: tensor<1x1x3x3xf32> {onnx.name = "conv_x"}) -> tensor<1x2x2x2xf32> {
  %w = onnx.Constant() {onnx.name = "conv.weight", value = dense<[[[[1.984375, -0.5], [0.0390625, 0.25]]], [[[0.0, 0.0], [0.0, 0.0]]]]> : tensor<2x1x2x2xf32>} : () -> tensor<2x1x2x2xf32>
  %0 = onnx.Conv(%x, %w) {kernel_shape = [2, 2]} : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// method=gptq with the Gram matrix G = X^T X that calibration left on the
// Gemm's input. W is [K, N] = [2, 2], 4 bits, one scale per column:
// column 0 [2.6, 7], column 1 [1, 7], both scale 7 / 7 = 1.
// Round to nearest: column 0 -> 3, 7; column 1 -> 1, 7.
// GPTQ damps G by 1% of its mean diagonal ((4 + 1) / 2 * 0.01 = 0.025):
// H = [[4.025, 1.9], [1.9, 1.025]]. Rounding w0 = 2.6 to 3 (error -0.4) is
// spread onto w1 by -H^-1[0][1] / H^-1[0][0] = -1.9 / 1.025: w1 becomes
// 7 - 0.4 * 1.9 / 1.025 = 6.2585, which rounds to 6. Column 1's w0 = 1 is
// exact, so its w1 stays 7. The calibration attributes are consumed.
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "gptq_x"})
// GPTQ-NOT: smelt.calibration
// GPTQ-DAG: %[[Q:.*]] = onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}3, 1], [6, 7]]> : tensor<2x2xi8>}
// GPTQ-DAG: %[[S:.*]] = onnx.Constant() {onnx.name = "w_scale", value = dense<1.000000e+00> : tensor<1x1x2xf32>}
// GPTQ: onnx.Cast(%[[Q]])
// GPTQ-NOT: smelt.calibration
// RTN-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "gptq_x"})
// RTN: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}3, 1], [7, 7]]> : tensor<2x2xi8>}
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "gptq_x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2, gram = dense<[[4.0, 1.9], [1.9, 1.0]]> : tensor<2x2xf64>>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[2.6, 1.0], [7.0, 7.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// method=gptq, the input calibrated without a Gram matrix: round to
// nearest (3, 7 and 1, 7 as above).
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "no_gram_x"})
// GPTQ: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}3, 1], [7, 7]]> : tensor<2x2xi8>}
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "no_gram_x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[2.6, 1.0], [7.0, 7.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// method=gptq with a Gram matrix of the wrong size (3 x 3 for K = 2; it
// would rank GPTQ's error by the wrong inputs): round to nearest.
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "gram_size_x"})
// GPTQ: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}3, 1], [7, 7]]> : tensor<2x2xi8>}
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "gram_size_x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2, gram = dense<[[4.0, 1.9, 0.0], [1.9, 1.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf64>>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[2.6, 1.0], [7.0, 7.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// method=gptq with a Gram matrix that is not positive definite even
// damped: [[1.01, 2], [2, 1.01]] has determinant 1.01^2 - 4 < 0, so its
// Cholesky factorization fails: round to nearest.
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "indefinite_x"})
// GPTQ: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}3, 1], [7, 7]]> : tensor<2x2xi8>}
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "indefinite_x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2, gram = dense<[[1.0, 2.0], [2.0, 1.0]]> : tensor<2x2xf64>>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[2.6, 1.0], [7.0, 7.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// method=gptq where input 0 was always zero (G[0][0] = 0): its weights do
// not matter and are zeroed before the scales are taken. Columns [5, 7]
// and [3, 7] (to nearest: 5, 7 and 3, 7) become [0, 7] and [0, 7], each
// scale from w1 = 7 (scale 1).
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "dead_input_x"})
// GPTQ: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[}}0, 0], [7, 7]]> : tensor<2x2xi8>}
// GPTQ: onnx.Constant() {onnx.name = "w_scale", value = dense<1.000000e+00> : tensor<1x1x2xf32>}
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "dead_input_x", smelt.calibration = #smelt.calibration<low = 0.0, high = 3.0, min = 0.0, max = 3.0, elements = 2, gram = dense<[[0.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf64>>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[5.0, 3.0], [7.0, 7.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// method=gptq leaves Convs to round to nearest even with a fitting Gram
// matrix on their input: filters [2.6, 7] and [1, 7] (the transpose of the
// Gemm above, K = C = 2) give [3, 7] and [1, 7], not GPTQ's [3, 6].
// GPTQ-LABEL: func @main_graph(%arg0: tensor<1x2x1x1xf32> {onnx.name = "conv_gptq_x"})
// GPTQ: onnx.Constant() {onnx.name = "w_int4", value = dense<{{\[\[\[\[}}3]], {{\[\[}}7]]], {{\[\[\[}}1]], {{\[\[}}7]]]]> : tensor<2x2x1x1xi8>}
func.func @main_graph(%x: tensor<1x2x1x1xf32> {onnx.name = "conv_gptq_x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2, gram = dense<[[4.0, 1.9], [1.9, 1.0]]> : tensor<2x2xf64>>}) -> tensor<1x2x1x1xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[[[2.6]], [[7.0]]], [[[1.0]], [[7.0]]]]> : tensor<2x2x1x1xf32>} : () -> tensor<2x2x1x1xf32>
  %0 = onnx.Conv(%x, %w) {kernel_shape = [1, 1]} : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %0 : tensor<1x2x1x1xf32>
}

// -----

// A group size that does not divide K (2 into 3): one scale per output
// column, shaped [1, 1, N], the weights reshaped to [1, K, N].
// Column 0 [127, 1.5, -2.5]: scale 1 -> 127, 2, -2.
// Column 1 [0.75, -63.5, 1.25]: scale 0.5 -> 2 (1.5), -127, 2 (2.5).
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xf32> {onnx.name = "indivisible_x"})
// CHECK-DAG: %[[Q:.*]] = onnx.Constant() {onnx.name = "w_int8", value = dense<{{\[\[}}127, 2], [2, -127], [-2, 2]]> : tensor<3x2xi8>}
// CHECK-DAG: %[[S:.*]] = onnx.Constant() {onnx.name = "w_scale", value = dense<{{\[\[\[}}1.000000e+00, 5.000000e-01]]]> : tensor<1x1x2xf32>}
// CHECK: onnx.Reshape(%{{.*}}, %{{.*}}) : (tensor<3x2xf32>, tensor<3xi64>) -> tensor<1x3x2xf32>
// CHECK: onnx.Mul(%{{.*}}, %[[S]]) : (tensor<1x3x2xf32>, tensor<1x1x2xf32>) -> tensor<1x3x2xf32>
func.func @main_graph(%x: tensor<1x3xf32> {onnx.name = "indivisible_x"}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[127.0, 0.75], [1.5, -63.5], [-2.5, 1.25]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Excluded by node name (fc): float; quantized when not excluded.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "excluded_x"})
// CHECK: onnx.name = "w_int8"
// EXCLUDED-LABEL: func @main_graph(%arg0: tensor<1x2xf32> {onnx.name = "excluded_x"})
// EXCLUDED-NOT: onnx.Cast
// EXCLUDED: %[[W:.*]] = onnx.Constant() {onnx.name = "w", {{.*}} : tensor<2x2xf32>}
// EXCLUDED: onnx.Gemm(%arg0, %[[W]])
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "excluded_x"}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}

// -----

// Weights computed at run time (a function argument): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xf32> {onnx.name = "runtime_x"}
// CHECK-NOT: onnx.Cast
// CHECK: onnx.MatMul(%arg0, %arg1)
func.func @main_graph(%x: tensor<1x3xf32> {onnx.name = "runtime_x"}, %w: tensor<3x2xf32>) -> tensor<1x2xf32> {
  %0 = onnx.MatMul(%x, %w) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A MatMul whose constant weights are not 2-D (a stack of [K, N]
// matrices): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x1x3xf32> {onnx.name = "stacked_x"})
// CHECK-NOT: onnx.Cast
// CHECK: %[[W:.*]] = onnx.Constant() {value = {{.*}} : tensor<2x3x2xf32>}
// CHECK: onnx.MatMul(%arg0, %[[W]])
func.func @main_graph(%x: tensor<2x1x3xf32> {onnx.name = "stacked_x"}) -> tensor<2x1x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x3x2xf32>} : () -> tensor<2x3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<2x1x3xf32>, tensor<2x3x2xf32>) -> tensor<2x1x2xf32>
  return %0 : tensor<2x1x2xf32>
}
