// RUN: smelt-opt %s --smelt-cpu-pipeline | FileCheck %s

// The pipeline ends in the LLVM dialect with the runtime's two symbols: the
// signature (names, element types with their sign, shapes) and smelt_run,
// which builds a descriptor per buffer and calls the C interface.

// CHECK-DAG: llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\092,3\0Ainput\09u\09u8\094\0Aoutput\09y\09f32\092,3\0Aoutput\09v\09u8\094\0A\00")
// CHECK-DAG: llvm.func @_mlir_ciface_main_graph(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-LABEL: llvm.func @smelt_run(%{{.*}}: !llvm.ptr)
// CHECK: llvm.alloca
// CHECK: llvm.call @_mlir_ciface_main_graph
module {
  func.func @main_graph(%x: tensor<2x3xf32> {onnx.name = "x"}, %u: tensor<4xui8> {onnx.name = "u"}) -> (tensor<2x3xf32> {onnx.name = "y"}, tensor<4xui8> {onnx.name = "v"}) {
    %0 = onnx.Relu(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
    %1 = onnx.Add(%u, %u) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
    return %0, %1 : tensor<2x3xf32>, tensor<4xui8>
  }
}
