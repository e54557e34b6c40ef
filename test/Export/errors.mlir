// RUN: split-file %s %t
// RUN: not smelt-translate --allow-unregistered-dialect --export-onnx %t/foreign-op.mlir 2>&1 | FileCheck %s --check-prefix=FOREIGN
// RUN: not smelt-translate --export-onnx %t/two-functions.mlir 2>&1 | FileCheck %s --check-prefix=TWO

// Only the onnx dialect has an ONNX spelling.
// FOREIGN: foreign-op.mlir:3:10: error: only onnx dialect ops can be exported to ONNX

//--- foreign-op.mlir
module {
  func.func @main_graph(%x: tensor<2xf32>) -> tensor<2xf32> {
    %0 = "foo.bar"(%x) : (tensor<2xf32>) -> tensor<2xf32>
    return %0 : tensor<2xf32>
  }
}

// An ONNX model is one graph.
// TWO: error: can only export a module with one function

//--- two-functions.mlir
module {
  func.func @a(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
