// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s
// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg=named-ops=false | FileCheck %s --check-prefix=GENERIC

// The target-neutral conversion writes contractions as upstream's named
// structured ops where one fits, in ONNX's own layouts (no target's
// packing), and generics where none does; named-ops=false (the CPU
// target's form) writes generics throughout.

// CHECK-LABEL: func @matmul
// CHECK: %[[Z:.*]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[Z]] : tensor<2x4xf32>)
// GENERIC-LABEL: func @matmul
// GENERIC-NOT: linalg.matmul
// GENERIC: linalg.generic
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %y = onnx.MatMul(%a, %b) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// One batch dimension in both operands: linalg.batch_matmul.
// CHECK-LABEL: func @batch_matmul
// CHECK: linalg.batch_matmul ins(%arg0, %arg1 : tensor<5x2x3xf32>, tensor<5x3x4xf32>)
func.func @batch_matmul(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  %y = onnx.MatMul(%a, %b) : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return %y : tensor<5x2x4xf32>
}

// -----

// A broadcast batch (one operand 2-D): no named op fits, a generic.
// CHECK-LABEL: func @broadcast_matmul
// CHECK-NOT: linalg.batch_matmul
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @broadcast_matmul(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %y = onnx.MatMul(%a, %b) : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  return %y : tensor<5x2x4xf32>
}

// -----

