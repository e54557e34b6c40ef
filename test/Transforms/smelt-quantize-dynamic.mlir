// RUN: smelt-opt %s --split-input-file --smelt-quantize-dynamic | FileCheck %s
// RUN: smelt-opt %s --split-input-file --smelt-quantize-dynamic=exclude=fc,MatMul | FileCheck %s --check-prefix=EXCLUDED

// Functions are told apart by their input's onnx.name, which every
// function's label names (every one is @main_graph, the pass's entry).

// A MatMul with constant [K, N] weights: int8 per output column, scale
// max |w[:, n]| / 127, rounded half to even; activations through
// DynamicQuantizeLinear, MatMulInteger with A's zero point and none for
// B, the int32 product cast to f32 (to = 1) and scaled by x_scale * w_scale.
// Column 0: max 127 -> scale 1; 1.5 -> 2, -2.5 -> -2 (halves to even).
// Column 1: max 63.5 -> scale 0.5; 0.75 / 0.5 = 1.5 -> 2, -63.5 -> -127,
//   1.25 / 0.5 = 2.5 -> 2.
// Column 2: all zero -> scale 1 (not 0 / 127), integers 0.
// The float weights are erased.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "mm_x"})
// CHECK-NOT: tensor<3x3xf32>
// CHECK-DAG: %[[WQ:.*]] = onnx.Constant() {onnx.name = "w_quantized", value = dense<{{\[\[}}127, 2, 0], [2, -127, 0], [-2, 2, 0]]> : tensor<3x3xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {onnx.name = "w_scale", value = dense<[1.000000e+00, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>}
// CHECK: %[[Q:[^ ,]+]], %[[QS:[^ ,]+]], %[[QZ:[^ ,]+]] = onnx.DynamicQuantizeLinear(%arg0) : (tensor<4x3xf32>) -> (tensor<4x3xui8>, tensor<f32>, tensor<ui8>)
// CHECK: %[[ACC:.*]] = onnx.MatMulInteger(%[[Q]], %[[WQ]], %[[QZ]]) {operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (tensor<4x3xui8>, tensor<3x3xi8>, tensor<ui8>) -> tensor<4x3xi32>
// CHECK: %[[F:.*]] = onnx.Cast(%[[ACC]]) {to = 1 : i64} : (tensor<4x3xi32>) -> tensor<4x3xf32>
// CHECK: %[[S:.*]] = onnx.Mul(%[[QS]], %[[WS]]) : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[Y:.*]] = onnx.Mul(%[[F]], %[[S]]) : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// CHECK-NOT: onnx.MatMul(
// CHECK: return %[[Y]]
// Excluded by op type (MatMul): float, with its float weights.
// EXCLUDED-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "mm_x"})
// EXCLUDED-NOT: onnx.DynamicQuantizeLinear
// EXCLUDED: %[[W:.*]] = onnx.Constant() {onnx.name = "w", {{.*}} : tensor<3x3xf32>
// EXCLUDED: onnx.MatMul(%arg0, %[[W]])
func.func @main_graph(%x: tensor<4x3xf32> {onnx.name = "mm_x"}) -> tensor<4x3xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[127.0, 0.75, 0.0], [1.5, -63.5, 0.0], [-2.5, 1.25, 0.0]]> : tensor<3x3xf32>} : () -> tensor<3x3xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<4x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32> loc("mm")
  return %0 : tensor<4x3xf32>
}

// -----

