// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-tile-dynamic-dims{explain-kernels=true}))' --verify-diagnostics | FileCheck %s
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-tile-dynamic-dims{static-batch-bytes=2048}))' | FileCheck %s --check-prefix=STATIC

// A dynamic batch becomes a loop around the same op on [1, 16] views: the
// op inside has static shapes.
// CHECK-LABEL: func.func @batch
// CHECK: %[[N:.*]] = memref.dim %arg0, %c0
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}}
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[I]], 0] [1, 16] [1, 1]
// CHECK: %[[Y:.*]] = memref.subview %arg1[%[[I]], 0] [1, 16] [1, 1]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]] : memref<1x16xf32, strided<[16, 1], offset: ?>>)
// CHECK-SAME: outs(%[[Y]] : memref<1x16xf32, strided<[16, 1], offset: ?>>)
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @batch(%x: memref<?x16xf32>, %y: memref<?x16xf32>) {
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%x : memref<?x16xf32>) outs(%y : memref<?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A dynamic reduction stays, with a remark.
#x = affine_map<(d0, d1) -> (d0, d1)>
#y = affine_map<(d0, d1) -> (d0)>
func.func @reduction(%x: memref<4x?xf32>, %y: memref<4xf32>) {
  // CHECK-LABEL: func.func @reduction
  // CHECK-NOT: scf.for
  // expected-remark @+1 {{dynamic dimensions left in scalar loops: it reduces along a dimension known only at run time}}
  linalg.generic {indexing_maps = [#x, #y], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x?xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Consecutive ops over the same batch share one loop (an allocation in
// between moves past), and an op and the one that reads its result see the
// same view, as the contraction kernels' fusion asks; a reshape keeping the
// batch alone is applied to the element's view. The intermediate only the
// loop uses becomes one element's buffer, allocated in the loop where it
// is first used (static: the memory plan places it); the returned buffer
// stays whole.
// CHECK-LABEL: func.func @run
// CHECK-NOT: memref.alloc({{.*}}) : memref<?x16xf32>
// CHECK: scf.for %[[I:.*]] =
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[I]], 0] [1, 16] [1, 1]
// CHECK: %[[T:.*]] = memref.alloc() : memref<1x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : {{.*}}) outs(%[[T]] :
// CHECK: %[[E:.*]] = memref.expand_shape %[[T]] {{\[\[}}0], [1, 2]] output_shape [1, 4, 4]
// CHECK: %[[Y:.*]] = memref.subview %{{.*}}[%[[I]], 0, 0] [1, 4, 4] [1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[E]] : {{.*}}) outs(%[[Y]] :
// CHECK-NOT: scf.for
// CHECK: return
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @run(%x: memref<?x16xf32>) -> memref<?x4x4xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %t = memref.alloc(%n) : memref<?x16xf32>
  %y = memref.alloc(%n) : memref<?x4x4xf32>
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<?x16xf32>) outs(%t : memref<?x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %v = memref.expand_shape %t [[0], [1, 2]] output_shape [%n, 4, 4] : memref<?x16xf32> into memref<?x4x4xf32>
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v : memref<?x4x4xf32>) outs(%y : memref<?x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return %y : memref<?x4x4xf32>
}

// -----

// A Pad's buffer: its border filled through a window of every element and
// its interior copied in through another (windows that keep the batch
// whole). Both join the loop as those windows of one element, the buffer
// goes private (the result, returned, stays whole; the private buffer is
// allocated where the loop first uses it, so that the memory plan sees it
// live from there), and the copy is a linalg.copy of one element.
// CHECK-LABEL: func.func @padded
// CHECK: memref.alloc(%{{.*}}) : memref<?x2x6xf32>
// CHECK-NOT: memref.alloc(
// CHECK: scf.for %[[I:.*]] =
// CHECK: %[[P:.*]] = memref.alloc() : memref<1x2x6xf32>
// CHECK: %[[B:.*]] = memref.subview %[[P]][0, 0, 0] [1, 2, 1] [1, 1, 1]
// CHECK: linalg.fill {{.*}} outs(%[[B]] :
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[I]], 0, 0] [1, 2, 4] [1, 1, 1]
// CHECK: %[[IN:.*]] = memref.subview %[[P]][0, 0, 1] [1, 2, 4] [1, 1, 1]
// CHECK: linalg.copy ins(%[[X]] : memref<1x2x4xf32, {{.*}}>) outs(%[[IN]] : memref<1x2x4xf32, strided<[12, 6, 1], offset: 1>>)
// CHECK: linalg.generic {{.*}} ins(%[[P]] :
// CHECK-NOT: scf.for
// CHECK: return
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @padded(%x: memref<?x2x4xf32>) -> memref<?x2x6xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?x2x4xf32>
  %p = memref.alloc(%n) : memref<?x2x6xf32>
  %y = memref.alloc(%n) : memref<?x2x6xf32>
  %border = memref.subview %p[0, 0, 0] [%n, 2, 1] [1, 1, 1] : memref<?x2x6xf32> to memref<?x2x1xf32, strided<[12, 6, 1]>>
  linalg.fill ins(%zero : f32) outs(%border : memref<?x2x1xf32, strided<[12, 6, 1]>>)
  %interior = memref.subview %p[0, 0, 1] [%n, 2, 4] [1, 1, 1] : memref<?x2x6xf32> to memref<?x2x4xf32, strided<[12, 6, 1], offset: 1>>
  memref.copy %x, %interior : memref<?x2x4xf32> to memref<?x2x4xf32, strided<[12, 6, 1], offset: 1>>
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%p : memref<?x2x6xf32>) outs(%y : memref<?x2x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return %y : memref<?x2x6xf32>
}

