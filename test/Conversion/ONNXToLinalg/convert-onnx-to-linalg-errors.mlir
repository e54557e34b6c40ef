// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Shapes the lowering cannot know statically are an error naming the op.
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Add'}}
  %0 = onnx.Add(%a, %b) : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// An op without a lowering.
func.func @no_lowering(%a: tensor<3x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Det'}}
  %0 = onnx.Det(%a) : (tensor<3x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
