// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg=named-ops=false | FileCheck %s

// Broadcasting: the [3] operand repeats along the first dimension.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[INIT]] : tensor<2x3xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A size-1 dimension that broadcasts is dropped from the operand, so that
// its map is a projected permutation (reshapes move through such ops).
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @mul_column
// CHECK: %[[B:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x1xi32> into tensor<2xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[B]] :
// CHECK: arith.muli
func.func @mul_column(%a: tensor<2x3xi32>, %b: tensor<2x1xi32>) -> tensor<2x3xi32> {
  %0 = onnx.Mul(%a, %b) : (tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

// Unsigned elements become signless; the op keeps the unsigned meaning.
// CHECK-LABEL: func @div_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
// CHECK-LABEL: func @div_signed
// CHECK: arith.divsi
func.func @div_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = onnx.Div(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
func.func @div_signed(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  %0 = onnx.Div(%a, %b) : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Clip with only a maximum; Cast float to int truncates toward zero.
// CHECK-LABEL: func @clip_cast
// CHECK: arith.minimumf
// CHECK-NOT: arith.maximumf
// CHECK: arith.fptosi {{.*}} : f32 to i64
func.func @clip_cast(%x: tensor<4xf32>, %hi: tensor<f32>) -> tensor<4xi64> {
  %0 = onnx.Clip(%x, %hi) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = onnx.Cast(%0) {to = 7 : i64} : (tensor<4xf32>) -> tensor<4xi64>
  return %1 : tensor<4xi64>
}

// -----

// 2-D MatMul accumulates into zero, iterating (m, k, n) so that the
// innermost loop runs along rows of B and C.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func @matmul
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[ZERO]] : tensor<2x4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Batched MatMul broadcasts the batch dimensions and reduces over k.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-LABEL: func @batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @batch_matmul(%a: tensor<5x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<5x2x4xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<5x2x3xf32>, tensor<3x4xf32>) -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// -----

// Gemm with transB, alpha and a broadcast bias: B is transposed first so
// every loop of the product stays contiguous.
// CHECK-LABEL: func @gemm
// CHECK: linalg.transpose ins(%{{.*}} : tensor<4x3xf32>) outs(%{{.*}} : tensor<3x4xf32>) permutation = [1, 0]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.constant 2.000000e+00 : f32
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @gemm(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = onnx.Gemm(%a, %b, %c) {alpha = 2.0 : f32, transB = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Reshape-like ops reshape to the known result shape; the shape operand is
// not needed. Shape of a static input is a constant.
// CHECK-LABEL: func @reshape
// CHECK: %[[SHAPE:.*]] = arith.constant dense<[3, 2]> : tensor<2xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
// CHECK: arith.constant dense<[2, 3]> : tensor<2xi64>
func.func @reshape(%x: tensor<2x3xf32>, %s: tensor<2xi64>) -> (tensor<3x2xf32>, tensor<2xi64>) {
  %0 = onnx.Reshape(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  %1 = onnx.Shape(%x) : (tensor<2x3xf32>) -> tensor<2xi64>
  return %0, %1 : tensor<3x2xf32>, tensor<2xi64>
}

// -----

// CHECK-LABEL: func @transpose_concat
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [3, 2] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[3, 0] [3, 2] [1, 1]
func.func @transpose_concat(%x: tensor<2x3xf32>) -> tensor<6x2xf32> {
  %0 = onnx.Transpose(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = onnx.Concat(%0, %0) {axis = 0 : i64} : (tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<6x2xf32>
  return %1 : tensor<6x2xf32>
}

// -----

// Constants keep their data (resource blobs stay resource blobs) and drop
// the sign from their element type.
// CHECK-LABEL: func @constants
// CHECK: arith.constant dense<[1, 2, -1]> : tensor<3xi8>
func.func @constants() -> tensor<3xui8> {
  %0 = onnx.Constant() {value = dense<[1, 2, 255]> : tensor<3xui8>} : () -> tensor<3xui8>
  return %0 : tensor<3xui8>
}

// -----

// A dynamic batch: each result's size comes from an operand's, read with
// tensor.dim; a bias broadcast over a product's rows takes them from A.
// CHECK-LABEL: func @dynamic_batch
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK: %[[M:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: tensor.empty(%[[M]]) : tensor<?x2xf32>
// CHECK: ins(%{{.*}}, %arg1 : tensor<?x3xf32>, tensor<3x2xf32>)
// CHECK-SAME: outs(%{{.*}} : tensor<?x2xf32>)
func.func @dynamic_batch(%a: tensor<?x3xf32>, %w: tensor<3x2xf32>, %bias: tensor<2xf32>) -> tensor<?x2xf32> {
  %0 = onnx.Relu(%a) : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %1 = onnx.Gemm(%0, %w, %bias) : (tensor<?x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %1 : tensor<?x2xf32>
}

// -----

// A batched product with a dynamic batch: the result's batch is the lhs's
// (the rhs has none), its rows and columns static.
// CHECK-LABEL: func @dynamic_batched_matmul
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[N]]) : tensor<?x2x4xf32>
func.func @dynamic_batched_matmul(%a: tensor<?x2x3xf32>, %b: tensor<3x4xf32>) -> tensor<?x2x4xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<?x2x3xf32>, tensor<3x4xf32>) -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}