// -----

// A static batch of 4 (the entry's first input's dimension 0): left whole
// by default; with static-batch-bytes below the run's largest batch buffer
// (4 x 1 KB) the run goes one element at a time like a dynamic batch, its
// temporaries buffers of one element, the reduction over the last
// dimension included; the output is written one element's view at a time.
// CHECK-LABEL: func.func @main_graph
// CHECK-NOT: scf.for
// STATIC-LABEL: func.func @main_graph
// STATIC-NOT: memref.alloc() : memref<4x
// STATIC: scf.for %[[I:.*]] = %{{.*}} to %c4{{.*}} step
// STATIC: memref.subview %arg0[%[[I]], 0, 0] [1, 16, 16] [1, 1, 1]
// STATIC: memref.alloc() : memref<1x16x16xf32>
// STATIC: memref.alloc() : memref<1x16x16xf32>
// STATIC: memref.alloc() : memref<1x16xf32>
// STATIC: memref.subview %arg1[%[[I]], 0] [1, 16] [1, 1]
// STATIC: return
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sum = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @main_graph(%x: memref<4x16x16xf32>, %out: memref<4x16xf32>) {
  %t = memref.alloc() : memref<4x16x16xf32>
  %u = memref.alloc() : memref<4x16x16xf32>
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<4x16x16xf32>) outs(%t : memref<4x16x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : memref<4x16x16xf32>) outs(%u : memref<4x16x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %small = memref.alloc() : memref<4x16xf32>
  linalg.generic {indexing_maps = [#m3, #sum], iterator_types = ["parallel", "parallel", "reduction"]} ins(%u : memref<4x16x16xf32>) outs(%small : memref<4x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %a = arith.addf %in, %o : f32
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%small : memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A run whose batch buffers are small (4 x 64 bytes, under
// static-batch-bytes) stays whole: in cache, layer by layer is cheaper.
// STATIC-LABEL: func.func @main_graph
// STATIC-NOT: scf.for
// STATIC: linalg.generic {{.*}} outs(%arg1 : memref<4x16xf32>)
#m2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @main_graph(%x: memref<4x16xf32>, %out: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// An op that reads a buffer the run writes whole (here its element 3 for
// every image) would see elements the loop has not written yet: it starts
// a loop of its own, reading the buffer, which stays whole, whole.
// STATIC-LABEL: func.func @main_graph
// STATIC: %[[T:.*]] = memref.alloc() : memref<4x1024xf32>
// STATIC: scf.for
// STATIC: math.exp
// STATIC: }
// STATIC: scf.for %[[I:.*]] =
// STATIC: %[[Y:.*]] = memref.subview %arg1[%[[I]], 0] [1, 1024] [1, 1]
// STATIC: linalg.generic {{.*}} ins(%[[T]] : memref<4x1024xf32>) outs(%[[Y]] :
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#row3 = affine_map<(d0, d1) -> (3, d1)>
func.func @main_graph(%x: memref<4x1024xf32>, %out: memref<4x1024xf32>) {
  %t = memref.alloc() : memref<4x1024xf32>
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x1024xf32>) outs(%t : memref<4x1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#row3, #m2], iterator_types = ["parallel", "parallel"]} ins(%t : memref<4x1024xf32>) outs(%out : memref<4x1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// The same through a view of one element (a subview of row 3, read by
// every image): that view is no batch buffer, but it is a view of one the
// run writes.
// STATIC-LABEL: func.func @main_graph
// STATIC: %[[T:.*]] = memref.alloc() : memref<4x1024xf32>
// STATIC: scf.for
// STATIC: math.exp
// STATIC: }
// STATIC: %[[ROW:.*]] = memref.subview %[[T]][3, 0] [1, 1024] [1, 1]
// STATIC: scf.for
// STATIC: linalg.generic {{.*}} ins(%[[ROW]] :
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#first = affine_map<(d0, d1) -> (0, d1)>
func.func @main_graph(%x: memref<4x1024xf32>, %out: memref<4x1024xf32>) {
  %t = memref.alloc() : memref<4x1024xf32>
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x1024xf32>) outs(%t : memref<4x1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %row = memref.subview %t[3, 0] [1, 1024] [1, 1] : memref<4x1024xf32> to memref<1x1024xf32, strided<[1024, 1], offset: 3072>>
  linalg.generic {indexing_maps = [#first, #m2], iterator_types = ["parallel", "parallel"]} ins(%row : memref<1x1024xf32, strided<[1024, 1], offset: 3072>>) outs(%out : memref<4x1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// A view that does not keep elements (a transpose: element i of it is
// column i of every element) has the batch's size but indexes the buffer
// another way than the op writing it: the ops run in two loops, and the
// buffer, which the second reads through the view, stays whole.
// STATIC-LABEL: func.func @main_graph
// STATIC: %[[T:.*]] = memref.alloc() : memref<4x4x256xf32>
// STATIC-NOT: memref.alloc()
// STATIC: scf.for
// STATIC: math.exp
// STATIC: }
// STATIC: %[[TR:.*]] = memref.transpose %[[T]]
// STATIC: scf.for %[[I:.*]] =
// STATIC: memref.subview %[[TR]][%[[I]], 0, 0] [1, 4, 256] [1, 1, 1]
#m3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @main_graph(%x: memref<4x4x256xf32>, %out: memref<4x4x256xf32>) {
  %t = memref.alloc() : memref<4x4x256xf32>
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : memref<4x4x256xf32>) outs(%t : memref<4x4x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  %tr = memref.transpose %t (d0, d1, d2) -> (d1, d0, d2) : memref<4x4x256xf32> to memref<4x4x256xf32, strided<[256, 1024, 1]>>
  linalg.generic {indexing_maps = [#m3, #m3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%tr : memref<4x4x256xf32, strided<[256, 1024, 1]>>) outs(%out : memref<4x4x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// Only the entry's first input is a batch: another function's static
// dimension 0 is just a size.
// STATIC-LABEL: func.func @helper
// STATIC-NOT: scf.for
// STATIC: return
#m2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @helper(%x: memref<4x1024xf32>, %out: memref<4x1024xf32>) {
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<4x1024xf32>) outs(%out : memref<4x1024xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A dynamic batch the same way: the second op reads element 3 of the
// buffer the first writes, for every element, so it runs in a loop of its
// own after the first's, and the buffer stays whole.
// CHECK-LABEL: func.func @dynamic_read_whole
// CHECK: %[[T:.*]] = memref.alloc(%{{.*}}) : memref<?x16xf32>
// CHECK: scf.for
// CHECK: math.exp
// CHECK: }
// CHECK: scf.for %[[I:.*]] =
// CHECK: linalg.generic {{.*}} ins(%[[T]] : memref<?x16xf32>)
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#row3 = affine_map<(d0, d1) -> (3, d1)>
func.func @dynamic_read_whole(%x: memref<?x16xf32>, %out: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?x16xf32>
  %t = memref.alloc(%n) : memref<?x16xf32>
  linalg.generic {indexing_maps = [#m2, #m2], iterator_types = ["parallel", "parallel"]} ins(%x : memref<?x16xf32>) outs(%t : memref<?x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#row3, #m2], iterator_types = ["parallel", "parallel"]} ins(%t : memref<?x16xf32>) outs(%out : memref<?x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  return
}
