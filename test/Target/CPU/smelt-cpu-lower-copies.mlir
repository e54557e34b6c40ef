// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-lower-copies))' | FileCheck %s

// A copy out of a strided subview (what would otherwise call memrefCopy)
// becomes a linalg.copy with the same source, target and layouts, in the
// same place.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[A:.*]]: memref<8x8xf32>, %[[B:.*]]: memref<4x4xf32>)
// CHECK-NOT: memref.copy
// CHECK: %[[S:.*]] = memref.subview %[[A]]
// CHECK-NEXT: linalg.copy ins(%[[S]] : memref<4x4xf32, strided<[16, 1], offset: 10>>) outs(%[[B]] : memref<4x4xf32>)
// CHECK: memref.store
// CHECK-NOT: memref.copy
func.func @strided(%a: memref<8x8xf32>, %b: memref<4x4xf32>) {
  %s = memref.subview %a[1, 2] [4, 4] [2, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[16, 1], offset: 10>>
  memref.copy %s, %b : memref<4x4xf32, strided<[16, 1], offset: 10>> to memref<4x4xf32>
  %c0 = arith.constant 0 : index
  %f = arith.constant 1.0 : f32
  memref.store %f, %b[%c0, %c0] : memref<4x4xf32>
  return
}

// -----

// Every copy in the function, nested ones included, with dynamic and
// zero-rank shapes; the direction (source to target) is kept.
// CHECK-LABEL: func.func @nested
// CHECK-SAME: (%[[X:.*]]: memref<?xi8>, %[[Y:.*]]: memref<?xi8>, %[[P:.*]]: memref<f32>, %[[Q:.*]]: memref<f32>, %[[N:.*]]: index)
// CHECK-NOT: memref.copy
// CHECK: scf.for
// CHECK-NEXT: linalg.copy ins(%[[X]] : memref<?xi8>) outs(%[[Y]] : memref<?xi8>)
// CHECK-NEXT: linalg.copy ins(%[[Q]] : memref<f32>) outs(%[[P]] : memref<f32>)
// CHECK-NOT: memref.copy
func.func @nested(%x: memref<?xi8>, %y: memref<?xi8>, %p: memref<f32>, %q: memref<f32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.copy %x, %y : memref<?xi8> to memref<?xi8>
    memref.copy %q, %p : memref<f32> to memref<f32>
  }
  return
}

// -----

// Only memref.copy is rewritten: an existing linalg.copy, and other
// memref traffic, stay as they are.
// CHECK-LABEL: func.func @leaves_others
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK: linalg.copy ins(%[[A]] : memref<4xf32>) outs(%[[B]] : memref<4xf32>)
// CHECK-NOT: linalg.copy
// CHECK: %[[V:.*]] = memref.load %[[A]]
// CHECK-NEXT: memref.store %[[V]], %[[B]]
// CHECK-NOT: linalg
func.func @leaves_others(%a: memref<4xf32>, %b: memref<4xf32>) {
  linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xf32>
  memref.store %v, %b[%c0] : memref<4xf32>
  return
}

// -----

// An unranked copy has no rank for linalg.copy's loops: as linalg.copy,
// convert-linalg-to-loops (next in the CPU pipeline) erases it without a
// trace. It must stay a memref.copy.
// CHECK-LABEL: func.func @unranked
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<*xf32> to memref<*xf32>
// CHECK-NOT: linalg.copy
func.func @unranked(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}

// -----

// One unranked side is enough to keep the copy: linalg.copy needs both
// ranked, whichever of source and target is unranked.
// CHECK-LABEL: func.func @half_unranked
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<*xf32>)
// CHECK: memref.copy %[[A]], %[[B]] : memref<4xf32> to memref<*xf32>
// CHECK: memref.copy %[[B]], %[[A]] : memref<*xf32> to memref<4xf32>
// CHECK-NOT: linalg.copy
func.func @half_unranked(%a: memref<4xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<4xf32> to memref<*xf32>
  memref.copy %b, %a : memref<*xf32> to memref<4xf32>
  return
}

