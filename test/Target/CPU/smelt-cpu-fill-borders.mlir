// RUN: smelt-opt %s --split-input-file --smelt-cpu-fill-borders | FileCheck %s

// A Pad's fill, then the copy of its interior: the fill covers only the
// slabs around the interior (rows above and below, columns left and right).
// CHECK-LABEL: func.func @copied_interior
// CHECK-NOT: linalg.map
// CHECK-DAG: %[[TOP:.*]] = memref.subview %[[B:.*]][0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1]
// CHECK-DAG: %[[BOTTOM:.*]] = memref.subview %[[B]][0, 0, 5, 0] [1, 2, 1, 6] [1, 1, 1, 1]
// CHECK-DAG: %[[LEFT:.*]] = memref.subview %[[B]][0, 0, 1, 0] [1, 2, 4, 1] [1, 1, 1, 1]
// CHECK-DAG: %[[RIGHT:.*]] = memref.subview %[[B]][0, 0, 1, 5] [1, 2, 4, 1] [1, 1, 1, 1]
// CHECK-DAG: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]]
// CHECK-DAG: linalg.fill ins(%{{.*}} : f32) outs(%[[BOTTOM]]
// CHECK-DAG: linalg.fill ins(%{{.*}} : f32) outs(%[[LEFT]]
// CHECK-DAG: linalg.fill ins(%{{.*}} : f32) outs(%[[RIGHT]]
// CHECK: memref.copy
func.func @copied_interior(%x: memref<1x2x4x4xf32>, %y: memref<1x2x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<1x2x6x6xf32>
  linalg.map outs(%b : memref<1x2x6x6xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %in = memref.subview %b[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %x, %in : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %b, %y : memref<1x2x6x6xf32> to memref<1x2x6x6xf32>
  return
}

// -----

// The interior written through a reshape of its subview (an activation
// iterating its depthwise convolution's [N, C, 1, H, W]): the same.
// CHECK-LABEL: func.func @reshaped_interior
// CHECK-NOT: linalg.map
// CHECK-COUNT-4: linalg.fill
// CHECK: %[[E:.*]] = memref.expand_shape
// CHECK: linalg.generic {{.*}} outs(%[[E]]
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
func.func @reshaped_interior(%x: memref<1x2x1x4x4xf32>, %y: memref<1x2x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %b = memref.alloc() : memref<1x2x6x6xf32>
  linalg.map outs(%b : memref<1x2x6x6xf32>) (%init: f32) {
    linalg.yield %zero : f32
  }
  %in = memref.subview %b[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  %e = memref.expand_shape %in [[0], [1], [2, 3], [4]] output_shape [1, 2, 1, 4, 4] : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>> into memref<1x2x1x4x4xf32, strided<[72, 36, 24, 6, 1], offset: 7>>
  linalg.generic {indexing_maps = [#id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x2x1x4x4xf32>) outs(%e : memref<1x2x1x4x4xf32, strided<[72, 36, 24, 6, 1], offset: 7>>) {
  ^bb0(%v: f32, %o: f32):
    %c = arith.minimumf %v, %six : f32
    linalg.yield %c : f32
  }
  memref.copy %b, %y : memref<1x2x6x6xf32> to memref<1x2x6x6xf32>
  return
}

// -----

// The producer computes into the interior itself (a linalg op that does not
// read its output): the same, with one side of padding only.
// CHECK-LABEL: func.func @computed_interior
// CHECK: %[[S:.*]] = memref.subview %{{.*}}[0, 3] [2, 2] [1, 1]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[S]]
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic
func.func @computed_interior(%x: memref<2x3xf32>, %y: memref<2x5xf32>) {
  %lowest = arith.constant -1.0 : f32
  %b = memref.alloc() : memref<2x5xf32>
  linalg.fill ins(%lowest : f32) outs(%b : memref<2x5xf32>)
  %in = memref.subview %b[0, 0] [2, 3] [1, 1] : memref<2x5xf32> to memref<2x3xf32, strided<[5, 1]>>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x3xf32>) outs(%in : memref<2x3xf32, strided<[5, 1]>>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  }
  memref.copy %b, %y : memref<2x5xf32> to memref<2x5xf32>
  return
}

// -----

// The whole buffer is read before the interior is written: the fill stays.
// CHECK-LABEL: func.func @read_first
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<2x5xf32>)
func.func @read_first(%x: memref<2x3xf32>, %y: memref<2x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<2x5xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<2x5xf32>)
  memref.copy %b, %y : memref<2x5xf32> to memref<2x5xf32>
  %in = memref.subview %b[0, 1] [2, 3] [1, 1] : memref<2x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 1>>
  memref.copy %x, %in : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 1>>
  return
}

// -----

// The first writer of the interior reads what it overwrites (an
// accumulation): the fill stays.
// CHECK-LABEL: func.func @accumulated
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<2x5xf32>)
func.func @accumulated(%x: memref<2x3xf32>, %y: memref<2x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<2x5xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<2x5xf32>)
  %in = memref.subview %b[0, 1] [2, 3] [1, 1] : memref<2x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 1>>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x3xf32>) outs(%in : memref<2x3xf32, strided<[5, 1], offset: 1>>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  }
  memref.copy %b, %y : memref<2x5xf32> to memref<2x5xf32>
  return
}

