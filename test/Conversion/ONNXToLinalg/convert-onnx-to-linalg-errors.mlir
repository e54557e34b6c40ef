// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Shapes the lowering cannot know statically are an error naming the op.
func.func @dynamic(%a: tensor<?x3xf32>, %b: tensor<?x3xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Add'}}
  %0 = onnx.Add(%a, %b) : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// An op without a lowering.
func.func @no_lowering(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.Hardmax'}}
  %0 = onnx.Hardmax(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
