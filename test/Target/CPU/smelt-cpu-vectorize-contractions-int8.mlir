// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=512}))' | FileCheck %s
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=256 parallel=false}))' | FileCheck %s --check-prefix=AVX2
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=256 parallel=false byte-dot-product=false}))' | FileCheck %s --check-prefix=PAIRS

// The byte side of smelt-cpu-vectorize-contractions: the packed u8 x s8
// products and convolutions (dot products four k at a time, at 512 bits),
// their column packing, integer max pooling, and each reason one is
// declined (the f32 cases are in smelt-cpu-vectorize-contractions.mlir).


// Max pooling of int8 values: the window kernel runs on bytes, 64 lanes
// to a vector (each row's 16 outputs masked).
// CHECK-LABEL: func.func @integer_max_pool
// CHECK-NOT: linalg.generic
// CHECK: vector.maskedload %arg0
// CHECK: arith.maxsi {{.*}} : vector<64xi8>
// CHECK: vector.maskedstore %arg2
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @integer_max_pool(%x: memref<1x2x32x32xi8>, %w: memref<2x2xi8>, %y: memref<1x2x16x16xi8>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xi8>, memref<2x2xi8>) outs(%y : memref<1x2x16x16xi8>) {
  ^bb0(%in: i8, %unused: i8, %acc: i8):
    %m = arith.maxsi %in, %acc : i8
    linalg.yield %m : i8
  }
  return
}

// -----

// The maximum of the input with itself, not with the accumulator: not a
// window reduction.
// CHECK-LABEL: func.func @integer_window_of_input
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh * 2 + kh, ow * 2 + kw)>
#w = affine_map<(n, c, kh, kw, oh, ow) -> (kh, kw)>
#y = affine_map<(n, c, kh, kw, oh, ow) -> (n, c, oh, ow)>
func.func @integer_window_of_input(%x: memref<1x2x32x32xi8>, %w: memref<2x2xi8>, %y: memref<1x2x16x16xi8>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%x, %w : memref<1x2x32x32xi8>, memref<2x2xi8>) outs(%y : memref<1x2x16x16xi8>) {
  ^bb0(%in: i8, %unused: i8, %acc: i8):
    %m = arith.maxsi %in, %in : i8
    linalg.yield %m : i8
  }
  return
}

// -----

// A u8 x s8 product into int32 with B packed [ceil(K/4), N, 4] (the CPU
// lowering's layout): at 512 bits, one dot product of four bytes per int32
// lane, which smelt-cpu-select-vnni later turns into vpdpbusd; at 256 bits
// the same kernel on 8 lanes (plain vector code: AVX2 has no VNNI).
// CHECK-LABEL: func.func @int8_matmul
// CHECK-NOT: linalg.generic
// CHECK: vector.load %arg0{{.*}} : memref<3x8xi8>, vector<4xi8>
// CHECK: arith.extui {{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: arith.extsi {{.*}} : vector<64xi8> to vector<64xi32>
// CHECK: vector.multi_reduction <add>, {{.*}} [1] : vector<16x4xi32> to vector<16xi32>
// CHECK: vector.store {{.*}}, %arg2
// CHECK-NOT: linalg.generic
// AVX2-LABEL: func.func @int8_matmul
// AVX2-NOT: linalg.generic
// AVX2: arith.extsi {{.*}} : vector<32xi8> to vector<32xi32>
// AVX2: vector.multi_reduction <add>, {{.*}} [1] : vector<8x4xi32> to vector<8xi32>
// Without a byte dot product, each step sums pairs into 16 lanes (no
// shuffles: vpmaddwd's layout), started at zero; the pairs of each output
// join its start once the reduction is done.
// PAIRS-LABEL: func.func @int8_matmul
// PAIRS: arith.constant dense<0> : vector<16xi32>
// PAIRS: scf.for
// PAIRS: vector.multi_reduction <add>, {{.*}} [1] : vector<16x2xi32> to vector<16xi32>
// PAIRS: scf.yield
// PAIRS: vector.multi_reduction <add>, {{.*}} [1] : vector<8x2xi32> to vector<8xi32>
// PAIRS: vector.store
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @int8_matmul(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Two reduction loops (an int8 product summed over groups too): the int8
// kernel reduces over one k.
// CHECK-LABEL: func.func @two_reductions_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, g, k) -> (m, g, k)>
#b = affine_map<(m, n, g, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, g, k) -> (m, n)>
func.func @two_reductions_int8(%a: memref<3x2x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : memref<3x2x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// acc + x * w + 1: one op more than the dot product's four.
// CHECK-LABEL: func.func @offset_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @offset_int8(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %one = arith.constant 1 : i32
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    %4 = arith.addi %3, %one : i32
    linalg.yield %4 : i32
  }
  return
}

// -----

