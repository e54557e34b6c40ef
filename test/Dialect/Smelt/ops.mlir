// RUN: smelt-opt %s --split-input-file | smelt-opt --split-input-file | FileCheck %s
// RUN: smelt-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=FOLD

// Smelt's integer ops on !quant.uniform tensors print and parse back; the
// types carry every scale and zero point.

// A per-channel convolution with a bias: the accumulator's scales are
// x_scale * w_scale per output channel (axis 1).
// CHECK-LABEL: func @conv
// CHECK: smelt.quantized_conv(%arg0, %arg1, %arg2) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 5.000000e-01:128>>, tensor<2x2x3x3x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02}>>) -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK: smelt.requantize %{{.*}} : tensor<1x2x4x4x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 1.000000e-01:3>>
func.func @conv(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>,
                %w: tensor<2x2x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>,
                %b: tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>)
    -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> {
  %acc = smelt.quantized_conv(%x, %w, %b) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]}
      : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>,
         tensor<2x2x3x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>,
         tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>)
      -> tensor<1x2x4x4x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  %y = smelt.requantize %acc : tensor<1x2x4x4x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// A per-tensor product of signed operands, without a bias.
// CHECK-LABEL: func @matmul
// CHECK: smelt.quantized_matmul(%arg0, %arg1) : (tensor<4x3x!quant.uniform<i8:f32, 2.000000e-01:-5>>, tensor<3x2x!quant.uniform<i8:f32, 5.000000e-01>>) -> tensor<4x2x!quant.uniform<i32:f32, 1.000000e-01>>
func.func @matmul(%a: tensor<4x3x!quant.uniform<i8:f32, 0.2:-5>>,
                  %b: tensor<3x2x!quant.uniform<i8:f32, 0.5>>)
    -> tensor<4x2x!quant.uniform<i32:f32, 0.1>> {
  %acc = smelt.quantized_matmul(%a, %b)
      : (tensor<4x3x!quant.uniform<i8:f32, 0.2:-5>>, tensor<3x2x!quant.uniform<i8:f32, 0.5>>)
      -> tensor<4x2x!quant.uniform<i32:f32, 0.1>>
  return %acc : tensor<4x2x!quant.uniform<i32:f32, 0.1>>
}

// -----

// Per-column weights: the accumulator is per axis along its last dimension.
// CHECK-LABEL: func @matmul_per_column
// CHECK: -> tensor<2x4x2x!quant.uniform<i32:f32:2, {1.000000e-01,2.000000e-01}>>
func.func @matmul_per_column(%a: tensor<2x4x3x!quant.uniform<u8:f32, 0.2:10>>,
                             %b: tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 1.0}>>)
    -> tensor<2x4x2x!quant.uniform<i32:f32:2, {0.1, 0.2}>> {
  %acc = smelt.quantized_matmul(%a, %b)
      : (tensor<2x4x3x!quant.uniform<u8:f32, 0.2:10>>, tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 1.0}>>)
      -> tensor<2x4x2x!quant.uniform<i32:f32:2, {0.1, 0.2}>>
  return %acc : tensor<2x4x2x!quant.uniform<i32:f32:2, {0.1, 0.2}>>
}

// -----

// A requantization to the type it already has folds away; to another type
// it stays.
// FOLD-LABEL: func @requantize_same
// FOLD-NEXT: return %arg0
func.func @requantize_same(%x: tensor<4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<u8:f32, 0.1:3>> {
  %y = smelt.requantize %x : tensor<4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// FOLD-LABEL: func @requantize_other
// FOLD-NEXT: smelt.requantize
func.func @requantize_other(%x: tensor<4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>> {
  %y = smelt.requantize %x : tensor<4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.2>>
}
