// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-elementwise{vector-bits=512}))' | FileCheck %s

// A nearest Resize by 2 fused with the Add that reads it: each vector of 16
// results reads 8 elements of the small operand and repeats each twice
// with one shuffle; the other operand loads whole; 40 = 2 * 16 + 8, so the
// last 8 run as scalars.
// CHECK-LABEL: func.func @upsample_add
// CHECK: scf.for
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: %[[HALF:.*]] = affine.apply #{{.*}}(%{{.*}}, %[[W]])
// CHECK: %[[SMALL:.*]] = vector.load %arg0[%{{.*}}, %[[HALF]]] : memref<4x20xf32>, vector<8xf32>
// CHECK: %[[WIDE:.*]] = vector.shuffle %[[SMALL]], %[[SMALL]] [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]
// CHECK: %[[BIG:.*]] = vector.load %arg1[%{{.*}}, %[[W]]] : memref<4x40xf32>, vector<16xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[WIDE]], %[[BIG]] : vector<16xf32>
// CHECK: vector.store %[[SUM]], %arg2[%{{.*}}, %[[W]]]
// CHECK: scf.for
// CHECK: memref.load
// CHECK: arith.addf {{.*}} : f32
// CHECK: memref.store
// CHECK-NOT: linalg.generic
#up = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @upsample_add(%small: memref<4x20xf32>, %big: memref<4x40xf32>, %out: memref<4x40xf32>) {
  linalg.generic {indexing_maps = [#up, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%small, %big : memref<4x20xf32>, memref<4x40xf32>) outs(%out : memref<4x40xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// uint8 in and out with a per-row scale broadcast from one element: the
// body runs on vector<16xi8> and vector<16xf32>.
// CHECK-LABEL: func.func @scale_rows
// CHECK: vector.load %arg0{{.*}} : memref<2x32xi8>, vector<16xi8>
// CHECK: %[[S:.*]] = memref.load %arg1
// CHECK: vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK: arith.uitofp {{.*}} : vector<16xi8> to vector<16xf32>
// CHECK: arith.fptoui {{.*}} : vector<16xf32> to vector<16xi8>
// CHECK: vector.store {{.*}} : memref<2x32xi8>, vector<16xi8>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @scale_rows(%x: memref<2x32xi8>, %s: memref<2xf32>, %out: memref<2x32xi8>) {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s : memref<2x32xi8>, memref<2xf32>) outs(%out : memref<2x32xi8>) {
  ^bb0(%a: i8, %b: f32, %o: i8):
    %f = arith.uitofp %a : i8 to f32
    %m = arith.mulf %f, %b : f32
    %y = arith.fptoui %m : f32 to i8
    linalg.yield %y : i8
  }
  return
}

// -----

// Booleans are bytes in memory but bits in vectors, and tanh has no vector
// lowering to LLVM here: both stay as they are, for LLVM.
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.generic
// CHECK: arith.andi
// CHECK: linalg.generic
// CHECK: math.tanh
#id = affine_map<(d0) -> (d0)>
func.func @left_alone(%a: memref<32xi1>, %b: memref<32xi1>, %c: memref<32xi1>,
                      %x: memref<32xf32>, %y: memref<32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%a, %b : memref<32xi1>, memref<32xi1>) outs(%c : memref<32xi1>) {
  ^bb0(%p: i1, %q: i1, %o: i1):
    %r = arith.andi %p, %q : i1
    linalg.yield %r : i1
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<32xf32>) outs(%y : memref<32xf32>) {
  ^bb0(%p: f32, %o: f32):
    %r = math.tanh %p : f32
    linalg.yield %r : f32
  }
  return
}
