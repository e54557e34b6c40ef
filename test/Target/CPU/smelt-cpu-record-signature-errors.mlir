// RUN: smelt-opt %s --split-input-file --smelt-cpu-record-signature --verify-diagnostics

// The CPU target needs static shapes; the error says how to fix them.
// expected-error @+1 {{input 'x' has type 'tensor<?x3xf32>'; the CPU target needs static shapes (set them with smeltc --input-shape=x:DIMxDIM...)}}
func.func @main_graph(%x: tensor<?x3xf32> {onnx.name = "x"}) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}

// -----

// expected-error @+1 {{has no entry function @main_graph}}
module {
  func.func @other() {
    return
  }
}
