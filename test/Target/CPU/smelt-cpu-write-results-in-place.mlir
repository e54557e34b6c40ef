// RUN: smelt-opt %s --split-input-file --smelt-cpu-write-results-in-place | FileCheck %s

// A result computed as [1, 1, 96, 12544] (a Conv's groups and flattened
// plane) and returned as [1, 96, 112, 112] through reshapes: the buffer it
// is computed in becomes a view of the out-parameter, and the copy goes.

// CHECK-LABEL: func.func @reshaped_result
// CHECK-SAME: (%[[IN:.*]]: memref<1x96x12544xf32>, %[[OUT:.*]]: memref<1x96x112x112xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1, 2, 3]] : memref<1x96x112x112xf32> into memref<1204224xf32>
// CHECK: %[[VIEW:.*]] = memref.expand_shape %[[FLAT]] {{\[}}[0, 1, 2, 3]] output_shape [1, 1, 96, 12544] : memref<1204224xf32> into memref<1x1x96x12544xf32>
// CHECK: %[[GROUPS:.*]] = memref.collapse_shape %[[VIEW]]
// CHECK: linalg.generic {{.*}} outs(%[[GROUPS]] : memref<1x96x12544xf32>)
// CHECK-NOT: memref.copy
// CHECK: return
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @reshaped_result(%in: memref<1x96x12544xf32>, %out: memref<1x96x112x112xf32>) {
  %alloc = memref.alloc() {alignment = 64 : i64} : memref<1x1x96x12544xf32>
  %groups = memref.collapse_shape %alloc [[0, 1], [2], [3]] : memref<1x1x96x12544xf32> into memref<1x96x12544xf32>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%in : memref<1x96x12544xf32>) outs(%groups : memref<1x96x12544xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %a : f32
    linalg.yield %m : f32
  }
  %plane = memref.expand_shape %groups [[0], [1], [2, 3]] output_shape [1, 96, 112, 112] : memref<1x96x12544xf32> into memref<1x96x112x112xf32>
  memref.copy %plane, %out : memref<1x96x112x112xf32> to memref<1x96x112x112xf32>
  return
}

// -----

// The buffer is not the result's alone: the copy stays where the
// out-parameter has another use, where the source is an input, a slice (not
// dense), allocated inside a loop, or reached through a view of dynamic
// shape.

// CHECK-LABEL: func.func @kept
// CHECK-COUNT-5: memref.copy
func.func @kept(%in: memref<8x4xf32>, %a: memref<8x4xf32>, %b: memref<4x4xf32>, %c: memref<8x4xf32>, %d: memref<2x4xf32>, %e: memref<2x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%one : memref<8x4xf32>)
  memref.copy %one, %a : memref<8x4xf32> to memref<8x4xf32>
  memref.store %zero, %a[%c0, %c0] : memref<8x4xf32>
  %big = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%big : memref<8x4xf32>)
  %slice = memref.subview %big[0, 0] [4, 4] [1, 1] : memref<8x4xf32> to memref<4x4xf32, strided<[4, 1]>>
  memref.copy %slice, %b : memref<4x4xf32, strided<[4, 1]>> to memref<4x4xf32>
  memref.copy %in, %c : memref<8x4xf32> to memref<8x4xf32>
  scf.for %i = %c0 to %c1 step %c1 {
    %inner = memref.alloc() : memref<2x4xf32>
    linalg.fill ins(%zero : f32) outs(%inner : memref<2x4xf32>)
    memref.copy %inner, %d : memref<2x4xf32> to memref<2x4xf32>
  }
  %small = memref.alloc() : memref<2x4xf32>
  linalg.fill ins(%zero : f32) outs(%small : memref<2x4xf32>)
  %cast = memref.cast %small : memref<2x4xf32> to memref<?x4xf32>
  %back = memref.cast %cast : memref<?x4xf32> to memref<2x4xf32>
  memref.copy %back, %e : memref<2x4xf32> to memref<2x4xf32>
  return
}
