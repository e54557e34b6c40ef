// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg --verify-diagnostics

// Window ops take a dynamic batch only: dynamic spatial sizes are an error
// naming the op, with a note on how to fix them.
func.func @dynamic(%x: tensor<1x1x?x?xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x?x?xf32> {
  // expected-error @+2 {{failed to legalize operation 'onnx.Conv'}}
  // expected-note @+1 {{this op has dimensions known only at run time, which its lowering does not take yet: fix them with smeltc --input-shape=NAME:DIMxDIM... (input_shapes= in Python)}}
  %0 = onnx.Conv(%x, %w) {kernel_shape = [3, 3]} : (tensor<1x1x?x?xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x?x?xf32>
  return %0 : tensor<1x1x?x?xf32>
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

// -----

// Inner dimensions that differ (A has 4 columns, B 5 rows), which ONNX's
// shape inference would have refused: no lowering, not invalid IR.
func.func @matmul_inner_dimensions(%a: tensor<3x4xf32>, %b: tensor<5x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.MatMul'}}
  %y = onnx.MatMul(%a, %b) : (tensor<3x4xf32>, tensor<5x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @matmul_integer_inner_dimensions(%a: tensor<3x4xui8>, %b: tensor<5x2xi8>) -> tensor<3x2xi32> {
  // expected-error @+1 {{failed to legalize operation 'onnx.MatMulInteger'}}
  %y = onnx.MatMulInteger(%a, %b) {operandSegmentSizes = array<i32: 1, 1, 0, 0>} : (tensor<3x4xui8>, tensor<5x2xi8>) -> tensor<3x2xi32>
  return %y : tensor<3x2xi32>
}

// -----

func.func @qlinear_matmul_inner_dimensions(%a: tensor<3x4xui8>, %b: tensor<5x2xi8>, %s: tensor<f32>, %az: tensor<ui8>, %bz: tensor<i8>) -> tensor<3x2xui8> {
  // expected-error @+1 {{failed to legalize operation 'onnx.QLinearMatMul'}}
  %y = onnx.QLinearMatMul(%a, %s, %az, %b, %s, %bz, %s, %az) : (tensor<3x4xui8>, tensor<f32>, tensor<ui8>, tensor<5x2xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<3x2xui8>
  return %y : tensor<3x2xui8>
}

// -----

// Dropout in training mode with a ratio other than a constant 0 would draw
// random numbers: an error naming the op.
func.func @dropout_training(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %t = onnx.Constant() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
  // expected-error @+1 {{failed to legalize operation 'onnx.Dropout'}}
  %y = onnx.Dropout(%x, %r, %t) {operandSegmentSizes = array<i32: 1, 1, 1>, seed = 0 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
