// RUN: smelt-opt %s --pass-pipeline='builtin.module(func.func(smelt-cpu-free-early))' | FileCheck %s

// The deallocation pipeline frees at the end of the block; each buffer is
// freed after its last use instead, that of a view of it included. The
// buffer copied into the result is freed after the copy.
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: linalg.fill {{.*}} outs(%[[A]]
// CHECK: %[[B:.*]] = memref.alloc
// CHECK: %[[V:.*]] = memref.expand_shape %[[A]]
// CHECK: linalg.copy ins(%[[V]] : {{.*}}) outs(%[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK: memref.copy %[[B]], %arg1
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: return
func.func @chain(%n: index, %out: memref<?x2x2xf32>) {
  %cst = arith.constant 1.0 : f32
  %a = memref.alloc(%n) : memref<?x4xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<?x4xf32>)
  %b = memref.alloc(%n) : memref<?x2x2xf32>
  %v = memref.expand_shape %a [[0], [1, 2]] output_shape [%n, 2, 2] : memref<?x4xf32> into memref<?x2x2xf32>
  linalg.copy ins(%v : memref<?x2x2xf32>) outs(%b : memref<?x2x2xf32>)
  memref.copy %b, %out : memref<?x2x2xf32> to memref<?x2x2xf32>
  memref.dealloc %a : memref<?x4xf32>
  memref.dealloc %b : memref<?x2x2xf32>
  return
}
