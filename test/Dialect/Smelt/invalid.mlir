// RUN: smelt-opt %s --split-input-file --verify-diagnostics

// Every verifier message of Smelt's integer ops, once: the types must say
// what the lowering computes.

func.func @conv_rank(%x: tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x4x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{needs input, weights and result of one rank, 3 to 5 (1-D to 3-D windows)}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<2x4x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x4x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_scale(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{the result's scale 2.500000e-01 must be the operands' product 1.250000e-01}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @conv_storage(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{the result must store i32, not '!quant.uniform<i16:f32, 1.250000e-01>'}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i16:f32, 0.125>>
  return
}

// -----

func.func @conv_zero_point(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{the result's zero point must be 0}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125:7>>
  return
}

// -----

func.func @conv_input_per_axis(%x: tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.5:128, 0.25:128}>>, %w: tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{its first operand must be quantized per tensor}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.5:128, 0.25:128}>>, tensor<2x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_weight_axis(%x: tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x2x1x1x!quant.uniform<i8:f32:1, {0.25, 0.125}>>) {
  // expected-error @+1 {{the second operand must be quantized per tensor or along axis 0, not 1}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x2x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x2x1x1x!quant.uniform<i8:f32:1, {0.25, 0.125}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  return
}

// -----

func.func @conv_result_axis(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) {
  // expected-error @+1 {{the result must be quantized along axis 1 as the second operand is}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_filters(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{has 2 filters for 3 output channels}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_wide_operand(%x: tensor<1x1x2x2x!quant.uniform<i16:f32, 0.5>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{its operands must store at most 8 bits}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<i16:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, %b: tensor<2x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error @+1 {{the bias must be i32 with zero point 0 and the result's scales}}
  %acc = smelt.quantized_conv(%x, %w, %b) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, tensor<2x!quant.uniform<i32:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_bias_shape(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, %b: tensor<3x!quant.uniform<i32:f32, 0.125>>) {
  // expected-error @+1 {{the bias must have one element per filter}}
  %acc = smelt.quantized_conv(%x, %w, %b) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, tensor<3x!quant.uniform<i32:f32, 0.125>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv_scale_count(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.5}>>) {
  // expected-error @+1 {{the operand has 3 scales for dimension 0 of size 2}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.5}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  return
}

// -----

func.func @conv_axis_rank(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) {
  // expected-error @+1 {{the result's quantized axis 7 is outside its rank 4}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:7, {0.125, 0.0625}>>
  return
}

// -----

func.func @conv_scale_count_result(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<1x1x1x1x!quant.uniform<i8:f32:0, {0.25}>>) {
  // expected-error @+1 {{the result has 2 scales for the second operand's 1}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x1x1x1x!quant.uniform<i8:f32:0, {0.25}>>) -> tensor<1x?x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  return
}

// -----

func.func @conv_expressed(%x: tensor<1x1x2x2x!quant.uniform<u8:f16, 0.5:128>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{its types must express the same type}}
  %acc = smelt.quantized_conv(%x, %w) : (tensor<1x1x2x2x!quant.uniform<u8:f16, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @matmul_rank(%a: tensor<3x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<3x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{needs a of rank 1 or more and b of rank 2 or more}}
  %acc = smelt.quantized_matmul(%a, %b) : (tensor<3x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @matmul_axis(%a: tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.5}>>) {
  // expected-error @+1 {{the second operand must be quantized per tensor or along axis 1, not 0}}
  %acc = smelt.quantized_matmul(%a, %b) : (tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.125, 0.5}>>) -> tensor<4x2x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @not_uniform(%a: tensor<4x!quant.any<i8:f32>>) {
  // expected-error @+1 {{the input must be !quant.uniform, not '!quant.any<i8:f32>'}}
  %y = smelt.requantize %a : tensor<4x!quant.any<i8:f32>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_shape(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{the input and the result must have one shape}}
  %y = smelt.requantize %a : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @requantize_expressed(%a: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{the input and the result must express one type}}
  %y = smelt.requantize %a : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.5>>
  return
}

// -----

func.func @requantize_axes(%a: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{the input and the result are quantized along different axes (0, 1)}}
  %y = smelt.requantize %a : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

func.func @matmul_inner(%a: tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, %b: tensor<5x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{a has 3 columns for b's 5 rows}}
  %acc = smelt.quantized_matmul(%a, %b) : (tensor<4x3x!quant.uniform<u8:f32, 0.5:128>>, tensor<5x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<4x2x!quant.uniform<i32:f32, 0.125>>
  return
}
