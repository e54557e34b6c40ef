// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg=named-ops=false | FileCheck %s

// QLinearConv: both operands centred in int32 (the weights' zero point per
// output channel), an int32 convolution from the bias, then requantized in
// f32 with round-half-to-even and saturation to uint8.
// CHECK-LABEL: func @qlinearconv
// CHECK: arith.extui {{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: arith.extsi {{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.fptoui {{.*}} : f32 to i8
func.func @qlinearconv(%x: tensor<1x2x4x4xui8>, %xs: tensor<f32>, %xz: tensor<ui8>,
                       %w: tensor<3x2x3x3xi8>, %ws: tensor<3xf32>, %wz: tensor<3xi8>,
                       %ys: tensor<f32>, %yz: tensor<ui8>, %b: tensor<3xi32>) -> tensor<1x3x4x4xui8> {
  %0 = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b) {pads = [1, 1, 1, 1]} : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>, tensor<3xi32>) -> tensor<1x3x4x4xui8>
  return %0 : tensor<1x3x4x4xui8>
}

// -----

// QLinearMatMul: an int32 product of the centred operands, requantized to
// int8 (fptosi).
// CHECK-LABEL: func @qlinearmatmul
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.muli
// CHECK: math.roundeven
// CHECK: arith.fptosi {{.*}} : f32 to i8
func.func @qlinearmatmul(%a: tensor<2x4xi8>, %as: tensor<f32>, %az: tensor<i8>,
                         %b: tensor<4x3xi8>, %bs: tensor<f32>, %bz: tensor<i8>,
                         %ys: tensor<f32>, %yz: tensor<i8>) -> tensor<2x3xi8> {
  %0 = onnx.QLinearMatMul(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : (tensor<2x4xi8>, tensor<f32>, tensor<i8>, tensor<4x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}

// -----

// ConvInteger: int32 out, no requantization.
// CHECK-LABEL: func @convinteger
// CHECK: arith.muli
// CHECK-NOT: math.roundeven
// CHECK: return {{.*}} : tensor<1x1x2x2xi32>
func.func @convinteger(%x: tensor<1x1x3x3xui8>, %w: tensor<1x1x2x2xui8>, %xz: tensor<ui8>) -> tensor<1x1x2x2xi32> {
  %0 = onnx.ConvInteger(%x, %w, %xz) {operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (tensor<1x1x3x3xui8>, tensor<1x1x2x2xui8>, tensor<ui8>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}
