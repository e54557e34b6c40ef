// RUN: smelt-opt %s --split-input-file --smelt-cpu-elide-copies | FileCheck %s

// A result computed as [1, 1, 96, 12544] (a Conv's groups and flattened
// plane) and returned as [1, 96, 112, 112] through reshapes: the buffer it
// is computed in becomes the out-parameter seen through those reshapes
// inverted, and the copy goes.

// CHECK-LABEL: func.func @reshaped_result
// CHECK-SAME: (%[[IN:.*]]: memref<1x96x12544xf32>, %[[OUT:.*]]: memref<1x96x112x112xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[PLANE:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0], [1], [2, 3]] : memref<1x96x112x112xf32> into memref<1x96x12544xf32>
// CHECK: %[[VIEW:.*]] = memref.expand_shape %[[PLANE]] {{\[}}[0, 1], [2], [3]] output_shape [1, 1, 96, 12544] : memref<1x96x12544xf32> into memref<1x1x96x12544xf32>
// CHECK: %[[GROUPS:.*]] = memref.collapse_shape %[[VIEW]]
// CHECK: linalg.generic {{.*}} outs(%[[GROUPS]] : memref<1x96x12544xf32>)
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.dealloc
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
  memref.dealloc %alloc : memref<1x1x96x12544xf32>
  return
}

// -----

// A Concat of two branches along channels, at batch 2 (each slice strided
// along the batch): the branches are computed in their slices of the
// Concat's buffer, which moves up to the first of them. The second branch
// is computed before the first is copied: the slices do not intersect.

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[X:.*]]: memref<2x4x3x5xf32>, %[[Y:.*]]: memref<2x6x15xf32>)
// CHECK: %[[CAT:.*]] = memref.alloc() : memref<2x10x3x5xf32>
// CHECK: %[[S1:.*]] = memref.subview %[[CAT]][0, 0, 0, 0] [2, 4, 3, 5] [1, 1, 1, 1]
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} outs(%[[S1]] : memref<2x4x3x5xf32, strided<[150, 15, 5, 1]>>)
// CHECK: %[[S2:.*]] = memref.subview %[[CAT]][0, 4, 0, 0] [2, 6, 3, 5] [1, 1, 1, 1]
// CHECK: %[[F2:.*]] = memref.collapse_shape %[[S2]] {{\[}}[0], [1], [2, 3]] : memref<2x6x3x5xf32, strided<[150, 15, 5, 1], offset: 60>> into memref<2x6x15xf32, strided<[150, 15, 1], offset: 60>>
// CHECK: linalg.generic {{.*}} outs(%[[F2]] : memref<2x6x15xf32, strided<[150, 15, 1], offset: 60>>)
// CHECK-NOT: memref.copy
// CHECK: return %[[CAT]]
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @concat(%x: memref<2x4x3x5xf32>, %y: memref<2x6x15xf32>) -> memref<2x10x3x5xf32> {
  %a = memref.alloc() : memref<2x4x3x5xf32>
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<2x4x3x5xf32>) outs(%a : memref<2x4x3x5xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  %b = memref.alloc() : memref<2x6x15xf32>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%y : memref<2x6x15xf32>) outs(%b : memref<2x6x15xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  %cat = memref.alloc() : memref<2x10x3x5xf32>
  %s1 = memref.subview %cat[0, 0, 0, 0] [2, 4, 3, 5] [1, 1, 1, 1] : memref<2x10x3x5xf32> to memref<2x4x3x5xf32, strided<[150, 15, 5, 1]>>
  memref.copy %a, %s1 : memref<2x4x3x5xf32> to memref<2x4x3x5xf32, strided<[150, 15, 5, 1]>>
  %b4 = memref.expand_shape %b [[0], [1], [2, 3]] output_shape [2, 6, 3, 5] : memref<2x6x15xf32> into memref<2x6x3x5xf32>
  %s2 = memref.subview %cat[0, 4, 0, 0] [2, 6, 3, 5] [1, 1, 1, 1] : memref<2x10x3x5xf32> to memref<2x6x3x5xf32, strided<[150, 15, 5, 1], offset: 60>>
  memref.copy %b4, %s2 : memref<2x6x3x5xf32> to memref<2x6x3x5xf32, strided<[150, 15, 5, 1], offset: 60>>
  memref.dealloc %a : memref<2x4x3x5xf32>
  memref.dealloc %b : memref<2x6x15xf32>
  return %cat : memref<2x10x3x5xf32>
}

// -----

// A Pad's input: the padded buffer, and the fill of its border that comes
// first, move up to before the input is computed, which is computed in the
// padded buffer's interior. The input is still read after the copy (by an
// op that does not write the interior): it is read there.

