// RUN: smelt-opt %s --split-input-file --smelt-fold-channel-affine | FileCheck %s

// A BatchNormalization and a Mul by a per-channel constant after a Conv
// fold into its weights and bias: y = (x * w + b) * s + t with
// s = gamma / sqrt(var + eps), t = beta - mean * s; then * [2, 3].
// CHECK-LABEL: func @main_graph
// CHECK-DAG: %[[W:.*]] = onnx.Constant() {onnx.name = "conv_folded_weights", value = dense<[{{\[\[\[}}2.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>}
// CHECK-DAG: %[[B:.*]] = onnx.Constant() {onnx.name = "conv_folded_bias", value = dense<[2.000000e+00, 6.000000e+00]> : tensor<2xf32>}
// CHECK: %[[Y:.*]] = onnx.Conv(%{{.*}}, %[[W]], %[[B]])
// CHECK-NOT: onnx.BatchNormalization
// CHECK-NOT: onnx.Mul
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = onnx.Constant() {value = dense<[0.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %gamma = onnx.Constant() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %beta = onnx.Constant() {value = dense<[1.0, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %mean = onnx.Constant() {value = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %var = onnx.Constant() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = onnx.Constant() {value = dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>} : () -> tensor<2x1x1xf32>
  %0 = onnx.Conv(%x, %w, %b) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  %1 = "onnx.BatchNormalization"(%0, %gamma, %beta, %mean, %var) <{epsilon = 0.0 : f32, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %2 = onnx.Mul(%1, %s) : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// A Conv whose output has a second reader keeps its affine op: folding
// would change what the other reader sees.
// CHECK-LABEL: func @main_graph
// CHECK: onnx.Conv
// CHECK: onnx.Add
func.func @main_graph(%x: tensor<1x1x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %t = onnx.Constant() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = onnx.Conv(%x, %w) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = onnx.Add(%0, %t) : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// An affine op by a value computed at run time, or by a constant that is
// not per channel, stays.
// CHECK-LABEL: func @main_graph
// CHECK: onnx.Conv
// CHECK: onnx.Mul
// CHECK: onnx.Add
func.func @main_graph(%x: tensor<1x1x2x2xf32>, %s: tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %t = onnx.Constant() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Conv(%x, %w) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = onnx.Mul(%0, %s) : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %2 = onnx.Add(%1, %t) : (tensor<1x2x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// Weights computed at run time, a bias that is not constant, and a Sub
// that subtracts the Conv's output: nothing folds.
// CHECK-LABEL: func @main_graph
// CHECK: onnx.Conv(%{{.*}}, %arg1)
// CHECK: onnx.Add
// CHECK: onnx.Conv(%{{.*}}, %{{.*}}, %arg2)
// CHECK: onnx.Add
// CHECK: onnx.Conv
// CHECK: onnx.Sub
func.func @main_graph(%x: tensor<1x1x2x2xf32>, %wr: tensor<2x1x1x1xf32>, %br: tensor<2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %t = onnx.Constant() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = onnx.Conv(%x, %wr) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = onnx.Add(%0, %t) : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %2 = onnx.Conv(%x, %w, %br) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %3 = onnx.Add(%2, %t) : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %4 = onnx.Conv(%x, %w) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %5 = onnx.Sub(%t, %4) : (tensor<1xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %1, %3, %5 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// An ungrouped ConvTranspose folds (its output channels are the weights'
// axis 1: [1, 2, 1, 1] times [2, 3] gives [2, 3]); a grouped one does not.
// CHECK-LABEL: func @main_graph
// CHECK: onnx.Constant() {onnx.name = "up_folded_weights", value = dense<[{{\[\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]]]]> : tensor<1x2x1x1xf32>}
// CHECK: onnx.ConvTranspose
// CHECK-NOT: onnx.Mul(
// CHECK: onnx.ConvTranspose
// CHECK: onnx.Mul
func.func @main_graph(%x: tensor<1x1x2x2xf32>, %y: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %s = onnx.Constant() {value = dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>} : () -> tensor<2x1x1xf32>
  %0 = onnx.ConvTranspose(%x, %w) : (tensor<1x1x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32> loc("up")
  %1 = onnx.Mul(%0, %s) : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %g = onnx.Constant() {value = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %2 = onnx.ConvTranspose(%y, %g) {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %3 = onnx.Mul(%2, %s) : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %1, %3 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}
