// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=512}))' | FileCheck %s
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=256 parallel=false}))' | FileCheck %s --check-prefix=AVX2

#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>

// A 20x40 by 40x24 product: rows in two register blocks of 10 (the
// parallel loop), 24 columns as one full and one 8-lane masked vector.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK: vector.load %arg2{{.*}} : memref<20x24xf32>, vector<16xf32>
// CHECK: vector.maskedload %arg2
// CHECK: scf.for
// CHECK: vector.load %arg1{{.*}} : memref<40x24xf32>, vector<16xf32>
// CHECK: vector.maskedload %arg1
// CHECK: memref.load %arg0
// CHECK: vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-2: vector.fma
// CHECK: vector.store {{.*}}, %arg2
// CHECK: vector.maskedstore %arg2
// AVX2-LABEL: func.func @matmul
// AVX2-NOT: scf.parallel
// AVX2: vector.fma {{.*}} : vector<8xf32>
func.func @matmul(%a: memref<20x40xf32>, %b: memref<40x24xf32>, %c: memref<20x24xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<20x40xf32>, memref<40x24xf32>) outs(%c : memref<20x24xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A long reduction runs in blocks of 256 (in order, not in parallel: the
// first, a loop over the middle ones, the last); the activation that
// follows is applied to the registers in the last block and stored to its
// output, and its op disappears (the product itself is a temporary).
// CHECK-LABEL: func.func @blocked_with_relu
// CHECK: %[[C:.*]] = memref.alloc
// CHECK: scf.parallel
// CHECK: vector.store {{.*}}, %[[C]]
// CHECK: %[[C256:.*]] = arith.constant 256 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C256]]
// CHECK: scf.parallel
// CHECK: vector.store {{.*}}, %[[C]]
// CHECK: scf.parallel
// CHECK: arith.cmpf olt, {{.*}} : vector<16xf32>
// CHECK: arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK: vector.store {{.*}}, %arg2
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @blocked_with_relu(%a: memref<4x1100xf32>, %b: memref<1100x64xf32>, %out: memref<4x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x64xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x1100xf32>, memref<1100x64xf32>) outs(%c : memref<4x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x64xf32>) outs(%out : memref<4x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %neg = arith.cmpf olt, %x, %zero : f32
    %r = arith.select %neg, %zero, %x : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x64xf32>
  return
}

// -----

// Max pooling 2x2, stride 2: a window reduction; the input is read at
// stride 2 by two loads and a shuffle of their even lanes.
// CHECK-LABEL: func.func @max_pool
// CHECK-NOT: linalg.generic
// CHECK: vector.load %arg0
// CHECK: vector.maskedload %arg0
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @max_pool(%x: memref<1x2x32x32xf32>, %w: memref<2x2xf32>, %y: memref<1x2x16x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xf32>, memref<2x2xf32>) outs(%y : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %unused: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Integers are not this kernel's: the op stays.
// CHECK-LABEL: func.func @integer
// CHECK: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @integer(%a: memref<4x4xi32>, %b: memref<4x4xi32>, %c: memref<4x4xi32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>) {
  ^bb0(%x: i32, %y: i32, %acc: i32):
    %p = arith.muli %x, %y : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// The bias broadcast that initializes C, and a fill, fold into the kernel:
// its registers start from them and the ops disappear.
// CHECK-LABEL: func.func @prologues
// CHECK-NOT: linalg.
// CHECK: %[[BIAS:.*]] = memref.load %arg3
// CHECK: vector.broadcast %[[BIAS]] : f32 to vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.broadcast %arg5 : f32 to vector<16xf32>
// CHECK: vector.fma
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#row = affine_map<(m, n) -> (m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @prologues(%a: memref<8x8xf32>, %b: memref<8x16xf32>, %c: memref<8x16xf32>, %bias: memref<8xf32>, %d: memref<8x16xf32>, %zero: f32) {
  linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<8xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x8xf32>, memref<8x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.fill ins(%zero : f32) outs(%d : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x8xf32>, memref<8x16xf32>) outs(%d : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A product the caller can see (an argument, here; a model output that an
// activation also reads, after bufferization) is stored whole: the
// activation then runs as its own op rather than as the kernel's epilogue.
// CHECK-LABEL: func.func @visible_product_with_relu
// CHECK: scf.parallel
// CHECK: vector.store {{.*}}, %arg2
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @visible_product_with_relu(%a: memref<4x8xf32>, %b: memref<8x64xf32>, %c: memref<4x64xf32>, %out: memref<4x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x64xf32>) outs(%c : memref<4x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x64xf32>) outs(%out : memref<4x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %neg = arith.cmpf olt, %x, %zero : f32
    %r = arith.select %neg, %zero, %x : f32
    linalg.yield %r : f32
  }
  return
}
