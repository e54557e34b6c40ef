// Every compression pass works on the entry function of an imported model,
// @main_graph; a module without one is an error naming the pass.
// RUN: smelt-opt %s --smelt-fold-channel-affine --verify-diagnostics
// RUN: not smelt-opt %s --smelt-quantize-static 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: not smelt-opt %s --smelt-quantize-dynamic 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not smelt-opt %s --smelt-quantize-weights 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not smelt-opt %s --smelt-calibrate=data=x.npz 2>&1 | FileCheck %s --check-prefix=CALIBRATE
// STATIC: error: smelt-quantize-static: the module has no entry function @main_graph
// DYNAMIC: error: smelt-quantize-dynamic: the module has no entry function @main_graph
// WEIGHTS: error: smelt-quantize-weights: the module has no entry function @main_graph
// CALIBRATE: error: smelt-calibrate: the module has no entry function @main_graph

// expected-error@+1 {{smelt-fold-channel-affine: the module has no entry function @main_graph}}
module {
  func.func @other(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