// Gemm with transB and a bias: B transposed first, the accumulator starts
// at the bias, one linalg.matmul.
// CHECK-LABEL: func @gemm
// CHECK: %[[BT:.*]] = linalg.transpose ins(%arg1 : tensor<4x3xf32>)
// CHECK: %[[C:.*]] = linalg.generic
// CHECK: linalg.matmul ins(%arg0, %[[BT]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[C]] : tensor<2x4xf32>)
func.func @gemm(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = onnx.Gemm(%a, %b, %c) {transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A 2-D convolution of one group, padded first, with strides and
// dilations as the named op's attributes and the bias as its start.
// CHECK-LABEL: func @conv
// CHECK: %[[X:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<4xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[X]], %arg1 : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[B]] : tensor<1x4x4x4xf32>)
// GENERIC-LABEL: func @conv
// GENERIC-NOT: linalg.conv
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %y = onnx.Conv(%x, %w, %b) {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Depthwise (a group per channel, one filter each): the filter [C, 1, K, K]
// as [C, K, K].
// CHECK-LABEL: func @depthwise
// CHECK: %[[F:.*]] = tensor.{{collapse_shape|reshape}} {{.*}}tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[F]] : tensor<1x8x10x10xf32>, tensor<8x3x3xf32>)
func.func @depthwise(%x: tensor<1x8x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32> {
  %y = onnx.Conv(%x, %w) {group = 8 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %y : tensor<1x8x8x8xf32>
}

// -----

// Two groups of 2-D windows: input, weights and result split by group.
// CHECK-LABEL: func @grouped
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>) outs(%{{.*}} : tensor<1x2x3x4x4xf32>)
func.func @grouped(%x: tensor<1x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %y = onnx.Conv(%x, %w) {group = 2 : i64, kernel_shape = [3, 3]} : (tensor<1x4x6x6xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %y : tensor<1x6x4x4xf32>
}

// -----

// 1-D and 3-D windows of one group.
// CHECK-LABEL: func @conv_1d
// CHECK: linalg.conv_1d_ncw_fcw {{.*}} ins(%arg0, %arg1 : tensor<1x2x9xf32>, tensor<3x2x3xf32>)
func.func @conv_1d(%x: tensor<1x2x9xf32>, %w: tensor<3x2x3xf32>) -> tensor<1x3x7xf32> {
  %y = onnx.Conv(%x, %w) {kernel_shape = [3]} : (tensor<1x2x9xf32>, tensor<3x2x3xf32>) -> tensor<1x3x7xf32>
  return %y : tensor<1x3x7xf32>
}

// -----

// CHECK-LABEL: func @conv_3d
// CHECK: linalg.conv_3d_ncdhw_fcdhw {{.*}} ins(%arg0, %arg1 : tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>)
func.func @conv_3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32> {
  %y = onnx.Conv(%x, %w) {kernel_shape = [2, 2, 2]} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32>
  return %y : tensor<1x3x3x3x3xf32>
}

// -----

// Groups of 1-D windows have no named op: a generic.
// CHECK-LABEL: func @grouped_1d
// CHECK-NOT: linalg.conv
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]
func.func @grouped_1d(%x: tensor<1x4x9xf32>, %w: tensor<2x2x3xf32>) -> tensor<1x2x7xf32> {
  %y = onnx.Conv(%x, %w) {group = 2 : i64, kernel_shape = [3]} : (tensor<1x4x9xf32>, tensor<2x2x3xf32>) -> tensor<1x2x7xf32>
  return %y : tensor<1x2x7xf32>
}

// -----

// An integer convolution on quantized types: the input centred on its
// zero point 128 in int32 (explicit, before the contraction), the weights
// widened, then the named convolution on int32 from the int32 bias, and
// the requantization.
// CHECK-LABEL: func @quantized_conv
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.extsi
// CHECK: linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x2x2xi32>, tensor<2x1x1x1xi32>) outs(%{{.*}} : tensor<1x2x2x2xi32>)
// CHECK: math.roundeven
func.func @quantized_conv(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<2x1x1x1xi8>, %b: tensor<2xi32>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>> {
  %wq = quant.scast %w : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %acc = smelt.quantized_conv(%x, %wq, %bq) {kernel_shape = [1, 1]} : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  %y = smelt.requantize %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>>
}

// -----

// An integer product: centred operands, linalg.matmul on int32.
// CHECK-LABEL: func @quantized_matmul
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xi32>, tensor<3x2xi32>) outs(%{{.*}} : tensor<2x2xi32>)
func.func @quantized_matmul(%a: tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>, %b: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>> {
  %acc = smelt.quantized_matmul(%a, %b) : (tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x2x!quant.uniform<i32:f32, 0.125>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32, 0.125>>
}

// -----

// Pooling over 2-D windows: the input padded with the lowest value, then
// linalg.pooling_nchw_max with the window as an operand that gives only
// its extent.
// CHECK-LABEL: func @max_pool
// CHECK: %[[X:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[K:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[X]], %[[K]] : tensor<1x2x10x10xf32>, tensor<3x3xf32>)
// GENERIC-LABEL: func @max_pool
// GENERIC-NOT: linalg.pooling
func.func @max_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %y = onnx.MaxPool(%x) {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Average pooling: window sums (linalg.pooling_nchw_sum) over the input,
// times the reciprocal of the cells each window counts, a constant of the
// output's map: 4 at the corners, 6 on the edges, 9 inside (the padding
// not counted).
// CHECK-LABEL: func @average_pool
// CHECK: linalg.pooling_nchw_sum
// CHECK-NOT: linalg.pooling_nchw_sum
// CHECK: %[[R:.*]] = arith.constant dense<{{\[\[}}2.500000e-01, 0.166666672, 0.166666672, 0.166666672], [0.166666672, 0.111111112, 0.111111112, 0.111111112]
// CHECK-SAME: tensor<4x4xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[R]] : tensor<1x2x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.mulf
func.func @average_pool(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %y = onnx.AveragePool(%x) {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// With count_include_pad every window counts 9: one scalar.
// CHECK-LABEL: func @average_pool_include_pad
// CHECK: linalg.pooling_nchw_sum
// CHECK: %[[R:.*]] = arith.constant dense<0.111111112> : tensor<f32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[R]] : tensor<1x2x4x4xf32>, tensor<f32>)
func.func @average_pool_include_pad(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %y = onnx.AveragePool(%x) {count_include_pad = 1 : i64, kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Integer max pooling (uint8, the fused QDQ form) has no NCHW named op:
// a generic with an unsigned maximum.
// CHECK-LABEL: func @max_pool_uint8
// CHECK-NOT: linalg.pooling
// CHECK: arith.maxui
func.func @max_pool_uint8(%x: tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8> {
  %y = onnx.MaxPool(%x) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x2x4x4xui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}
