// RUN: smelt-opt --split-input-file --verify-diagnostics --smelt-specialize-shapes=shapes=x:5x4 %s | FileCheck %s
// The bail-outs of smelt-specialize-shapes on modules written by hand (the
// import-based cases are in smelt-specialize-shapes.onnxtext).

// expected-error @+1 {{has no function with a body to specialize}}
module {
}

// -----

// Only onnx ops can be written out for ONNX's inference.
module {
  func.func @main_graph(%arg0: tensor<?x4xf32> {onnx.name = "x"}) -> tensor<?x4xf32> {
    // expected-error @+1 {{only onnx dialect ops can be exported to ONNX}}
    %0 = arith.negf %arg0 : tensor<?x4xf32>
    return %0 : tensor<?x4xf32>
  }
}

// -----

// Inference gives the Relu [5, 4]; the module says [7, 4].
module {
  func.func @main_graph(%arg0: tensor<?x4xf32> {onnx.name = "x"}) -> tensor<7x4xf32> {
    // expected-error @+1 {{specializing the input shapes gives}}
    %0 = "onnx.Relu"(%arg0) : (tensor<?x4xf32>) -> tensor<7x4xf32>
    return %0 : tensor<7x4xf32>
  }
}

// -----

// expected-error @+1 {{input 'x' is not a tensor}}
func.func @main_graph(%arg0: i32 {onnx.name = "x"}) -> i32 {
  return %arg0 : i32
}

// -----

// The shapes fit: the Relu takes [5, 4].
// CHECK: func.func @main_graph(%arg0: tensor<5x4xf32> {onnx.name = "x"}) -> tensor<5x4xf32>
// CHECK: onnx.Relu(%arg0) : (tensor<5x4xf32>) -> tensor<5x4xf32>
func.func @main_graph(%arg0: tensor<?x4xf32> {onnx.name = "x"}) -> tensor<?x4xf32> {
  %0 = "onnx.Relu"(%arg0) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
