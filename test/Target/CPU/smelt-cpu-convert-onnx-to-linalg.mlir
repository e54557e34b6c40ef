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
