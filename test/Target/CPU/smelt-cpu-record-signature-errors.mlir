// RUN: smelt-opt %s --split-input-file --smelt-cpu-record-signature --verify-diagnostics

// Dynamic dimensions are fine, but the rank must be known; the error says
// how to give it.
// expected-error @+1 {{input 'x' has type 'tensor<*xf32>'; the CPU target needs its rank (set its shape with smeltc --input-shape=x:DIMxDIM...)}}
func.func @main_graph(%x: tensor<*xf32> {onnx.name = "x"}) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

// -----

// expected-error @+1 {{has no entry function @main_graph}}
module {
  func.func @other() {
    return
  }
}

// -----

// The runtime hands the model tensors' data pointers: a memref argument
// has no entry in the signature.
// expected-error @+1 {{input 'h' has type 'memref<4xf32>'; the CPU runtime passes only tensors}}
func.func @main_graph(%h: memref<4xf32> {onnx.name = "h"}) {
  return
}

// -----

// An element type the runtime has no name for (i4 is not a whole number of
// bytes); an output without an ONNX name is called by its position.
// expected-error @+1 {{output 'output0' has element type 'i4', which the runtime cannot pass}}
func.func @main_graph(%x: tensor<4xf32> {onnx.name = "x"}) -> tensor<4xi4> {
  %0 = arith.constant dense<1> : tensor<4xi4>
  return %0 : tensor<4xi4>
}

// -----

// The signature is tab-separated, one tensor a line: a name holding a tab
// would split its line wrongly.
// expected-error @+1 {{' has a tab or newline in its name}}
func.func @main_graph(%x: tensor<4xf32> {onnx.name = "a\09b"}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
