// RUN: smelt-opt %s --split-input-file | smelt-opt --split-input-file | FileCheck %s

// Ops print in the custom form and parse back; omitted optional operands are
// recorded in operandSegmentSizes.

// CHECK-LABEL: func @elementwise
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[S:.*]] = onnx.Add(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: onnx.LeakyRelu(%[[S]]) {alpha = 2.000000e-01 : f32}
  %1 = onnx.LeakyRelu(%0) {alpha = 0.2 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @optional_and_variadic
func.func @optional_and_variadic(%x: tensor<2x3xf32>, %max: tensor<f32>) -> (tensor<2x3xf32>, tensor<6x3xf32>) {
  // CHECK: onnx.Clip(%{{.*}}, %{{.*}}) {operandSegmentSizes = array<i32: 1, 0, 1>}
  %0 = onnx.Clip(%x, %max) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: onnx.Concat(%{{.*}}, %{{.*}}, %{{.*}}) {axis = 0 : i64}
  %1 = onnx.Concat(%x, %x, %x) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<6x3xf32>
}

// -----

// Sequence, optional, map and string types.
// CHECK-LABEL: func @containers
// CHECK-SAME: !onnx.seq<tensor<?xf32>>
// CHECK-SAME: !onnx.opt<tensor<2xi64>>
// CHECK-SAME: !onnx.map<!onnx.string, tensor<f32>>
func.func @containers(%s: !onnx.seq<tensor<?xf32>>, %o: !onnx.opt<tensor<2xi64>>, %m: !onnx.map<!onnx.string, tensor<f32>>, %t: tensor<3x!onnx.string>) -> (tensor<i64>, tensor<i1>) {
  // CHECK: onnx.SequenceLength(%{{.*}}) : (!onnx.seq<tensor<?xf32>>) -> tensor<i64>
  %0 = onnx.SequenceLength(%s) : (!onnx.seq<tensor<?xf32>>) -> tensor<i64>
  // CHECK: onnx.OptionalHasElement(%{{.*}}) : (!onnx.opt<tensor<2xi64>>) -> tensor<i1>
  %1 = onnx.OptionalHasElement(%o) : (!onnx.opt<tensor<2xi64>>) -> tensor<i1>
  return %0, %1 : tensor<i64>, tensor<i1>
}

// -----

// Subgraphs are regions ended by onnx.Yield; the If op's regions come in the
// schema's (sorted) attribute order: else_branch, then then_branch.
// CHECK-LABEL: func @if
func.func @if(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: "onnx.If"(%{{.*}}) ({
  // CHECK: onnx.Yield %{{.*}} : tensor<2xf32>
  // CHECK: }, {
  // CHECK: onnx.Yield %{{.*}} : tensor<2xf32>
  %0 = "onnx.If"(%c) ({
    onnx.Yield %b : tensor<2xf32>
  }, {
    onnx.Yield %a : tensor<2xf32>
  }) : (tensor<i1>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Operators of the ai.onnx.ml domain are spelled onnx.ml.<Name>.
// CHECK-LABEL: func @ml
func.func @ml(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: onnx.ml.Binarizer(%{{.*}}) {threshold = 5.000000e-01 : f32}
  %0 = onnx.ml.Binarizer(%x) {threshold = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
