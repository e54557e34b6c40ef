// RUN: smelt-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-elementwise{vector-bits=512 explain-kernels=true}))'

// explain-kernels: an elementwise generic left scalar says why; one that
// is vectorized says nothing (verify-diagnostics fails on a remark no case
// expects).

#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @vectorized(%a: memref<4x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows of 7 (a 7x7 feature map) at 16 lanes run as masked vectors, but
// not an integer division: its masked-off lanes would divide by zero.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @short_rows(%a: memref<7x7xi32>, %c: memref<7x7xi32>) {
  // expected-remark @+1 {{scalar elementwise loop: its rows of 7 elements are shorter than one vector of 16 lanes, and cannot run masked}}
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<7x7xi32>) outs(%c : memref<7x7xi32>) {
  ^bb0(%x: i32, %o: i32):
    %s = arith.divsi %x, %x : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A transcendental the pass has no vector form for.
#id = affine_map<(d0) -> (d0)>
func.func @tanh(%a: memref<32xf32>, %c: memref<32xf32>) {
  // expected-remark @+1 {{scalar elementwise loop: its body has math.tanh, which has no vector form here}}
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%a : memref<32xf32>) outs(%c : memref<32xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = math.tanh %x : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// A transpose tile needs a quarter of a vector along the loop the input
// is contiguous along.
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_short(%a: memref<32x3xf32>, %c: memref<3x32xf32>) {
  // expected-remark @+1 {{scalar elementwise loop: an input read transposed is contiguous along a loop of 3 iterations, under a quarter of a vector of 16 lanes}}
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<32x3xf32>) outs(%c : memref<3x32xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  return
}

// -----

// Two inputs transposed along different loops: no one tile serves both.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#a = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
func.func @two_tiles(%x: memref<32x16xf32>, %y: memref<32x16xf32>, %c: memref<16x16x32xf32>) {
  // expected-remark @+1 {{scalar elementwise loop: two inputs are read transposed along different loops}}
  linalg.generic {indexing_maps = [#a, #b, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %y : memref<32x16xf32>, memref<32x16xf32>) outs(%c : memref<16x16x32xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  }
  return
}