// A Gemm with transB = 1 ([N, K] weights) and a bias: the int8 weights
// are stored [K, N] for MatMulInteger, scales per output (row of B), and
// the bias is added to the scaled product.
// Row 0 [0.5, -1.984375, 0.0390625]: max 1.984375 = 127 / 64 -> scale
//   1/64 = 0.015625; 0.5 * 64 = 32, -127, 0.0390625 * 64 = 2.5 -> 2.
// Row 1 [254, 3, -5]: max 254 -> scale 2; 127, 1.5 -> 2, -2.5 -> -2.
// Stored transposed: [[32, 127], [-127, 2], [2, -2]].
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xf32> {onnx.name = "gemm_x"})
// CHECK-DAG: %[[B:.*]] = onnx.Constant() {onnx.name = "fc.bias", value = dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>}
// CHECK-DAG: %[[WQ:.*]] = onnx.Constant() {onnx.name = "fc.weight_quantized", value = dense<{{\[\[}}32, 127], [-127, 2], [2, -2]]> : tensor<3x2xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {onnx.name = "fc.weight_scale", value = dense<[1.562500e-02, 2.000000e+00]> : tensor<2xf32>}
// CHECK: %[[Q:[^ ,]+]], %[[QS:[^ ,]+]], %[[QZ:[^ ,]+]] = onnx.DynamicQuantizeLinear(%arg0) : (tensor<1x3xf32>) -> (tensor<1x3xui8>, tensor<f32>, tensor<ui8>)
// CHECK: %[[ACC:.*]] = onnx.MatMulInteger(%[[Q]], %[[WQ]], %[[QZ]]) {operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (tensor<1x3xui8>, tensor<3x2xi8>, tensor<ui8>) -> tensor<1x2xi32>
// CHECK: %[[F:.*]] = onnx.Cast(%[[ACC]]) {to = 1 : i64}
// CHECK: %[[S:.*]] = onnx.Mul(%[[QS]], %[[WS]])
// CHECK: %[[P:.*]] = onnx.Mul(%[[F]], %[[S]]) : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK: %[[Y:.*]] = onnx.Add(%[[P]], %[[B]]) : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK-NOT: onnx.Gemm
// CHECK: return %[[Y]]
// Excluded by node name (fc).
// EXCLUDED-LABEL: func @main_graph(%arg0: tensor<1x3xf32> {onnx.name = "gemm_x"})
// EXCLUDED-NOT: onnx.DynamicQuantizeLinear
// EXCLUDED: onnx.Gemm
func.func @main_graph(%x: tensor<1x3xf32> {onnx.name = "gemm_x"}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "fc.weight", value = dense<[[0.5, -1.984375, 0.0390625], [254.0, 3.0, -5.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = onnx.Constant() {onnx.name = "fc.bias", value = dense<[1.0, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = onnx.Gemm(%x, %w, %b) {transB = 1 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  return %0 : tensor<1x2xf32>
}

// -----

// Weights computed at run time (a function argument): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "runtime_x"}
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul(%arg0, %arg1)
func.func @main_graph(%x: tensor<4x3xf32> {onnx.name = "runtime_x"}, %w: tensor<3x2xf32>) -> tensor<4x2xf32> {
  %0 = onnx.MatMul(%x, %w) : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// Constant weights that are not f32 (f64): the pass reads f32 only, float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf64> {onnx.name = "f64_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul
func.func @main_graph(%x: tensor<4x3xf64> {onnx.name = "f64_x"}) -> tensor<4x2xf64> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf64>} : () -> tensor<3x2xf64>
  %0 = onnx.MatMul(%x, %w) : (tensor<4x3xf64>, tensor<3x2xf64>) -> tensor<4x2xf64>
  return %0 : tensor<4x2xf64>
}

// -----

// A Gemm that transposes A: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<3x4xf32> {onnx.name = "trans_a_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.Gemm
func.func @main_graph(%x: tensor<3x4xf32> {onnx.name = "trans_a_x"}) -> tensor<4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.Gemm(%x, %w) {transA = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A Gemm with alpha != 1: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "alpha_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.Gemm
func.func @main_graph(%x: tensor<4x3xf32> {onnx.name = "alpha_x"}) -> tensor<4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.Gemm(%x, %w) {alpha = 2.0 : f32} : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A Gemm with beta != 1 (the bias scaled): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "beta_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.Gemm
func.func @main_graph(%x: tensor<4x3xf32> {onnx.name = "beta_x"}) -> tensor<4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %b = onnx.Constant() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = onnx.Gemm(%x, %w, %b) {beta = 0.5 : f32} : (tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// A batched MatMul (3-D activations; MatMulInteger is lowered 2-D only):
// float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x4x3xf32> {onnx.name = "batched_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul
func.func @main_graph(%x: tensor<2x4x3xf32> {onnx.name = "batched_x"}) -> tensor<2x4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<2x4x3xf32>, tensor<3x2xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}

// -----

// 3-D constant weights (a stack of matrices): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<4x3xf32> {onnx.name = "stacked_w_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul
func.func @main_graph(%x: tensor<4x3xf32> {onnx.name = "stacked_w_x"}) -> tensor<2x4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x3x2xf32>} : () -> tensor<2x3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<4x3xf32>, tensor<2x3x2xf32>) -> tensor<2x4x2xf32>
  return %0 : tensor<2x4x2xf32>
}

// -----

// A result of dynamic shape (rows unknown until run time): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<?x3xf32> {onnx.name = "dynamic_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul
func.func @main_graph(%x: tensor<?x3xf32> {onnx.name = "dynamic_x"}) -> tensor<?x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// Unranked activations: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<*xf32> {onnx.name = "unranked_x"})
// CHECK-NOT: onnx.DynamicQuantizeLinear
// CHECK: onnx.MatMul
func.func @main_graph(%x: tensor<*xf32> {onnx.name = "unranked_x"}) -> tensor<4x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<*xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}