// CHECK-LABEL: func.func @pad
// CHECK: %[[P:.*]] = memref.alloc() : memref<2x6x7xf32>
// CHECK: %[[IN:.*]] = memref.subview %[[P]][0, 1, 1] [2, 4, 5] [1, 1, 1]
// CHECK: linalg.map outs(%[[P]] : memref<2x6x7xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} outs(%[[IN]] : memref<2x4x5xf32, strided<[42, 7, 1], offset: 8>>)
// CHECK-NOT: memref.copy
// CHECK: linalg.generic {{.*}} ins(%[[IN]] : memref<2x4x5xf32, strided<[42, 7, 1], offset: 8>>) outs(%{{.*}} : memref<2x4x5xf32>)
// CHECK: return %[[P]]
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @pad(%x: memref<2x4x5xf32>, %y: memref<2x4x5xf32>) -> memref<2x6x7xf32> {
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<2x4x5xf32>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<2x4x5xf32>) outs(%a : memref<2x4x5xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  %p = memref.alloc() : memref<2x6x7xf32>
  linalg.map outs(%p : memref<2x6x7xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %p[0, 1, 1] [2, 4, 5] [1, 1, 1] : memref<2x6x7xf32> to memref<2x4x5xf32, strided<[42, 7, 1], offset: 8>>
  memref.copy %a, %interior : memref<2x4x5xf32> to memref<2x4x5xf32, strided<[42, 7, 1], offset: 8>>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%a : memref<2x4x5xf32>) outs(%y : memref<2x4x5xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  return %p : memref<2x6x7xf32>
}

// -----

// An out-parameter written again after the copy: the buffer still becomes
// it (the store lands on the computed values, as it did on the copied ones).

// CHECK-LABEL: func.func @written_after
// CHECK-NOT: memref.alloc
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : memref<8x4xf32>)
// CHECK-NOT: memref.copy
// CHECK: memref.store
func.func @written_after(%a: memref<8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %one = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%one : memref<8x4xf32>)
  memref.copy %one, %a : memref<8x4xf32> to memref<8x4xf32>
  memref.store %zero, %a[%c0, %c0] : memref<8x4xf32>
  return
}

// -----

// The copies stay: where the buffer is written after the copy, where the
// target's part is read or written while the buffer is live (before the
// copy, or after it while the buffer is still read), where the
// source is an input, a slice (not dense), allocated inside a loop, or
// reached through a view of dynamic shape, where a use of the buffer cannot
// take a strided layout (a reshape), where the buffer's view cannot be
// taken of the target (dims merged that are apart in a slice), and where the
// buffer is aliased by an op the pass does not follow.

// CHECK-LABEL: func.func @kept
// CHECK-COUNT-10: memref.copy
// CHECK-NOT: memref.copy
func.func @kept(%in: memref<8x4xf32>, %a: memref<8x4xf32>, %b: memref<4x4xf32>, %c: memref<8x4xf32>, %d: memref<2x4xf32>, %e: memref<2x4xf32>, %f: memref<8x4xf32>, %g: memref<8x4xf32>, %h: memref<8x4xf32>) -> (memref<4x8xf32>, memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %read = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%read : memref<8x4xf32>)
  memref.copy %read, %a : memref<8x4xf32> to memref<8x4xf32>
  memref.store %zero, %read[%c0, %c0] : memref<8x4xf32>
  %read2 = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%read2 : memref<8x4xf32>)
  memref.copy %read2, %g : memref<8x4xf32> to memref<8x4xf32>
  memref.store %zero, %g[%c1, %c1] : memref<8x4xf32>
  %later = memref.load %read2[%c0, %c0] : memref<8x4xf32>
  memref.store %later, %f[%c0, %c0] : memref<8x4xf32>
  %touched = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%touched : memref<8x4xf32>)
  %early = memref.load %f[%c1, %c0] : memref<8x4xf32>
  memref.store %early, %f[%c0, %c1] : memref<8x4xf32>
  memref.copy %touched, %f : memref<8x4xf32> to memref<8x4xf32>
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
  // Slices of [4, 8]: one buffer reshaped by a memref.reshape, one whose
  // rows are merged (a slice's rows are apart).
  %cat = memref.alloc() : memref<4x8xf32>
  %flat = memref.alloc() : memref<16xf32>
  %shape = memref.alloc() : memref<2xi64>
  %rows = memref.reshape %flat(%shape) : (memref<16xf32>, memref<2xi64>) -> memref<4x4xf32>
  linalg.fill ins(%zero : f32) outs(%rows : memref<4x4xf32>)
  %left = memref.subview %cat[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  memref.copy %rows, %left : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1]>>
  %wide = memref.alloc() : memref<4x8xf32>
  %square = memref.alloc() : memref<4x4xf32>
  %all = memref.collapse_shape %square [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  linalg.fill ins(%zero : f32) outs(%all : memref<16xf32>)
  %right = memref.subview %wide[0, 4] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  memref.copy %square, %right : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  // A buffer aliased by an op the pass does not follow (an scf.if's
  // result, written after the copy).
  %aliased = memref.alloc() : memref<8x4xf32>
  linalg.fill ins(%zero : f32) outs(%aliased : memref<8x4xf32>)
  %true = arith.constant true
  %either = scf.if %true -> memref<8x4xf32> {
    scf.yield %aliased : memref<8x4xf32>
  } else {
    scf.yield %in : memref<8x4xf32>
  }
  memref.copy %aliased, %h : memref<8x4xf32> to memref<8x4xf32>
  memref.store %zero, %either[%c0, %c0] : memref<8x4xf32>
  return %cat, %wide : memref<4x8xf32>, memref<4x8xf32>
}