// -----

// A copy of 2 x 32 x 32 x 32 elements (a Concat's input into its half of
// the output) splits across threads along its outermost dimension of two
// or more (ParallelCost.h): one copy per slice of 32 x 32 x 32, which is
// contiguous on both sides and stays a memref.copy (llvm.memcpy).
// CHECK-LABEL: func.func @large
// CHECK-SAME: (%[[A:.*]]: memref<2x32x32x32xf32>, %[[B:.*]]: memref<2x64x32x32xf32>)
// CHECK: %[[HALF:.*]] = memref.subview %[[B]]
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: %[[FROM:.*]] = memref.subview %[[A]][%[[I]], 0, 0, 0] [1, 32, 32, 32] [1, 1, 1, 1]
// CHECK: %[[TO:.*]] = memref.subview %[[HALF]][%[[I]], 0, 0, 0] [1, 32, 32, 32] [1, 1, 1, 1]
// CHECK: memref.copy %[[FROM]], %[[TO]] : memref<1x32x32x32xf32, strided<[32768, 1024, 32, 1], offset: ?>> to memref<1x32x32x32xf32, strided<[65536, 1024, 32, 1], offset: ?>>
// CHECK-NOT: linalg.copy
func.func @large(%a: memref<2x32x32x32xf32>, %b: memref<2x64x32x32xf32>) {
  %half = memref.subview %b[0, 32, 0, 0] [2, 32, 32, 32] [1, 1, 1, 1] : memref<2x64x32x32xf32> to memref<2x32x32x32xf32, strided<[65536, 1024, 32, 1], offset: 32768>>
  memref.copy %a, %half : memref<2x32x32x32xf32> to memref<2x32x32x32xf32, strided<[65536, 1024, 32, 1], offset: 32768>>
  return
}

// -----

// Inside a parallel loop a large copy stays one copy (one memcpy, both
// sides contiguous): parallel regions do not nest.
// CHECK-LABEL: func.func @inside_parallel
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK: memref.copy %arg0, %arg1
func.func @inside_parallel(%a: memref<2x64x32x32xf32>, %b: memref<2x64x32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    memref.copy %a, %b : memref<2x64x32x32xf32> to memref<2x64x32x32xf32>
  }
  return
}

// -----

// Into a padded buffer's interior: rows of 64 elements, contiguous on both
// sides, 66 apart in the target. A loop over the channels and one over the
// rows around a memcpy of each row; rows of 4 (the strided case above)
// stay element by element.
// CHECK-LABEL: func.func @rows
// CHECK-SAME: (%[[A:.*]]: memref<4x8x64xf32>, %[[B:.*]]: memref<4x10x66xf32>)
// CHECK: %[[IN:.*]] = memref.subview %[[B]][0, 1, 1] [4, 8, 64] [1, 1, 1]
// CHECK: scf.for %[[C:.*]] =
// CHECK: scf.for %[[R:.*]] =
// CHECK: %[[FROM:.*]] = memref.subview %{{.*}}[0, %[[R]], 0] [1, 1, 64] [1, 1, 1]
// CHECK: %[[TO:.*]] = memref.subview %{{.*}}[0, %[[R]], 0] [1, 1, 64] [1, 1, 1]
// CHECK: memref.copy %[[FROM]], %[[TO]]
// CHECK-NOT: linalg.copy
func.func @rows(%a: memref<4x8x64xf32>, %b: memref<4x10x66xf32>) {
  %in = memref.subview %b[0, 1, 1] [4, 8, 64] [1, 1, 1] : memref<4x10x66xf32> to memref<4x8x64xf32, strided<[660, 66, 1], offset: 67>>
  memref.copy %a, %in : memref<4x8x64xf32> to memref<4x8x64xf32, strided<[660, 66, 1], offset: 67>>
  return
}