// -----

// An interior with a stride (every other column) leaves gaps: the fill
// stays. So does a fill whose value is computed inside its body.
// CHECK-LABEL: func.func @strided_interior
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<2x6xf32>)
// CHECK: linalg.map
func.func @strided_interior(%x: memref<2x3xf32>, %y: memref<2x6xf32>, %z: memref<2x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %b = memref.alloc() : memref<2x6xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<2x6xf32>)
  %in = memref.subview %b[0, 0] [2, 3] [1, 2] : memref<2x6xf32> to memref<2x3xf32, strided<[6, 2]>>
  memref.copy %x, %in : memref<2x3xf32> to memref<2x3xf32, strided<[6, 2]>>
  memref.copy %b, %y : memref<2x6xf32> to memref<2x6xf32>
  %c = memref.alloc() : memref<2x6xf32>
  linalg.map outs(%c : memref<2x6xf32>) (%init: f32) {
    %one = arith.constant 1.0 : f32
    linalg.yield %one : f32
  }
  %in2 = memref.subview %c[0, 0] [2, 3] [1, 1] : memref<2x6xf32> to memref<2x3xf32, strided<[6, 1]>>
  memref.copy %x, %in2 : memref<2x3xf32> to memref<2x3xf32, strided<[6, 1]>>
  memref.copy %c, %z : memref<2x6xf32> to memref<2x6xf32>
  return
}

// -----

// A buffer of dynamic batch whose interior covers the batch whole (the
// allocation's own size): its columns' borders only, [%n, 1] each. One
// whose interior does not cover its dynamic dim, and a fill of a view
// rather than of the buffer, stay.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[L:.*]] = memref.subview %{{.*}}[0, 0] [%arg1, 1] [1, 1] : memref<?x5xf32> to memref<?x1xf32, strided<[5, 1]>>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[L]]
// CHECK: %[[R:.*]] = memref.subview %{{.*}}[0, 4] [%arg1, 1] [1, 1] : memref<?x5xf32> to memref<?x1xf32, strided<[5, 1], offset: 4>>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[R]]
// CHECK: memref.copy
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<?x5xf32>)
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<2x5xf32, strided<[5, 1], offset: 5>>)
func.func @dynamic(%x: memref<?x3xf32>, %n: index, %w: memref<2x3xf32>, %m: index) {
  %zero = arith.constant 0.0 : f32
  %b = memref.alloc(%n) : memref<?x5xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<?x5xf32>)
  %in = memref.subview %b[0, 1] [%n, 3] [1, 1] : memref<?x5xf32> to memref<?x3xf32, strided<[5, 1], offset: 1>>
  memref.copy %x, %in : memref<?x3xf32> to memref<?x3xf32, strided<[5, 1], offset: 1>>
  %p = memref.alloc(%n) : memref<?x5xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<?x5xf32>)
  %part = memref.subview %p[0, 1] [%m, 3] [1, 1] : memref<?x5xf32> to memref<?x3xf32, strided<[5, 1], offset: 1>>
  memref.copy %x, %part : memref<?x3xf32> to memref<?x3xf32, strided<[5, 1], offset: 1>>
  %c = memref.alloc() : memref<3x5xf32>
  %rows = memref.subview %c[1, 0] [2, 5] [1, 1] : memref<3x5xf32> to memref<2x5xf32, strided<[5, 1], offset: 5>>
  linalg.fill ins(%zero : f32) outs(%rows : memref<2x5xf32, strided<[5, 1], offset: 5>>)
  %in2 = memref.subview %c[1, 1] [2, 3] [1, 1] : memref<3x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %w, %in2 : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}
