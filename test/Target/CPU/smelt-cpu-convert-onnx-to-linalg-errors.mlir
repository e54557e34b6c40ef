// RUN: smelt-opt %s --split-input-file --smelt-cpu-convert-onnx-to-linalg --verify-diagnostics

// Three channels in two groups: the packed convolution declines (C is not
// a multiple of the group count), and so does the neutral lowering, so the
// op is reported rather than packed with a channel left out.
func.func @main_graph(%x: tensor<1x3x4x4xui8>) -> tensor<1x2x4x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x1x3x3xi8>} : () -> tensor<2x1x3x3xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  // expected-error @+1 {{failed to legalize operation 'onnx.QLinearConv'}}
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {group = 2 : i64, pads = [1, 1, 1, 1]} : (tensor<1x3x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x4x4xui8>
  return %0 : tensor<1x2x4x4xui8>
}
