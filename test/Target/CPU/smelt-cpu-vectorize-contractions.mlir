// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=512}))' | FileCheck %s
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=256 parallel=false}))' | FileCheck %s --check-prefix=AVX2

#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>

// A 20x40 by 40x24 product: rows in two register blocks of 10, 24 columns
// as one full and one 8-lane masked vector. Its 19,200 multiply-adds stay
// on one thread (ParallelCost.h).
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.parallel
// CHECK: scf.for
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

// 64x512 by 512x64: 2,097,152 multiply-adds, enough to split its row
// blocks across threads.
// CHECK-LABEL: func.func @large_matmul
// CHECK: scf.parallel
// CHECK: vector.fma
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @large_matmul(%a: memref<64x512xf32>, %b: memref<512x64xf32>, %c: memref<64x64xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<64x512xf32>, memref<512x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A 3x3 convolution with its channels innermost at batch 16: the register
// block's rows run along the output columns (8, nearest n), not the
// images (16, the longest): each row of the block in an image of its own
// ran 6x slower per image at batch 64. The images and output rows are
// batch loops.
// CHECK-LABEL: func.func @rows_near_n
// CHECK: scf.parallel (%[[N:.*]]) = (%{{.*}}) to (%c16{{.*}})
// CHECK: scf.for %[[OH:.*]] = %{{.*}} to %c8{{.*}} step
// CHECK: vector.store %{{.*}}, %arg2[%[[N]], %[[OH]], %c0{{.*}}, %c0{{.*}}] : memref<16x8x8x32xf32>, vector<16xf32>
#in = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh + kh, ow + kw, ci)>
#w = affine_map<(n, oh, ow, co, kh, kw, ci) -> (kh, kw, ci, co)>
#out = affine_map<(n, oh, ow, co, kh, kw, ci) -> (n, oh, ow, co)>
func.func @rows_near_n(%x: memref<16x10x10x8xf32>, %w: memref<3x3x8x32xf32>, %c: memref<16x8x8x32xf32>) {
  linalg.generic {indexing_maps = [#in, #w, #out],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : memref<16x10x10x8xf32>, memref<3x3x8x32xf32>) outs(%c : memref<16x8x8x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Three panels of 32 columns (a pointwise convolution to 96 channels, its
// channels innermost) and 196 rows: the rows split across threads, each
// block of 12 walking the three panels (split 2:1, the panels left a
// thread idle a third of the time); the last 4 rows after them.
// CHECK-LABEL: func.func @rows_split
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c192{{.*}}) step (%c12{{.*}})
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{.*}} step
// CHECK: scf.reduce
// CHECK: scf.for %{{.*}} = %{{.*}} to %c3{{.*}} step
#mk = affine_map<(m, k, p, n) -> (m, k)>
#pkn = affine_map<(m, k, p, n) -> (p, k, n)>
#mpn = affine_map<(m, k, p, n) -> (m, p, n)>
func.func @rows_split(%a: memref<196x576xf32>, %b: memref<3x576x32xf32>, %c: memref<196x3x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #pkn, #mpn],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
      ins(%a, %b : memref<196x576xf32>, memref<3x576x32xf32>) outs(%c : memref<196x3x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// B in panels of the kernel's column block ([N / 32, K, 32], weights packed
// by smelt-cpu-choose-vector-dim): the same long reduction is not blocked,
// each column block streams its panel in order, and C is written once.
// CHECK-LABEL: func.func @panels_not_blocked
// CHECK-NOT: arith.constant 256 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-NOT: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: return
#mk = affine_map<(m, k, p, n) -> (m, k)>
#pkn = affine_map<(m, k, p, n) -> (p, k, n)>
#mpn = affine_map<(m, k, p, n) -> (m, p, n)>
func.func @panels_not_blocked(%a: memref<4x1100xf32>, %b: memref<2x1100x32xf32>, %c: memref<4x2x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #pkn, #mpn],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
      ins(%a, %b : memref<4x1100xf32>, memref<2x1100x32xf32>) outs(%c : memref<4x2x32xf32>) {
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

// -----

// Tensors: the kernel writes buffers, so it runs after bufferization.
// CHECK-LABEL: func.func @on_tensors
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @on_tensors(%a: tensor<4x8xf32>, %b: tensor<8x32xf32>, %c: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<8x32xf32>) outs(%c : tensor<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----

// Three inputs (the third unused): the kernel reads exactly A and B.
// CHECK-LABEL: func.func @three_inputs
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @three_inputs(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %s: memref<4x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b, %s : memref<4x8xf32>, memref<8x32xf32>, memref<4x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// acc - a * b: not a multiply-add.
// CHECK-LABEL: func.func @multiply_subtract
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @multiply_subtract(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.subf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// acc + a * b * 2 (four ops): not the kernel's step.
// CHECK-LABEL: func.func @scaled_product
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @scaled_product(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %two = arith.constant 2.0 : f32
    %p = arith.mulf %x, %y : f32
    %q = arith.mulf %p, %two : f32
    %s = arith.addf %acc, %q : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An integer window sum (average pooling of integers): the integer
// window kernels take max and min only.
// CHECK-LABEL: func.func @integer_window_sum
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @integer_window_sum(%x: memref<1x2x32x32xi32>, %w: memref<2x2xi32>, %y: memref<1x2x16x16xi32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xi32>, memref<2x2xi32>) outs(%y : memref<1x2x16x16xi32>) {
  ^bb0(%in: i32, %unused: i32, %acc: i32):
    %m = arith.addi %in, %acc : i32
    linalg.yield %m : i32
  }
  return
}

// -----

// A window product: the f32 window kernels add, or take max or min.
// CHECK-LABEL: func.func @window_product
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @window_product(%x: memref<1x2x32x32xf32>, %w: memref<2x2xf32>, %y: memref<1x2x16x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xf32>, memref<2x2xf32>) outs(%y : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %unused: f32, %acc: f32):
    %m = arith.mulf %in, %acc : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// The second input (only the window's extent) is read: the window
// kernel has no A to read it from.
// CHECK-LABEL: func.func @window_reads_extent
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @window_reads_extent(%x: memref<1x2x32x32xf32>, %w: memref<2x2xf32>, %y: memref<1x2x16x16xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xf32>, memref<2x2xf32>) outs(%y : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %m = arith.maximumf %in, %k : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A dynamic shape: the register blocks are laid out at compile time.
// CHECK-LABEL: func.func @dynamic_rows
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @dynamic_rows(%a: memref<?x8xf32>, %b: memref<8x32xf32>, %c: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<?x8xf32>, memref<8x32xf32>) outs(%c : memref<?x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// No reduction loop (an elementwise multiply-add): not a contraction.
// CHECK-LABEL: func.func @no_reduction
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(m, n) -> (m, n)>
func.func @no_reduction(%a: memref<4x32xf32>, %b: memref<4x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : memref<4x32xf32>, memref<4x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// C's rows are strided: its vectors are not contiguous.
// CHECK-LABEL: func.func @strided_output
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @strided_output(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32, strided<[64, 2]>>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32, strided<[64, 2]>>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// C is indexed by the reduction dimension too: the output must cover
// exactly the parallel dimensions.
// CHECK-LABEL: func.func @reduction_in_output
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#mkn = affine_map<(m, k, n) -> (m, k, n)>
func.func @reduction_in_output(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x8x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mkn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// B is read as [n, k] (a Gemm with transB whose weights are not
// constant): no operand reads along n contiguously.
// CHECK-LABEL: func.func @transposed_b
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#nk = affine_map<(m, k, n) -> (n, k)>
func.func @transposed_b(%a: memref<4x8xf32>, %b: memref<32x8xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #nk, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<32x8xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Both operands vary along n, each as its own innermost index: A is
// loaded in vectors too, one FMA of two loaded vectors a lane block.
// CHECK-LABEL: func.func @both_read_n
// CHECK: scf.for %[[K:arg[0-9]+]] =
// CHECK: %[[B:.*]] = vector.load %arg1[%[[K]], %{{.*}}] : memref<8x32xf32>, vector<16xf32>
// CHECK: %[[A:.*]] = vector.load %arg0[%[[K]], %{{.*}}] : memref<8x32xf32>, vector<16xf32>
// CHECK: vector.fma %[[A]], %[[B]]
// CHECK-NOT: linalg.generic
#kn = affine_map<(k, n) -> (k, n)>
#n = affine_map<(k, n) -> (n)>
func.func @both_read_n(%a: memref<8x32xf32>, %b: memref<8x32xf32>, %c: memref<32xf32>) {
  linalg.generic {indexing_maps = [#kn, #kn, #n],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a, %b : memref<8x32xf32>, memref<8x32xf32>) outs(%c : memref<32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// B's rows are strided: its vector loads would not be contiguous.
// CHECK-LABEL: func.func @strided_b
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @strided_b(%a: memref<4x8xf32>, %b: memref<8x32xf32, strided<[64, 2]>>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32, strided<[64, 2]>>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// B reads n in its outer index too (b[n, n]): a row of B is not a
// vector along n.
// CHECK-LABEL: func.func @diagonal_b
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#nn = affine_map<(m, k, n) -> (n, n)>
func.func @diagonal_b(%a: memref<4x8xf32>, %b: memref<32x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #nn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<32x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A is read at k floordiv 2: not a linear index the kernel steps
// through.
// CHECK-LABEL: func.func @floordiv_a
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k floordiv 2)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @floordiv_a(%a: memref<4x4xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x4xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// B is read backwards along n (31 - n): vectors would run the wrong way.
// CHECK-LABEL: func.func @reversed_b
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#rev = affine_map<(m, k, n) -> (k, 31 - n)>
func.func @reversed_b(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #rev, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// 32-bit elements: the packing moves bytes.
// CHECK-LABEL: func.func @packing_i32
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_i32(%x: memref<1x4x4x32xi32>, %out: memref<1x1x4x32x4xi32>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x32xi32>) outs(%out : memref<1x1x4x32x4xi32>) {
  ^bb0(%in: i32, %o: i32):
    linalg.yield %in : i32
  }
  return
}

// -----

// The fill before the contraction writes another buffer: the kernel
// starts from what C holds, and the fill stays.
// CHECK-LABEL: func.func @fill_of_another_buffer
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg3 : memref<4x32xf32>)
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>

func.func @fill_of_another_buffer(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %d: memref<4x32xf32>, %zero: f32) {
  linalg.fill ins(%zero : f32) outs(%d : memref<4x32xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A view of C is taken between the fill and the contraction: C has
// another name through which it may be read, so the fill stays.
// CHECK-LABEL: func.func @view_of_c_after_fill
// CHECK: linalg.fill
// CHECK: memref.subview
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>

func.func @view_of_c_after_fill(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %zero: f32) {
  linalg.fill ins(%zero : f32) outs(%c : memref<4x32xf32>)
  %v = memref.subview %c[0, 0] [4, 16] [1, 1] : memref<4x32xf32> to memref<4x16xf32, strided<[32, 1]>>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// C starts as the sum of two inputs: not a plain broadcast the kernel
// reads its registers from.
// CHECK-LABEL: func.func @bias_sum
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#row = affine_map<(m, n) -> (m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @bias_sum(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %bp: memref<4xf32>, %bq: memref<4xf32>) {
  linalg.generic {indexing_maps = [#row, #row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bp, %bq : memref<4xf32>, memref<4xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %s = arith.addf %v, %w : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The broadcast computes (bias * 2): the kernel's start is a plain read.
// CHECK-LABEL: func.func @bias_scaled
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#row = affine_map<(m, n) -> (m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @bias_scaled(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %bias: memref<4xf32>) {
  linalg.generic {indexing_maps = [#row, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<4xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %s = arith.mulf %v, %two : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The bias is read at m floordiv 2 (one value per two rows): not a
// projected permutation the kernel can index with its dims.
// CHECK-LABEL: func.func @bias_halved_rows
// CHECK: linalg.generic
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#half = affine_map<(m, n) -> (m floordiv 2)>
#id = affine_map<(m, n) -> (m, n)>
func.func @bias_halved_rows(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %bias: memref<2xf32>) {
  linalg.generic {indexing_maps = [#half, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<2xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A bias of C's shape whose rows are strided: the kernel would load it in
// vectors along n.
// CHECK-LABEL: func.func @bias_strided
// CHECK: linalg.generic
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @bias_strided(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %bias: memref<4x32xf32, strided<[64, 2]>>) {
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<4x32xf32, strided<[64, 2]>>) outs(%c : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A bias read as [n, m]: it varies along n in its outer index, so a
// vector of it along n is not contiguous.
// CHECK-LABEL: func.func @bias_transposed
// CHECK: linalg.generic
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#nm = affine_map<(m, n) -> (n, m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @bias_transposed(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>, %bias: memref<32x4xf32>) {
  linalg.generic {indexing_maps = [#nm, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<32x4xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A memref.store runs between the contraction and the activation: only
// linalg ops and copies may be moved past, so the activation stays.
// CHECK-LABEL: func.func @store_before_epilogue
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @store_before_epilogue(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %d: memref<4x32xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %i = arith.constant 0 : index
  %f = arith.constant 1.0 : f32
  memref.store %f, %d[%i, %i] : memref<4x32xf32>
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// A copy out of C runs between the two: it needs C written, so the
// kernel cannot move to the activation.
// CHECK-LABEL: func.func @copy_of_c_before_epilogue
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @copy_of_c_before_epilogue(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %d: memref<4x32xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  memref.copy %c, %d : memref<4x32xf32> to memref<4x32xf32>
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The activation writes a strided buffer: the kernel stores vectors.
// CHECK-LABEL: func.func @epilogue_strided_output
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_strided_output(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32, strided<[64, 2]>>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32, strided<[64, 2]>>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The activation reads C through a reshape and also a scale: the scale
// would be read at C's indices, which are not the activation's.
// CHECK-LABEL: func.func @epilogue_reshaped_with_scale
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.mulf
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#r3 = affine_map<(d0, d1, d2) -> (d0)>
func.func @epilogue_reshaped_with_scale(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x2x16xf32>, %scale: memref<4xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %cv = memref.expand_shape %c [[0], [1, 2]] output_shape [4, 2, 16] : memref<4x32xf32> into memref<4x2x16xf32>
  linalg.generic {indexing_maps = [#id3, #r3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cv, %scale : memref<4x2x16xf32>, memref<4xf32>) outs(%out : memref<4x2x16xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The activation reads C transposed: its elements do not pair up with
// the kernel's registers.
// CHECK-LABEL: func.func @epilogue_transposed_read
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#nm = affine_map<(m, n) -> (n, m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_transposed_read(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<32x4xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#nm, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<32x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The scale is read as [n, m]: along the innermost dimension it is
// neither constant nor contiguous.
// CHECK-LABEL: func.func @epilogue_transposed_scale
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.mulf
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#nm = affine_map<(m, n) -> (n, m)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_transposed_scale(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %scale: memref<32x4xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #nm, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %scale : memref<4x32xf32>, memref<32x4xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The scale's rows are strided: it would be loaded in vectors along n.
// CHECK-LABEL: func.func @epilogue_strided_scale
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.mulf
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_strided_scale(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %scale: memref<4x32xf32, strided<[64, 2]>>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c, %scale : memref<4x32xf32>, memref<4x32xf32, strided<[64, 2]>>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The activation reads its output's old value, which the kernel, storing
// its registers there, would not have loaded.
// CHECK-LABEL: func.func @epilogue_reads_output
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_reads_output(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %o, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// A lookup in a table that is an argument (not a constant global): not
// an op the kernel applies to its registers.
// CHECK-LABEL: func.func @epilogue_argument_table
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: memref.load
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_argument_table(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %t: memref<256xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = arith.fptosi %v : f32 to i32
    %j = arith.index_cast %i : i32 to index
    %r = memref.load %t[%j] : memref<256xf32>
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// C is read again inside a loop, a use in another block that the scan
// for later readers does not follow: C is stored and the activation
// stays.
// CHECK-LABEL: func.func @c_read_in_loop
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @c_read_in_loop(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %d: memref<4xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %c[%i, %c0] : memref<4x32xf32>
    memref.store %v, %d[%i] : memref<4xf32>
  }
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// C is copied out after the activation: it must be written, so the
// activation stays.
// CHECK-LABEL: func.func @c_copied_after_epilogue
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @c_copied_after_epilogue(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x32xf32>, %d: memref<4x32xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.copy %c, %d : memref<4x32xf32> to memref<4x32xf32>
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// The activation writes B: the kernel, moved to the activation, would
// overwrite B while it still reads it.
// CHECK-LABEL: func.func @epilogue_writes_b
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @epilogue_writes_b(%a: memref<32x32xf32>, %b: memref<32x32xf32>, %out: memref<32x32xf32>) {
  %c = memref.alloc() : memref<32x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<32x32xf32>, memref<32x32xf32>) outs(%c : memref<32x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<32x32xf32>) outs(%b : memref<32x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %c : memref<32x32xf32>
  return
}

// -----

// A window reduction (max pooling) takes no epilogue: the activation
// stays.
// CHECK-LABEL: func.func @pool_then_relu
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @pool_then_relu(%x: memref<1x2x32x32xf32>, %w: memref<2x2xf32>, %out: memref<1x2x16x16xf32>) {
  %y = memref.alloc() : memref<1x2x16x16xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xf32>, memref<2x2xf32>) outs(%y : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %unused: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [#id4, #id4],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : memref<1x2x16x16xf32>) outs(%out : memref<1x2x16x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %y : memref<1x2x16x16xf32>
  return
}

// -----

// The reshaped C the activation reads is read again afterwards: C must
// be written.
// CHECK-LABEL: func.func @reshape_read_twice
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @reshape_read_twice(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<4x2x16xf32>, %d: memref<4x2x16xf32>) {
  %c = memref.alloc() : memref<4x32xf32>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %cv = memref.expand_shape %c [[0], [1, 2]] output_shape [4, 2, 16] : memref<4x32xf32> into memref<4x2x16xf32>
  linalg.generic {indexing_maps = [#id3, #id3],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%cv : memref<4x2x16xf32>) outs(%out : memref<4x2x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.copy %cv, %d : memref<4x2x16xf32> to memref<4x2x16xf32>
  memref.dealloc %c : memref<4x32xf32>
  return
}

// -----

// C is one image of a batch (a view at a dynamic offset, as
// smelt-cpu-tile-dynamic-dims makes them) read through a reshape: still
// one run of memory, so its elements pair up in order with the reshaped
// ones and the activation becomes the kernel's epilogue, stored at the
// output's own offset.
// CHECK-LABEL: func.func @strided_c_reshaped
// CHECK-NOT: linalg.generic
// CHECK: memref.extract_strided_metadata
// CHECK: memref.reinterpret_cast {{.*}} to memref<4x32xf32, strided<[32, 1], offset: ?>>
// CHECK: vector.fma
// CHECK: arith.cmpf olt, {{.*}} : vector<16xf32>
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id1 = affine_map<(d0) -> (d0)>
func.func @strided_c_reshaped(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %out: memref<2x128xf32>, %i: index) {
  %wide = memref.alloc() : memref<2x4x32xf32>
  %c = memref.subview %wide[%i, 0, 0] [1, 4, 32] [1, 1, 1] : memref<2x4x32xf32> to memref<4x32xf32, strided<[32, 1], offset: ?>>
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x32xf32>) outs(%c : memref<4x32xf32, strided<[32, 1], offset: ?>>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %cv = memref.collapse_shape %c [[0, 1]] : memref<4x32xf32, strided<[32, 1], offset: ?>> into memref<128xf32, strided<[1], offset: ?>>
  %o = memref.subview %out[%i, 0] [1, 128] [1, 1] : memref<2x128xf32> to memref<128xf32, strided<[1], offset: ?>>
  linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%cv : memref<128xf32, strided<[1], offset: ?>>) outs(%o : memref<128xf32, strided<[1], offset: ?>>) {
  ^bb0(%v: f32, %w: f32):
    %zero = arith.constant 0.0 : f32
    %neg = arith.cmpf olt, %v, %zero : f32
    %r = arith.select %neg, %zero, %v : f32
    linalg.yield %r : f32
  }
  memref.dealloc %wide : memref<2x4x32xf32>
  return
}

// -----

// A pointwise convolution's [4, 10 * 10] result (the rows merged) copied
// into the interior of the padded [4, 12, 12] buffer that a Pad fills
// around it: the kernel stores there itself, n as row n / 10, column
// n % 10, a vector that runs past a row going on 2 elements further (one
// masked store per row it touches), before the border fills it moves
// ahead of; the copy and the buffer it copied go.
// CHECK-LABEL: func.func @pitched_rows
// CHECK: %[[PAD:.*]] = memref.alloc() : memref<4x12x12xf32>
// CHECK: %[[IN:.*]] = memref.subview %[[PAD]][0, 1, 1] [4, 10, 10] [1, 1, 1]
// CHECK: %[[ROWS:.*]] = memref.reinterpret_cast %[[IN]] to offset: [13], sizes: [550], strides: [1]
// CHECK: arith.divui %{{.*}}, %[[C10:.*]] : index
// CHECK: arith.remui
// CHECK: arith.cmpi slt, %{{.*}} : vector<16xi32>
// CHECK: vector.maskedstore %[[ROWS]]
// CHECK: arith.cmpi sge, %{{.*}} : vector<16xi32>
// CHECK: vector.maskedstore %[[ROWS]]
// CHECK: linalg.fill
// CHECK-NOT: memref.copy {{.*}} to memref<4x10x10xf32
// CHECK: memref.copy %[[PAD]], %arg2
// AVX2-LABEL: func.func @pitched_rows
// AVX2-NOT: memref.copy {{.*}} to memref<4x10x10xf32
// AVX2: memref.copy
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @pitched_rows(%w: memref<4x3xf32>, %x: memref<3x100xf32>, %out: memref<4x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x100xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x100xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%w, %x : memref<4x3xf32>, memref<3x100xf32>) outs(%c : memref<4x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %d = memref.alloc() : memref<4x100xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x100xf32>) outs(%d : memref<4x100xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  %rows = memref.expand_shape %d [[0], [1, 2]] output_shape [4, 10, 10] : memref<4x100xf32> into memref<4x10x10xf32>
  %pad = memref.alloc() : memref<4x12x12xf32>
  %top = memref.subview %pad[0, 0, 0] [4, 1, 12] [1, 1, 1] : memref<4x12x12xf32> to memref<4x1x12xf32, strided<[144, 12, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<4x1x12xf32, strided<[144, 12, 1]>>)
  %left = memref.subview %pad[0, 1, 0] [4, 10, 1] [1, 1, 1] : memref<4x12x12xf32> to memref<4x10x1xf32, strided<[144, 12, 1], offset: 12>>
  linalg.fill ins(%zero : f32) outs(%left : memref<4x10x1xf32, strided<[144, 12, 1], offset: 12>>)
  %in = memref.subview %pad[0, 1, 1] [4, 10, 10] [1, 1, 1] : memref<4x12x12xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
  memref.copy %rows, %in : memref<4x10x10xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
  memref.copy %pad, %out : memref<4x12x12xf32> to memref<4x12x12xf32>
  return
}

// -----

// The same, but a fill between the kernel and the copy writes part of the
// interior (the copy overwrites it): the kernel may not store there first,
// so the copy stays.
// CHECK-LABEL: func.func @pitched_rows_overwritten
// CHECK: vector.store
// CHECK: linalg.fill
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x10x10xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
func.func @pitched_rows_overwritten(%w: memref<4x3xf32>, %x: memref<3x100xf32>, %out: memref<4x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x100xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x100xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%w, %x : memref<4x3xf32>, memref<3x100xf32>) outs(%c : memref<4x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %d = memref.alloc() : memref<4x100xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x100xf32>) outs(%d : memref<4x100xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  %rows = memref.expand_shape %d [[0], [1, 2]] output_shape [4, 10, 10] : memref<4x100xf32> into memref<4x10x10xf32>
  %pad = memref.alloc() : memref<4x12x12xf32>
  %band = memref.subview %pad[0, 0, 0] [4, 2, 12] [1, 1, 1] : memref<4x12x12xf32> to memref<4x2x12xf32, strided<[144, 12, 1]>>
  linalg.fill ins(%zero : f32) outs(%band : memref<4x2x12xf32, strided<[144, 12, 1]>>)
  %in = memref.subview %pad[0, 1, 1] [4, 10, 10] [1, 1, 1] : memref<4x12x12xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
  memref.copy %rows, %in : memref<4x10x10xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
  memref.copy %pad, %out : memref<4x12x12xf32> to memref<4x12x12xf32>
  return
}

// -----

// A Pad's border fills run between a convolution and the activation that
// writes the padded buffer's interior: they write other windows of that
// buffer, so the activation is still the kernel's epilogue.
// CHECK-LABEL: func.func @epilogue_past_border_fills
// CHECK: vector.fma
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.maskedstore %{{.*}} : memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
// CHECK-NOT: linalg.generic
#a = affine_map<(m, k, h, w) -> (m, k)>
#b = affine_map<(m, k, h, w) -> (k, h, w)>
#c = affine_map<(m, k, h, w) -> (m, h, w)>
#id = affine_map<(m, h, w) -> (m, h, w)>
func.func @epilogue_past_border_fills(%w: memref<4x3xf32>, %x: memref<3x10x10xf32>, %out: memref<4x12x12xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x10x10xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
      ins(%w, %x : memref<4x3xf32>, memref<3x10x10xf32>) outs(%c : memref<4x10x10xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %pad = memref.alloc() : memref<4x12x12xf32>
  %top = memref.subview %pad[0, 0, 0] [4, 1, 12] [1, 1, 1] : memref<4x12x12xf32> to memref<4x1x12xf32, strided<[144, 12, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<4x1x12xf32, strided<[144, 12, 1]>>)
  %left = memref.subview %pad[0, 1, 0] [4, 10, 1] [1, 1, 1] : memref<4x12x12xf32> to memref<4x10x1xf32, strided<[144, 12, 1], offset: 12>>
  linalg.fill ins(%zero : f32) outs(%left : memref<4x10x1xf32, strided<[144, 12, 1], offset: 12>>)
  %in = memref.subview %pad[0, 1, 1] [4, 10, 10] [1, 1, 1] : memref<4x12x12xf32> to memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%c : memref<4x10x10xf32>) outs(%in : memref<4x10x10xf32, strided<[144, 12, 1], offset: 13>>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  memref.copy %pad, %out : memref<4x12x12xf32> to memref<4x12x12xf32>
  return
}

// -----

// A flattened pointwise convolution ([4, 100]) whose activation reads it
// as [4, 10, 10] and adds a residual of that shape: the residual is read
// with C's shape too, so the add and the ReLU are still the epilogue.
// CHECK-LABEL: func.func @residual_through_reshape
// CHECK-DAG: %[[OUT:.*]] = memref.reinterpret_cast %arg3 to offset: [0], sizes: [4, 100], strides: [100, 1]
// CHECK-DAG: %[[RES:.*]] = memref.reinterpret_cast %arg2 to offset: [0], sizes: [4, 100], strides: [100, 1]
// CHECK: vector.fma
// CHECK: vector.load %[[RES]]
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK-NOT: linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
#id = affine_map<(m, h, w) -> (m, h, w)>
func.func @residual_through_reshape(%w: memref<4x3xf32>, %x: memref<3x100xf32>, %res: memref<4x10x10xf32>, %out: memref<4x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x100xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x100xf32>)
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%w, %x : memref<4x3xf32>, memref<3x100xf32>) outs(%c : memref<4x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %rows = memref.expand_shape %c [[0], [1, 2]] output_shape [4, 10, 10] : memref<4x100xf32> into memref<4x10x10xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%rows, %res : memref<4x10x10xf32>, memref<4x10x10xf32>) outs(%out : memref<4x10x10xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %t = arith.addf %v, %r : f32
    %u = arith.maximumf %t, %zero : f32
    linalg.yield %u : f32
  }
  memref.dealloc %c : memref<4x100xf32>
  return
}

// -----

// 196 columns (a 14x14 map) are 6 blocks of 32 and 4 more; with 672 rows
// and 112 terms those 4 are worth a second parallel loop (their rows)
// rather than running on one thread after the others.
// CHECK-LABEL: func.func @parallel_column_tail
// CHECK: scf.parallel ({{.*}}) = ({{.*}}) to (%c192) step (%c32)
// CHECK: scf.parallel ({{.*}}) = ({{.*}}) to (%c672{{.*}}) step (%c12
// AVX2-LABEL: func.func @parallel_column_tail
// AVX2-NOT: scf.parallel
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @parallel_column_tail(%a: memref<672x112xf32>, %b: memref<112x196xf32>, %c: memref<672x196xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<672x112xf32>, memref<112x196xf32>) outs(%c : memref<672x196xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A depthwise convolution with its channels innermost (smelt-cpu-choose-
// vector-dim's layout): rows along the width, the channels in vectors of
// A and of the weights alike, the last 8 of 40 masked.
// CHECK-LABEL: func.func @depthwise_channels_last
// CHECK: scf.for %[[KH:arg[0-9]+]] = {{.*}} iter_args
// CHECK: scf.for %[[KW:arg[0-9]+]] = {{.*}} iter_args
// CHECK: %[[W:.*]] = vector.load %arg1[%[[KH]], %[[KW]], %{{.*}}] : memref<5x5x40xf32>, vector<16xf32>
// CHECK: %[[X:.*]] = vector.load %arg0[%{{.*}}, %{{.*}}, %{{.*}}] : memref<11x11x40xf32>, vector<16xf32>
// CHECK: vector.fma %[[X]], %[[W]]
// CHECK: vector.maskedload %arg0
// CHECK: vector.maskedstore %arg2
// CHECK-NOT: linalg.generic
func.func @depthwise_channels_last(%x: memref<11x11x40xf32>, %w: memref<5x5x40xf32>, %y: memref<7x7x40xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0 + d3, d1 + d4, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%x, %w : memref<11x11x40xf32>, memref<5x5x40xf32>) outs(%y : memref<7x7x40xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Both along n, but A not as its own innermost index: declined.
// CHECK-LABEL: func.func @both_read_n_transposed
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @both_read_n_transposed(%a: memref<32x8xf32>, %b: memref<8x32xf32>, %c: memref<32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(k, n) -> (n, k)>, affine_map<(k, n) -> (k, n)>, affine_map<(k, n) -> (n)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a, %b : memref<32x8xf32>, memref<8x32xf32>) outs(%c : memref<32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A convolution's bias broadcast, separated from it by the padding of
// another buffer, still starts the kernel's registers (read through the
// [C, 1] view's source); its activation still writes into the interior of
// the next padded buffer past the fill of that buffer's border.
// CHECK-LABEL: func.func @prologue_past_padding
// CHECK-NOT: linalg.generic
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : memref<1x16xf32, strided<[16, 1]>>)
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : memref<1x16xf32, strided<[16, 1]>>)
// CHECK: vector.load %arg2[%{{.*}}] : memref<16xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: arith.maximumf
// CHECK: vector.store %{{.*}}, %expand_shape
// CHECK-NOT: linalg.generic
func.func @prologue_past_padding(%a: memref<8x8xf32>, %b: memref<8x16xf32>, %bias: memref<16xf32>, %pad: memref<10x16xf32>, %out: memref<10x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %bias2 = memref.expand_shape %bias [[0, 1]] output_shape [16, 1] : memref<16xf32> into memref<16x1xf32>
  %c = memref.alloc() : memref<8x1x16xf32>
  linalg.generic {indexing_maps = [affine_map<(m, g, n) -> (n, g)>, affine_map<(m, g, n) -> (m, g, n)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bias2 : memref<16x1xf32>) outs(%c : memref<8x1x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  %top = memref.subview %pad[0, 0] [1, 16] [1, 1] : memref<10x16xf32> to memref<1x16xf32, strided<[16, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<1x16xf32, strided<[16, 1]>>)
  linalg.generic {indexing_maps = [affine_map<(m, g, k, n) -> (m, k)>, affine_map<(m, g, k, n) -> (k, n)>, affine_map<(m, g, k, n) -> (m, g, n)>],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x8xf32>, memref<8x16xf32>) outs(%c : memref<8x1x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %border = memref.subview %out[0, 0] [1, 16] [1, 1] : memref<10x16xf32> to memref<1x16xf32, strided<[16, 1]>>
  linalg.fill ins(%zero : f32) outs(%border : memref<1x16xf32, strided<[16, 1]>>)
  %inner = memref.subview %out[1, 0] [8, 16] [1, 1] : memref<10x16xf32> to memref<8x16xf32, strided<[16, 1], offset: 16>>
  %inner3 = memref.expand_shape %inner [[0, 1], [2]] output_shape [8, 1, 16] : memref<8x16xf32, strided<[16, 1], offset: 16>> into memref<8x1x16xf32, strided<[16, 16, 1], offset: 16>>
  linalg.generic {indexing_maps = [affine_map<(m, g, n) -> (m, g, n)>, affine_map<(m, g, n) -> (m, g, n)>],
                  iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%c : memref<8x1x16xf32>) outs(%inner3 : memref<8x1x16xf32, strided<[16, 16, 1], offset: 16>>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// What runs between the bias broadcast and the kernel writes the bias (or
// reads C): the broadcast stays an op of its own.
// CHECK-LABEL: func.func @prologue_input_rewritten
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK: vector.fma
// CHECK-LABEL: func.func @prologue_c_read
// CHECK: linalg.generic
// CHECK: linalg.copy
// CHECK: vector.fma
func.func @prologue_input_rewritten(%a: memref<8x8xf32>, %b: memref<8x16xf32>, %bias: memref<16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.fill ins(%zero : f32) outs(%bias : memref<16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x8xf32>, memref<8x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @prologue_c_read(%a: memref<8x8xf32>, %b: memref<8x16xf32>, %bias: memref<16xf32>, %c: memref<8x16xf32>, %d: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (n)>, affine_map<(m, n) -> (m, n)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  %view = memref.subview %c[0, 0] [8, 16] [1, 1] : memref<8x16xf32> to memref<8x16xf32, strided<[16, 1]>>
  linalg.copy ins(%view : memref<8x16xf32, strided<[16, 1]>>) outs(%d : memref<8x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x8xf32>, memref<8x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