// acc - x * w: the dot product adds.
// CHECK-LABEL: func.func @subtract_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @subtract_int8(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.subi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// acc + (x + w): a sum of the bytes, not their product.
// CHECK-LABEL: func.func @sum_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @sum_int8(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.addi %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// 16-bit activations: VNNI multiplies bytes.
// CHECK-LABEL: func.func @int16_activations
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @int16_activations(%a: memref<3x8xi16>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi16>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i16, %w: i8, %acc: i32):
    %0 = arith.extui %x : i16 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// The same values as 16-bit words packed two k to a lane ([ceil(K/2), N,
// 2]: the conversion's layout without a byte dot product): each step's
// pair sums are the outputs' own (one vpmaddwd per vector), no pair
// accumulators, no extension of bytes. A's pair is one 32-bit broadcast.
// CHECK-LABEL: func.func @int16_pairs
// CHECK: vector.load %arg0{{.*}} : memref<3x8xi16>, vector<2xi16>
// CHECK: arith.extsi {{.*}} : vector<32xi16> to vector<32xi32>
// CHECK: vector.multi_reduction <add>, {{.*}} [1] : vector<16x2xi32> to vector<16xi32>
// PAIRS-LABEL: func.func @int16_pairs
// PAIRS-NOT: dense<0> : vector<16xi32>
// PAIRS: scf.for
// PAIRS: vector.load %collapse_shape{{.*}} : memref<4x64xi16>, vector<16xi16>
// PAIRS: vector.load %arg0{{.*}} : memref<3x8xi16>, vector<2xi16>
// PAIRS: vector.bitcast {{.*}} : vector<8xi32> to vector<16xi16>
// PAIRS: vector.multi_reduction <add>, {{.*}} [1] : vector<8x2xi32> to vector<8xi32>
// PAIRS: scf.yield
// PAIRS-NOT: vector<8x2xi32>
// PAIRS: vector.store
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 2, n, k mod 2)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @int16_pairs(%a: memref<3x8xi16>, %b: memref<4x32x2xi16>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi16>, memref<4x32x2xi16>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i16, %w: i16, %acc: i32):
    %0 = arith.extsi %x : i16 to i32
    %1 = arith.extsi %w : i16 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// A packed operand past the cache (52 x 5184 x 4 bytes, 1.08 MB): k runs
// in blocks of 16 packed rows (64 k), each over all columns, so the
// kernel reads 16 streams of B at a time; the last block holds the rest
// (207 = 3 * 64 + 15: three full groups, then three k read masked).
// Below the cache (@int8_matmul) k runs whole.
// CHECK-LABEL: func.func @int8_blocked
// CHECK: scf.for %[[K0:.*]] = %c64 to %c192 step %c64
// CHECK: scf.parallel
// CHECK: %[[G0:.*]] = arith.divui %[[K0]], %c4
// CHECK: scf.for %{{.*}} = %[[G0]] to
// CHECK: arith.divui %c192{{.*}}, %c4
// CHECK: vector.maskedload %arg0{{.*}} : memref<8x207xi8>, vector<4xi1>, vector<4xi8>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @int8_blocked(%a: memref<8x207xi8>, %b: memref<52x5184x4xi8>, %c: memref<8x5184xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x207xi8>, memref<52x5184x4xi8>) outs(%c : memref<8x5184xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Words zero-extended: vpmaddwd multiplies signed words.
// CHECK-LABEL: func.func @unsigned_words
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 2, n, k mod 2)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @unsigned_words(%a: memref<3x8xi16>, %b: memref<4x32x2xi16>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi16>, memref<4x32x2xi16>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i16, %w: i16, %acc: i32):
    %0 = arith.extui %x : i16 to i32
    %1 = arith.extsi %w : i16 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// Both operands zero-extended: VNNI multiplies an unsigned byte by a
// signed one.
// CHECK-LABEL: func.func @both_unsigned_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @both_unsigned_int8(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extui %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// A dynamic number of rows.
// CHECK-LABEL: func.func @dynamic_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @dynamic_int8(%a: memref<?x8xi8>, %b: memref<2x32x4xi8>, %c: memref<?x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x8xi8>, memref<2x32x4xi8>) outs(%c : memref<?x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// C's rows are strided.
// CHECK-LABEL: func.func @strided_output_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @strided_output_int8(%a: memref<3x8xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32, strided<[64, 2]>>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32, strided<[64, 2]>>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// B in its plain [K, N] layout (the neutral lowering's), not packed four
// k at a time.
// CHECK-LABEL: func.func @unpacked_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @unpacked_int8(%a: memref<3x8xi8>, %b: memref<8x32xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<3x8xi8>, memref<8x32xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// A read as [k, m]: the kernel loads four consecutive k of a row.
// CHECK-LABEL: func.func @transposed_a_int8
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#a = affine_map<(m, n, k) -> (k, m)>
#b = affine_map<(m, n, k) -> (k floordiv 4, n, k mod 4)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @transposed_a_int8(%a: memref<8x3xi8>, %b: memref<2x32x4xi8>, %c: memref<3x32xi32>) {
  linalg.generic {indexing_maps = [#a, #b, #c],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x3xi8>, memref<2x32x4xi8>) outs(%c : memref<3x32xi32>) {
  ^bb0(%x: i8, %w: i8, %acc: i32):
    %0 = arith.extui %x : i8 to i32
    %1 = arith.extsi %w : i8 to i32
    %2 = arith.muli %0, %1 : i32
    %3 = arith.addi %acc, %2 : i32
    linalg.yield %3 : i32
  }
  return
}

