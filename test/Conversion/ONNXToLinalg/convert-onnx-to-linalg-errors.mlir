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

// -----

// An int32 input with a non-zero zero point (an accumulator's is 0): its
// requantization has no lowering.
func.func @requantize_int32_zero_point(%x: tensor<4x!quant.uniform<i32:f32, 0.5:7>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  // expected-error @+1 {{failed to legalize operation 'smelt.requantize'}}
  %y = smelt.requantize %x : tensor<4x!quant.uniform<i32:f32, 0.5:7>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25>>
}
