// RUN: smelt-opt %s --split-input-file --smelt-cpu-convert-onnx-to-linalg | FileCheck %s
// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg | FileCheck %s --check-prefix=NEUTRAL

// MatMulInteger with constant signed weights [K=5, N=2] and A's zero point
// 3: B packed as [ceil(5/4) = 2, 2, 4] (k = 4q + j at [q, n, j], zero past
// K), the accumulator starting at -3 * sum_k B[k, n] = -3 * [15, -15].
// CHECK: #[[PACKED:.*]] = affine_map<(d0, d1, d2) -> (d2 floordiv 4, d1, d2 mod 4)>
// CHECK-LABEL: func @main_graph
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[\[}}1, 2, 3, 4], [-1, -2, -3, -4]], {{\[\[}}5, 0, 0, 0], [-5, 0, 0, 0]]]> : tensor<2x2x4xi8>
// CHECK-DAG: arith.constant dense<[-45, 45]> : tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PACKED]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[B]] :
// NEUTRAL-LABEL: func @main_graph
// NEUTRAL-NOT: floordiv
// NEUTRAL-NOT: tensor<2x2x4xi8>
func.func @main_graph(%a: tensor<3x5xui8>) -> tensor<3x2xi32> {
  %b = onnx.Constant() {value = dense<[[1, -1], [2, -2], [3, -3], [4, -4], [5, -5]]> : tensor<5x2xi8>} : () -> tensor<5x2xi8>
  %az = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %0 = "onnx.MatMulInteger"(%a, %b, %az) <{operandSegmentSizes = array<i32: 1, 1, 1, 0>}> : (tensor<3x5xui8>, tensor<5x2xi8>, tensor<ui8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// QLinearConv with constant signed weights [F=3, C=2, 3, 3] and zero weight
// zero points: the input padded with its zero point (3) and one extra
// channel, so that the packed columns past K = 18 read inside it; the
// weights as rows [G=1, 3, 4 * ceil(18/4) = 20], zero past K; the
// accumulator starting at -3 * sum_k W[f, k] = -54.
// CHECK-LABEL: func @main_graph
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 1, 1, 1]
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<{{.*}}> : tensor<1x3x20xi8>
// CHECK-DAG: arith.constant dense<-54> : tensor<1x3xi32>
// CHECK: linalg.generic {{.*}} ins(%[[ROWS]], %{{.*}} : tensor<1x3x20xi8>, tensor<1x1x5x16x4xi8>)
func.func @main_graph(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x4x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2x3x3xi8>} : () -> tensor<3x2x3x3xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<3xf32>} : () -> tensor<3xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<3xi8>} : () -> tensor<3xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  return %0 : tensor<1x3x4x4xui8>
}

// -----

// Weights computed at run time: the neutral lowering, no packed layout.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: floordiv
func.func @main_graph(%a: tensor<3x5xui8>, %b: tensor<5x2xi8>) -> tensor<3x2xi32> {
  %0 = "onnx.MatMulInteger"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x5xui8>, tensor<5x2xi8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// A weight zero point that is not zero: neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: floordiv
func.func @main_graph(%a: tensor<3x5xui8>) -> tensor<3x2xi32> {
  %b = onnx.Constant() {value = dense<1> : tensor<5x2xi8>} : () -> tensor<5x2xi8>
  %az = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %bz = onnx.Constant() {value = dense<1> : tensor<i8>} : () -> tensor<i8>
  %0 = "onnx.MatMulInteger"(%a, %b, %az, %bz) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (tensor<3x5xui8>, tensor<5x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// Unsigned weights: neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: floordiv
func.func @main_graph(%a: tensor<3x5xui8>) -> tensor<3x2xi32> {
  %b = onnx.Constant() {value = dense<1> : tensor<5x2xui8>} : () -> tensor<5x2xui8>
  %0 = "onnx.MatMulInteger"(%a, %b) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<3x5xui8>, tensor<5x2xui8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}

// -----

// The same convolution with unsigned weights: VNNI multiplies unsigned
// bytes by signed ones, and the input is the unsigned side. Neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: tensor<1x3x20xi8>
// CHECK-NOT: floordiv
func.func @main_graph(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x4x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2x3x3xui8>} : () -> tensor<3x2x3x3xui8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<3xf32>} : () -> tensor<3xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<3xui8>} : () -> tensor<3xui8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xui8>, tensor<3xf32>, tensor<3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  return %0 : tensor<1x3x4x4xui8>
}

// -----

// A weight zero point that is not zero (filter 1's is 2): the packed rows
// hold the weights themselves, not the weights centred. Neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: tensor<1x3x20xi8>
// CHECK-NOT: floordiv
func.func @main_graph(%x: tensor<1x2x4x4xui8>) -> tensor<1x3x4x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2x3x3xi8>} : () -> tensor<3x2x3x3xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<3xf32>} : () -> tensor<3xf32>
  %wz = onnx.Constant() {value = dense<[0, 2, 0]> : tensor<3xi8>} : () -> tensor<3xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4x4xui8>
  return %0 : tensor<1x3x4x4xui8>
}

// -----

// Batched constant weights [2, K, N] (QLinearMatMul broadcasts them): the
// packed layout is one [ceil(K/4), N, 4] for all rows of A. Neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: floordiv
func.func @main_graph(%a: tensor<2x3x4xui8>) -> tensor<2x3x5xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %b = onnx.Constant() {value = dense<1> : tensor<2x4x5xi8>} : () -> tensor<2x4x5xi8>
  %bs = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %bz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %0 = onnx.QLinearMatMul(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x3x4xui8>, tensor<f32>, tensor<ui8>, tensor<2x4x5xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<2x3x5xui8>
  return %0 : tensor<2x3x5xui8>
}

// -----

// A 1-D convolution: the packed columns are for two spatial dimensions.
// Neutral.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: floordiv
func.func @main_graph(%x: tensor<1x2x4xui8>) -> tensor<1x3x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2x3xi8>} : () -> tensor<3x2x3xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<3xf32>} : () -> tensor<3xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<3xi8>} : () -> tensor<3xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz) {pads = [1, 1]} : (tensor<1x2x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x4xui8>
  return %0 : tensor<1x3x4xui8>
}