// -----

// The int8 convolution's column packing (four k of each output pixel
// together): at 512 bits, four rows of 16 bytes interleaved by shuffles
// into one 64-byte store per 16 pixels; at 256 bits one 32-byte store per
// 8 pixels.
// CHECK-LABEL: func.func @int8_column_packing
// CHECK-NOT: linalg.generic
// CHECK: scf.parallel
// CHECK-COUNT-4: vector.load %arg0{{.*}} : memref<1x4x4x32xi8>, vector<16xi8>
// CHECK: vector.shuffle
// CHECK: vector.store {{.*}} : memref<1x1x4x128xi8>, vector<64xi8>
// CHECK-NOT: linalg.generic
// AVX2-LABEL: func.func @int8_column_packing
// AVX2-NOT: linalg.generic
// AVX2: vector.store {{.*}} : memref<1x1x4x128xi8>, vector<32xi8>
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @int8_column_packing(%x: memref<1x4x4x32xi8>, %out: memref<1x1x4x32x4xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x32xi8>) outs(%out : memref<1x1x4x32x4xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// The column packing in 16-bit words, two k to a lane: two rows of bytes,
// each extended as the copy says, interleaved into one store of 2 * lanes
// words (16 at 256 bits).
// CHECK-LABEL: func.func @int16_column_packing
// CHECK-NOT: linalg.generic
// CHECK-COUNT-2: vector.load %arg0{{.*}} : memref<1x2x4x32xi8>, vector<16xi8>
// CHECK: arith.extui {{.*}} : vector<16xi8> to vector<16xi16>
// CHECK: vector.shuffle
// CHECK: vector.store {{.*}} : memref<1x1x4x64xi16>, vector<32xi16>
// AVX2-LABEL: func.func @int16_column_packing
// AVX2: vector.store {{.*}} : memref<1x1x4x64xi16>, vector<16xi16>
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @int16_column_packing(%x: memref<1x2x4x32xi8>, %out: memref<1x1x4x32x2xi16>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x2x4x32xi8>) outs(%out : memref<1x1x4x32x2xi16>) {
  ^bb0(%in: i8, %o: i16):
    %w = arith.extui %in : i8 to i16
    linalg.yield %w : i16
  }
  return
}

// -----

// A copy that also computes (x xor 1) is not the column packing.
// CHECK-LABEL: func.func @packing_computes
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_computes(%x: memref<1x4x4x32xi8>, %out: memref<1x1x4x32x4xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x32xi8>) outs(%out : memref<1x1x4x32x4xi8>) {
  ^bb0(%in: i8, %o: i8):
    %one = arith.constant 1 : i8
    %r = arith.xori %in, %one : i8
    linalg.yield %r : i8
  }
  return
}

// -----

// Written at (d0, d1, d2, d3, d4): not the packed order, whose four k are
// innermost.
// CHECK-LABEL: func.func @packing_unpermuted
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
func.func @packing_unpermuted(%x: memref<1x4x4x32xi8>, %out: memref<1x1x4x4x32xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x32xi8>) outs(%out : memref<1x1x4x4x32xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// The input advances by 3 per output column: the packing loads rows at
// stride 1 or 2.
// CHECK-LABEL: func.func @packing_stride_3
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4 * 3)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_stride_3(%x: memref<1x4x4x94xi8>, %out: memref<1x1x4x32x4xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x94xi8>) outs(%out : memref<1x1x4x32x4xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// The column also moves the input's row (d3 + d4): a row of x is not a
// row of the output.
// CHECK-LABEL: func.func @packing_column_in_row
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3 + d4, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_column_in_row(%x: memref<1x4x35x32xi8>, %out: memref<1x1x4x32x4xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x35x32xi8>) outs(%out : memref<1x1x4x32x4xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// A strided input: the packing reads whole rows with vector loads.
// CHECK-LABEL: func.func @packing_strided_input
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_strided_input(%x: memref<1x4x4x32xi8, strided<[1024, 256, 64, 2]>>, %out: memref<1x1x4x32x4xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x4x4x32xi8, strided<[1024, 256, 64, 2]>>) outs(%out : memref<1x1x4x32x4xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}

// -----

// Eight k per column, not four: not the layout the int8 kernels read.
// CHECK-LABEL: func.func @packing_eight_k
// CHECK-NOT: vector.
// CHECK: linalg.generic
// CHECK-NOT: vector.
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 8 + d2, d3, d4)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
func.func @packing_eight_k(%x: memref<1x8x4x32xi8>, %out: memref<1x1x4x32x8xi8>) {
  linalg.generic {indexing_maps = [#x, #o],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x8x4x32xi8>) outs(%out : memref<1x1x4x32x8xi8>) {
  ^bb0(%in: i8, %o: i8):
    linalg.yield %in : i8
  }
  return
}
