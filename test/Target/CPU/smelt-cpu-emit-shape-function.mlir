// RUN: smelt-opt %s --split-input-file --smelt-cpu-emit-shape-function --verify-diagnostics | FileCheck %s

// The output's dynamic batch is the input's: @smelt_shapes keeps only that
// size, read from its argument; the computation goes.
// CHECK-LABEL: func.func @main_graph
// CHECK-LABEL: func.func @smelt_shapes(%arg0: tensor<?x3xf32>) -> tensor<1xi64>
// CHECK-SAME: llvm.emit_c_interface
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[N:.*]] = tensor.dim %arg0, %[[C0]]
// CHECK-NEXT: %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT: %[[ALL:.*]] = tensor.from_elements %[[N64]] : tensor<1xi64>
// CHECK-NEXT: return %[[ALL]]
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {smelt.signature = "input\09x\09f32\09?,3\0Aoutput\09y\09f32\09?,3\0A"} {
  func.func @main_graph(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %x, %c0 : tensor<?x3xf32>
    %empty = tensor.empty(%n) : tensor<?x3xf32>
    %y = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x3xf32>) outs(%empty : tensor<?x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      %e = math.exp %in : f32
      linalg.yield %e : f32
    } -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}

// -----

// Static outputs need no shape function.
// CHECK-LABEL: func.func @main_graph
// CHECK-NOT: smelt_shapes
module {
  func.func @main_graph(%x: tensor<?x3xf32>) -> tensor<3xf32> {
    %cst = arith.constant dense<1.0> : tensor<3xf32>
    return %cst : tensor<3xf32>
  }
}

// -----

// A size the model computes from values (here read from an input) is an
// error naming the output and the node; no shape function is left behind.
module attributes {smelt.signature = "input\09k\09i64\09\0Aoutput\09y\09f32\09?\0A"} {
  // expected-error @+1 {{output 'y' has a size that depends on values the model computes (at node 'count'); the CPU target sizes outputs from the inputs' shapes only (fix them with smeltc --input-shape)}}
  func.func @main_graph(%k: tensor<i64>) -> tensor<?xf32> {
    %v = tensor.extract %k[] : tensor<i64> loc("count")
    %n = arith.index_cast %v : i64 to index
    %y = tensor.empty(%n) : tensor<?xf32>
    return %y : tensor<?xf32>
  }
}
