// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-elementwise{vector-bits=512}))' | FileCheck %s

// A nearest Resize by 2 fused with the Add that reads it: each vector of 16
// results reads 8 elements of the small operand and repeats each twice
// with one shuffle; the other operand loads whole; 40 = 2 * 16 + 8, so the
// last 8 run as scalars.
// CHECK-LABEL: func.func @upsample_add
// CHECK-NOT: scf.parallel
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

// -----

// Tensors, not buffers: bufferization comes first.
// CHECK-LABEL: func.func @on_tensors
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @on_tensors(%x: tensor<4x32xf32>, %y: tensor<4x32xf32>, %out: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x32xf32>, tensor<4x32xf32>) outs(%out : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %0 : tensor<4x32xf32>
}

// -----

// The body reads the output's old value (an accumulation): each vector of
// the output is loaded, updated and stored.
// CHECK-LABEL: func.func @reads_output
// CHECK: scf.for
// CHECK: scf.for
// CHECK-DAG: %[[X:.*]] = vector.load %arg0{{.*}} : memref<4x32xf32>, vector<16xf32>
// CHECK-DAG: %[[Y:.*]] = vector.load %arg1{{.*}} : memref<4x32xf32>, vector<16xf32>
// CHECK-DAG: %[[O:.*]] = vector.load %arg2{{.*}} : memref<4x32xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : vector<16xf32>
// CHECK: %[[T:.*]] = arith.addf %[[S]], %[[O]] : vector<16xf32>
// CHECK: vector.store %[[T]], %arg2
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @reads_output(%x: memref<4x32xf32>, %y: memref<4x32xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.addf %s, %o : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// A row sum (a pooling over the innermost dim, a LayerNorm's mean): per
// row, 37 = 2 * 16 + 5 elements into one vector of partial sums from -0.0
// (the neutral element of addf), reduced across lanes (reassociated) onto
// the output's value, then the last 5 elements one at a time.
// CHECK-LABEL: func.func @reduction
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: %[[START:.*]] = memref.load %arg1[%[[I]]]
// CHECK: %[[ZERO:.*]] = arith.constant dense<-0.000000e+00> : vector<16xf32>
// CHECK: %[[PART:.*]] = scf.for %[[J:[a-z0-9]+]] = %{{.*}} to %c32{{.*}} step %c16{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<16xf32>)
// CHECK: %[[V:.*]] = vector.load %arg0[%[[I]], %[[J]]] : memref<4x37xf32>, vector<16xf32>
// CHECK: %[[NEXT:.*]] = arith.addf %[[V]], %[[ACC]] : vector<16xf32>
// CHECK: scf.yield %[[NEXT]]
// CHECK: %[[ROW:.*]] = vector.reduction <add>, %[[PART]], %[[START]] fastmath<reassoc> : vector<16xf32> into f32
// CHECK: %[[ALL:.*]] = scf.for %{{.*}} = %c32{{.*}} to %c37{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %[[ROW]]) -> (f32)
// CHECK: memref.load %arg0
// CHECK: arith.addf {{.*}} : f32
// CHECK: memref.store %[[ALL]], %arg1[%[[I]]]
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @reduction(%x: memref<4x37xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x37xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A maximum over the innermost dim of (x - m), m broadcast per row (a
// Softmax's first step): the partials start at -inf, the reduction is
// exact (no fastmath).
// CHECK-LABEL: func.func @row_maximum
// CHECK: arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: scf.for
// CHECK: memref.load %arg1
// CHECK: vector.broadcast
// CHECK: arith.subf {{.*}} : vector<16xf32>
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.reduction <maximumf>, %{{.*}}, %{{.*}} : vector<16xf32> into f32
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @row_maximum(%x: memref<4x32xf32>, %m: memref<4xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x, %m : memref<4x32xf32>, memref<4xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %s = arith.maximumf %o, %d : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A sum over the outer dim of a [64, 48] buffer into 48 outputs (a pooling
// of a channel-innermost map): the innermost loop is parallel, so each
// vector of the output is read, updated and written at every row, and
// nothing reassociates. The reduction loop comes after the parallel ones
// (here none of more than one iteration besides the vector loop, which is
// not split under a reduction).
// CHECK-LABEL: func.func @outer_reduction
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: scf.for %[[R:.*]] =
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[X:.*]] = vector.load %arg0[%{{.*}}, %[[R]], %[[C]]] : memref<1x64x48xf32>, vector<16xf32>
// CHECK: %[[O:.*]] = vector.load %arg1[%{{.*}}, %[[C]]] : memref<1x48xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %[[O]], %[[X]] : vector<16xf32>
// CHECK: vector.store %[[S]], %arg1[%{{.*}}, %[[C]]]
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @outer_reduction(%x: memref<1x64x48xf32>, %out: memref<1x48xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<1x64x48xf32>) outs(%out : memref<1x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %o, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same sum written with the reduction innermost (a global pooling of
// a convolution's [HW, C] result, the ReLU fused, loops (c, hw)): the
// input runs contiguously along the output's loop, so the two loops swap
// and it runs as above, each output's terms still in order.
// CHECK-LABEL: func.func @reduction_across_rows
// CHECK: scf.for
// CHECK: scf.for %[[R:.*]] =
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-DAG: %[[X:.*]] = vector.load %arg0[%{{.*}}, %[[R]], %[[C]]] : memref<1x64x48xf32>, vector<16xf32>
// CHECK-DAG: %[[O:.*]] = vector.load %arg1[%{{.*}}, %[[C]]] : memref<1x48xf32>, vector<16xf32>
// CHECK: %[[Y:.*]] = arith.maximumf %[[X]], %{{.*}} : vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %[[O]], %[[Y]] : vector<16xf32>
// CHECK: vector.store %[[S]], %arg1[%{{.*}}, %[[C]]]
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @reduction_across_rows(%x: memref<1x64x48xf32>, %out: memref<1x48xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<1x64x48xf32>) outs(%out : memref<1x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    %s = arith.addf %o, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The same with a residual laid out the other way ([48, 64]: contiguous
// along the reduced loop) added before the pooling: it is read in 16 x 16
// tiles transposed in registers, whose rows go one after the other, so
// each output still sums its 64 terms in order.
// CHECK-LABEL: func.func @pooled_sum_of_two_layouts
// CHECK: scf.for
// CHECK: scf.for %[[R:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-COUNT-16: vector.load %arg1[%{{.*}}, %{{.*}}, %[[R]]] : memref<1x48x64xf32>, vector<16xf32>
// CHECK: vector.shuffle
// CHECK: vector.load %arg0[%{{.*}}, %[[R]], %[[C]]] : memref<1x64x48xf32>, vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %arg2[%{{.*}}, %[[C]]]
// CHECK-NOT: linalg.generic
#in = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
#res = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @pooled_sum_of_two_layouts(%x: memref<1x64x48xf32>, %y: memref<1x48x64xf32>, %out: memref<1x48xf32>) {
  linalg.generic {indexing_maps = [#in, #res, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : memref<1x64x48xf32>, memref<1x48x64xf32>) outs(%out : memref<1x48xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %v = arith.addf %a, %b : f32
    %s = arith.addf %o, %v : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A large row sum splits its rows (a parallel loop) across threads, never
// its reduction.
// CHECK-LABEL: func.func @parallel_rows
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.reduction <add>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @parallel_rows(%x: memref<512x128xf32>, %out: memref<512xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<512x128xf32>) outs(%out : memref<512xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A dynamic innermost extent: the vector loop and its scalar tail are
// laid out at compile time.
// CHECK-LABEL: func.func @dynamic_width
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @dynamic_width(%x: memref<4x?xf32>, %y: memref<4x?xf32>, %out: memref<4x?xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x?xf32>, memref<4x?xf32>) outs(%out : memref<4x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows of 8, shorter than one vector of 16 lanes: one masked vector each
// (the lanes past the row read zeros and store nothing).
// CHECK-LABEL: func.func @short_rows
// CHECK-NOT: linalg.generic
// CHECK: %[[M:.*]] = arith.constant dense<[true, true, true, true, true, true, true, true, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK: vector.maskedload %arg0[%{{.*}}, %c0{{.*}}], %[[M]], %{{.*}} : memref<4x8xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: vector.maskedload %arg1
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: vector.maskedstore %arg2[%{{.*}}, %c0{{.*}}], %[[M]], %{{.*}} : memref<4x8xf32>, vector<16xi1>, vector<16xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @short_rows(%x: memref<4x8xf32>, %y: memref<4x8xf32>, %out: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x8xf32>, memref<4x8xf32>) outs(%out : memref<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The output is written transposed: its innermost index is not the
// innermost loop, so a vector of results is not contiguous.
// CHECK-LABEL: func.func @transposed_output
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_output(%x: memref<4x32xf32>, %y: memref<4x32xf32>, %out: memref<32x4xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #tr], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x32xf32>) outs(%out : memref<32x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The output's rows are strided (every other element): vector stores
// would write the gaps.
// CHECK-LABEL: func.func @strided_output
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @strided_output(%x: memref<4x32xf32>, %y: memref<4x32xf32>, %out: memref<4x32xf32, strided<[64, 2]>>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x32xf32>) outs(%out : memref<4x32xf32, strided<[64, 2]>>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An index-typed value in the body has no vector form here: left alone.
// CHECK-LABEL: func.func @index_result
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @index_result(%x: memref<4x32xf32>, %y: memref<4x32xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %i = arith.fptosi %s : f32 to i32
    %j = arith.index_cast %i : i32 to index
    %k = arith.index_cast %j : index to i32
    %f = arith.sitofp %k : i32 to f32
    linalg.yield %f : f32
  }
  return
}

// -----

// A lookup (memref.load at a computed index) is not an elementwise op:
// the body cannot run on vectors as it is.
// CHECK-LABEL: func.func @table_lookup
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
memref.global "private" constant @table : memref<256xf32> = dense<1.0>
func.func @table_lookup(%x: memref<4x32xi8>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x32xi8>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: i8, %o: f32):
    %t = memref.get_global @table : memref<256xf32>
    %w = arith.extui %a : i8 to i32
    %i = arith.index_cast %w : i32 to index
    %v = memref.load %t[%i] : memref<256xf32>
    linalg.yield %v : f32
  }
  return
}

// -----

// An i1 input (a select's condition): a byte per element in memory, a bit
// per lane in vectors.
// CHECK-LABEL: func.func @boolean_input
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @boolean_input(%x: memref<4x32xi1>, %y: memref<4x32xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xi1>, memref<4x32xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: i1, %b: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %s = arith.select %a, %b, %zero : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An input read transposed (contiguous along d0, the output along d1)
// loads 16 rows of 16 along d0, transposes them with 4 x 16 shuffles
// (the last stage swaps halves: lanes 0-7 with 16-23), and adds each
// column to a contiguous vector of the other input: 40 = 2 * 16 + 8
// columns and 20 = 16 + 4 rows, so both tails run as scalars.
// CHECK-LABEL: func.func @transposed_input
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: %[[ROW:.*]] = vector.load %arg1[%[[I]], %[[J]]] : memref<40x20xf32>, vector<16xf32>
// CHECK-COUNT-15: vector.load %arg1
// CHECK-COUNT-48: vector.shuffle
// CHECK: vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK: %[[X:.*]] = vector.load %arg0[%[[J]], %[[I]]] : memref<20x40xf32>, vector<16xf32>
// CHECK: arith.addf %[[X]], %{{.*}} : vector<16xf32>
// CHECK: vector.store %{{.*}}, %arg2[%[[J]], %[[I]]]
// CHECK-COUNT-15: vector.store
// CHECK: memref.load %arg1
// CHECK: arith.addf {{.*}} : f32
// CHECK: memref.load %arg1
// CHECK: arith.addf {{.*}} : f32
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_input(%x: memref<20x40xf32>, %y: memref<40x20xf32>, %out: memref<20x40xf32>) {
  linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<20x40xf32>, memref<40x20xf32>) outs(%out : memref<20x40xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// NCHW from NHWC (a layout change fused with its Relu): the input is
// contiguous along the channels, d1, which runs in blocks of 16 outside
// the width, d3.
// CHECK-LABEL: func.func @channels_last_to_first
// CHECK: scf.for
// CHECK: scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: scf.for
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: vector.load %arg0[%{{.*}}, %{{.*}}, %[[W]], %[[C]]] : memref<1x8x16x32xf32>, vector<16xf32>
// CHECK: vector.shuffle
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.store %{{.*}}, %arg1[%{{.*}}, %[[C]], %{{.*}}, %[[W]]] : memref<1x32x8x16xf32>, vector<16xf32>
#nhwc = affine_map<(n, c, h, w) -> (n, h, w, c)>
#nchw = affine_map<(n, c, h, w) -> (n, c, h, w)>
func.func @channels_last_to_first(%x: memref<1x8x16x32xf32>, %out: memref<1x32x8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#nhwc, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x8x16x32xf32>) outs(%out : memref<1x32x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Transposed along a loop of 4, shorter than the 16 lanes of a tile: one
// block of 16 rows loaded masked to their first 4 lanes, transposed, and
// its first 4 columns computed (a vector each along the 32).
// CHECK-LABEL: func.func @transposed_short
// CHECK: %[[ROWS:.*]] = arith.constant dense<[true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK-COUNT-16: vector.maskedload %{{.*}}, %[[ROWS]]
// CHECK-COUNT-4: vector.store {{.*}} : memref<4x32xf32>, vector<16xf32>
// CHECK-NOT: vector.store
// CHECK-NOT: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_short(%x: memref<4x32xf32>, %y: memref<32x4xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<32x4xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Along a loop of 3 a tile's loads and shuffles cost more than its points.
// CHECK-LABEL: func.func @transposed_too_short
// CHECK-NOT: vector.
// CHECK: linalg.generic
#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @transposed_too_short(%y: memref<32x3xf32>, %out: memref<3x32xf32>) {
  linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y : memref<32x3xf32>) outs(%out : memref<3x32xf32>) {
  ^bb0(%b: f32, %o: f32):
    linalg.yield %b : f32
  }
  return
}

// -----

// An input ending in a dimension of one element ([C, 1]: a grouped
// convolution's bias) is read through a view without it: contiguous along
// the channels, not transposed along the loop of 1 that names its last
// index.
// CHECK-LABEL: func.func @trailing_unit
// CHECK: %[[VIEW:.*]] = memref.collapse_shape %arg0 {{\[}}[0, 1]] : memref<48x1xf32> into memref<48xf32>
// CHECK: vector.load %[[VIEW]]
// CHECK-NOT: linalg.generic
func.func @trailing_unit(%bias: memref<48x1xf32>, %out: memref<1x1x7x7x48xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d4, d1)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : memref<48x1xf32>) outs(%out : memref<1x1x7x7x48xf32>) {
  ^bb0(%b: f32, %o: f32):
    linalg.yield %b : f32
  }
  return
}

// -----

// An upsampling by 3 does not divide the 16 lanes: each vector would
// start part-way through a repeated element.
// CHECK-LABEL: func.func @upsample_by_3
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
#by3 = affine_map<(d0, d1) -> (d0, d1 floordiv 3)>
func.func @upsample_by_3(%x: memref<4x33xf32>, %y: memref<4x11xf32>, %out: memref<4x33xf32>) {
  linalg.generic {indexing_maps = [#id, #by3, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x33xf32>, memref<4x11xf32>) outs(%out : memref<4x33xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An input read at d1 mod 2 (a tiling) is neither contiguous, a
// broadcast, nor an upsampling.
// CHECK-LABEL: func.func @modulo_read
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
#mod2 = affine_map<(d0, d1) -> (d0, d1 mod 2)>
func.func @modulo_read(%x: memref<4x32xf32>, %y: memref<4x2xf32>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #mod2, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x2xf32>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An input whose rows are strided is not read contiguously.
// CHECK-LABEL: func.func @strided_input
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @strided_input(%x: memref<4x32xf32>, %y: memref<4x32xf32, strided<[64, 2]>>, %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<4x32xf32>, memref<4x32xf32, strided<[64, 2]>>) outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}


// -----

// 65,536 elements: the rows split across threads (ParallelCost.h); the
// small ops above stay on one.
// CHECK-LABEL: func.func @large_add
// CHECK: scf.parallel (%[[R:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: scf.for %[[W:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK: vector.load %arg0[%[[R]], %[[W]]] : memref<64x1024xf32>, vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<16xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @large_add(%x: memref<64x1024xf32>, %y: memref<64x1024xf32>, %out: memref<64x1024xf32>) {
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : memref<64x1024xf32>, memref<64x1024xf32>) outs(%out : memref<64x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A linalg.transpose (of a graph input, which nothing fused) is an
// elementwise generic with a permuted read: transposed in registers.
// CHECK-LABEL: func.func @named_transpose
// CHECK-NOT: linalg.transpose
// CHECK: vector.load %arg0{{.*}} : memref<32x48xf32>, vector<16xf32>
// CHECK: vector.shuffle
// CHECK: vector.store {{.*}}, %arg1{{.*}} : memref<48x32xf32>, vector<16xf32>
func.func @named_transpose(%x: memref<32x48xf32>, %out: memref<48x32xf32>) {
  linalg.transpose ins(%x : memref<32x48xf32>) outs(%out : memref<48x32xf32>) permutation = [1, 0]
  return
}

// -----

// A flattened op of one dimension splits its vector loop across threads;
// the last 4 elements run as one masked vector after it.
// CHECK-LABEL: func.func @flat_relu
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: vector.load %arg0[%[[I]]] : memref<40004xf32>, vector<16xf32>
// CHECK: scf.reduce
// CHECK: %[[TAIL:.*]] = arith.constant 40000 : index
// CHECK: vector.maskedload %arg0[%[[TAIL]]]
// CHECK: vector.maskedstore %arg1[%[[TAIL]]]
#id = affine_map<(d0) -> (d0)>
func.func @flat_relu(%x: memref<40004xf32>, %out: memref<40004xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<40004xf32>) outs(%out : memref<40004xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A fill (a Pad's border column: one element per row of a padded map)
// runs as the pass's own loops: one masked store per row, and split
// across threads by channel (each row costs a cache line, so 384 x 14
// rows are worth splitting though they are 5376 elements).
// CHECK-LABEL: func.func @border_column
// CHECK-NOT: linalg.fill
// CHECK: scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%c384{{.*}})
// CHECK: vector.maskedstore %arg0[%{{.*}}, %[[C]], %{{.*}}, %c0{{.*}}], %{{.*}}, %{{.*}} : memref<1x384x14x1xf32, strided<[98304, 256, 16, 1], offset: 16>>, vector<16xi1>, vector<16xf32>
func.func @border_column(%b: memref<1x384x14x1xf32, strided<[98304, 256, 16, 1], offset: 16>>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%b : memref<1x384x14x1xf32, strided<[98304, 256, 16, 1], offset: 16>>)
  return
}
