// RUN: smelt-opt %s --split-input-file --smelt-cpu-record-signature | FileCheck %s

// One line per tensor, inputs then outputs: the ONNX name (or the kind and
// position when there is none), the element type with its sign (ui8 is
// u8, a boolean is bool) and the static shape (empty for a scalar). The
// names leave the function, which gets a C interface.
// CHECK: module attributes {smelt.signature = "input\09x\09f32\092,3\0Ainput\09input1\09u8\094\0Aoutput\09y\09bool\09\0Aoutput\09output1\09i16\092\0A"}
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%{{.*}}: tensor<2x3xf32>, %{{.*}}: tensor<4xui8>) -> (tensor<i1>, tensor<2xsi16>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-NOT: onnx.name
func.func @main_graph(%x: tensor<2x3xf32> {onnx.name = "x"}, %m: tensor<4xui8>) -> (tensor<i1> {onnx.name = "y"}, tensor<2xsi16>) {
  %0 = arith.constant dense<true> : tensor<i1>
  %1 = arith.constant dense<1> : tensor<2xsi16>
  return %0, %1 : tensor<i1>, tensor<2xsi16>
}

// -----

// A dimension known only at run time is '?'.
// CHECK: module attributes {smelt.signature = "input\09x\09f32\09?,3\0Aoutput\09y\09f32\09?,3\0A"}
func.func @main_graph(%x: tensor<?x3xf32> {onnx.name = "x"}) -> (tensor<?x3xf32> {onnx.name = "y"}) {
  return %x : tensor<?x3xf32>
}
