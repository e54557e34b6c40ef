// RUN: smelt-opt %s --split-input-file --smelt-cpu-choose-vector-dim=vector-bits=512 | FileCheck %s

// A 3x3 convolution on a 7x7 map (7 of 16 lanes along the width) runs along
// its 64 output channels instead, in tiles of two vectors: the weights
// [G, F, C, KH, KW] become [G, F/32, C, KH, KW, 32], the result and its
// initial value (the bias) are transposed to and from [N, G, OH, OW, F].
#in = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d3, d4 + d6, d5 + d7)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d2, d3, d4, d5, d8)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d1, d6, d7, d2, d8)>
// CHECK-DAG: #[[TO:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d2, d3)>
// CHECK-DAG: #[[BACK:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4, d2)>
// CHECK-LABEL: func.func @conv_7x7
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x8x9x9xf32>, %[[BIAS:.*]]: tensor<1x1x64x7x7xf32>)
// CHECK: %[[TILED:.*]] = arith.constant dense<1.000000e+00> : tensor<1x2x32x8x3x3xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[TILED]] : tensor<1x2x32x8x3x3xf32>) outs(%{{.*}} : tensor<1x2x8x3x3x32xf32>) permutation = [0, 1, 3, 4, 5, 2]
// CHECK: %[[BT:.*]] = linalg.generic {indexing_maps = [#[[TO]], {{.*}}]{{.*}} ins(%[[BIAS]] : tensor<1x1x64x7x7xf32>) outs(%{{.*}} : tensor<1x1x7x7x64xf32>)
// CHECK: %[[INIT:.*]] = tensor.expand_shape %[[BT]] {{\[}}[0], [1], [2], [3], [4, 5]] output_shape [1, 1, 7, 7, 2, 32]
// CHECK: %[[C:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel", "parallel"]} ins(%[[X]], %[[WT]] : tensor<1x1x8x9x9xf32>, tensor<1x2x8x3x3x32xf32>) outs(%[[INIT]] : tensor<1x1x7x7x2x32xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1], [2], [3], [4, 5]] : tensor<1x1x7x7x2x32xf32> into tensor<1x1x7x7x64xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[BACK]], {{.*}}]{{.*}} ins(%[[FLAT]] : tensor<1x1x7x7x64xf32>) outs(%{{.*}} : tensor<1x1x64x7x7xf32>)
// CHECK: return %[[R]]
func.func @conv_7x7(%x: tensor<1x1x8x9x9xf32>, %bias: tensor<1x1x64x7x7xf32>) -> tensor<1x1x64x7x7xf32> {
  %w = arith.constant dense<1.0> : tensor<1x64x8x3x3xf32>
  %0 = linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x1x8x9x9xf32>, tensor<1x64x8x3x3xf32>) outs(%bias : tensor<1x1x64x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x64x7x7xf32>
  return %0 : tensor<1x1x64x7x7xf32>
}

// -----

// 16 channels are one vector, not a tile of two: the weights are only
// transposed (a constant seen through a reshape); the initial value gets
// the same transpose (which canonicalization folds). The 5x5 map's
// rows merge first (25 outputs: 25 of 32 lanes).
// CHECK-LABEL: func.func @pointwise_one_vector
// CHECK: linalg.transpose ins(%{{.*}} : tensor<16x128xf32>) outs(%{{.*}} : tensor<128x16xf32>) permutation = [1, 0]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<128x25xf32>, tensor<128x16xf32>) outs(%{{.*}} : tensor<25x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<25x16xf32>) outs(%{{.*}} : tensor<16x25xf32>)
func.func @pointwise_one_vector(%x: tensor<128x5x5xf32>) -> tensor<16x5x5xf32> {
  %flat = arith.constant dense<2.0> : tensor<2048xf32>
  %w = tensor.expand_shape %flat [[0, 1]] output_shape [16, 128] : tensor<2048xf32> into tensor<16x128xf32>
  %e = tensor.empty() : tensor<16x5x5xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<128x5x5xf32>, tensor<16x128xf32>) outs(%e : tensor<16x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16x5x5xf32>
  return %0 : tensor<16x5x5xf32>
}

// -----

// A 3x3 convolution on a 56x56 map: more outputs per channel than
// max-plane, and its width fills 56 of 64 lanes: left as it is.
// CHECK-LABEL: func.func @large_map_3x3
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
func.func @large_map_3x3(%x: tensor<64x58x58xf32>, %init: tensor<64x56x56xf32>) -> tensor<64x56x56xf32> {
  %w = arith.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d1 + d4, d2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<64x58x58xf32>, tensor<64x64x3x3xf32>) outs(%init : tensor<64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x56x56xf32>
  return %0 : tensor<64x56x56xf32>
}

// -----

// The same on a 35x35 map, past max-plane too, but its width fills 35 of
// 48 lanes: along the channels, in two tiles of 32.
// CHECK-LABEL: func.func @poor_lanes
// CHECK: linalg.transpose
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<35x35x2x32xf32>)
func.func @poor_lanes(%x: tensor<64x37x37xf32>, %init: tensor<64x35x35xf32>) -> tensor<64x35x35xf32> {
  %w = arith.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d1 + d4, d2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%x, %w : tensor<64x37x37xf32>, tensor<64x64x3x3xf32>) outs(%init : tensor<64x35x35xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x35x35xf32>
  return %0 : tensor<64x35x35xf32>
}

// -----

// A 56x56 map: more outputs per channel than max-plane, left as it is.
// CHECK-LABEL: func.func @large_map
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
func.func @large_map(%x: tensor<8x56x56xf32>, %init: tensor<64x56x56xf32>) -> tensor<64x56x56xf32> {
  %w = arith.constant dense<1.0> : tensor<64x8xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x56x56xf32>, tensor<64x8xf32>) outs(%init : tensor<64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x56x56xf32>
  return %0 : tensor<64x56x56xf32>
}

// -----

// A 16x16 map fills the lanes along its width: left as it is.
// CHECK-LABEL: func.func @full_lanes
// CHECK-NOT: linalg.transpose
func.func @full_lanes(%x: tensor<8x16x16xf32>, %init: tensor<64x16x16xf32>) -> tensor<64x16x16xf32> {
  %w = arith.constant dense<1.0> : tensor<64x8xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x16x16xf32>, tensor<64x8xf32>) outs(%init : tensor<64x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x16x16xf32>
  return %0 : tensor<64x16x16xf32>
}

// -----

// Both inputs computed at run time: transposing one would cost a pass
// over it at every call.
// CHECK-LABEL: func.func @computed_weights
// CHECK-NOT: linalg.transpose
func.func @computed_weights(%x: tensor<8x7x7xf32>, %w: tensor<64x8xf32>, %init: tensor<64x7x7xf32>) -> tensor<64x7x7xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x7x7xf32>, tensor<64x8xf32>) outs(%init : tensor<64x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<64x7x7xf32>
  return %0 : tensor<64x7x7xf32>
}

// -----

// A matmul whose constant already reads the output's innermost dimension
// (x[M, K] * w[K, N]) is the kernel's own form.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.transpose
func.func @matmul(%x: tensor<7x8xf32>, %init: tensor<7x64xf32>) -> tensor<7x64xf32> {
  %w = arith.constant dense<1.0> : tensor<8x64xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<7x8xf32>, tensor<8x64xf32>) outs(%init : tensor<7x64xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<7x64xf32>
  return %0 : tensor<7x64xf32>
}

// -----

// A depthwise convolution on a 7x7 map runs along its channels, which the
// input reads too: the input moves them innermost as well, the transpose
// placed above its pad (the pad's low and high permuted with it) and the
// reshape that dropUnitDims undid, where fusion folds it into the op that
// computes the values.
// CHECK-LABEL: func.func @depthwise
// CHECK: linalg.transpose ins(%{{.*}} : tensor<32x1x3x3xf32>) outs(%{{.*}} : tensor<1x3x3x32xf32>) permutation = [1, 2, 3, 0]
// CHECK: %[[CL:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x32x7x7xf32>) outs(%{{.*}} : tensor<1x7x7x32xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[CL]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.generic {{.*}} ins(%[[PAD]], %{{.*}} : tensor<1x9x9x32xf32>, tensor<1x3x3x32xf32>) outs(%{{.*}} : tensor<1x1x7x7x32xf32>)
// CHECK: return {{.*}} : tensor<1x32x1x7x7xf32>
func.func @depthwise(%x: tensor<1x32x7x7xf32>, %init: tensor<1x32x1x7x7xf32>) -> tensor<1x32x1x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x32x7x7xf32> to tensor<1x32x9x9xf32>
  %e = tensor.expand_shape %p [[0], [1], [2, 3], [4]] output_shape [1, 32, 1, 9, 9] : tensor<1x32x9x9xf32> into tensor<1x32x1x9x9xf32>
  %w = arith.constant dense<1.0> : tensor<32x1x1x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%e, %w : tensor<1x32x1x9x9xf32>, tensor<32x1x1x3x3xf32>) outs(%init : tensor<1x32x1x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x1x7x7xf32>
  return %0 : tensor<1x32x1x7x7xf32>
}

// -----

// On a 56x56 map (3136 outputs a channel, past max-plane) a depthwise
// convolution stays along its width.
// CHECK-LABEL: func.func @depthwise_large_map
// CHECK-NOT: linalg.transpose
func.func @depthwise_large_map(%x: tensor<1x32x1x58x58xf32>, %init: tensor<1x32x1x56x56xf32>) -> tensor<1x32x1x56x56xf32> {
  %w = arith.constant dense<1.0> : tensor<32x1x1x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x32x1x58x58xf32>, tensor<32x1x1x3x3xf32>) outs(%init : tensor<1x32x1x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x32x1x56x56xf32>
  return %0 : tensor<1x32x1x56x56xf32>
}

// -----

// An integer contraction is not the f32 kernel's.
// CHECK-LABEL: func.func @integer
// CHECK-NOT: linalg.transpose
func.func @integer(%x: tensor<8x7x7xi32>, %init: tensor<64x7x7xi32>) -> tensor<64x7x7xi32> {
  %w = arith.constant dense<1> : tensor<64x8xi32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<8x7x7xi32>, tensor<64x8xi32>) outs(%init : tensor<64x7x7xi32>) {
  ^bb0(%a: i32, %b: i32, %acc: i32):
    %m = arith.muli %a, %b : i32
    %s = arith.addi %acc, %m : i32
    linalg.yield %s : i32
  } -> tensor<64x7x7xi32>
  return %0 : tensor<64x7x7xi32>
}

// -----

// A single input channel (K = 9) on a 14x14 map: two lanes in 16 saved on
// nine multiply-adds do not pay for the transpose back.
// CHECK-LABEL: func.func @few_multiply_adds
// CHECK-NOT: linalg.transpose
func.func @few_multiply_adds(%x: tensor<1x1x1x16x16xf32>, %init: tensor<1x1x64x14x14xf32>) -> tensor<1x1x64x14x14xf32> {
  %w = arith.constant dense<1.0> : tensor<1x64x1x3x3xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x1x1x16x16xf32>, tensor<1x64x1x3x3xf32>) outs(%init : tensor<1x1x64x14x14xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x64x14x14xf32>
  return %0 : tensor<1x1x64x14x14xf32>
}

// -----

// A pointwise convolution on a 56x56 map: its 1x1 window loops go, and its
// rows merge into one loop of 3136 outputs (read contiguously by the input
// and the output), which fills the lanes: the channels stay outside.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-LABEL: func.func @pointwise_rows
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x1x8x56x56xf32> into tensor<1x1x8x3136xf32>
// CHECK: %[[C:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x1x64x3136xf32>)
// CHECK: tensor.expand_shape %[[C]] {{.*}} : tensor<1x1x64x3136xf32> into tensor<1x1x64x56x56xf32>
// CHECK-NOT: linalg.transpose
func.func @pointwise_rows(%x: tensor<1x1x8x56x56xf32>, %init: tensor<1x1x64x56x56xf32>) -> tensor<1x1x64x56x56xf32> {
  %w = arith.constant dense<1.0> : tensor<1x64x8x1x1xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x1x8x56x56xf32>, tensor<1x64x8x1x1xf32>) outs(%init : tensor<1x1x64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x64x56x56xf32>
  return %0 : tensor<1x1x64x56x56xf32>
}

// -----

// The bias broadcast that initializes a pointwise convolution merges its
// rows with it: the contraction's output is the broadcast itself, not a
// reshape of a full-size one (the kernel starts its registers from the
// bias). A broadcast that something else reads stays as it is.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @pointwise_bias
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x64xf32>) outs(%{{.*}} : tensor<1x1x64x3136xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[B]] : tensor<1x1x64x3136xf32>)
// CHECK-LABEL: func.func @pointwise_bias_shared
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x64x56x56xf32>)
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x1x64x56x56xf32> into tensor<1x1x64x3136xf32>
func.func @pointwise_bias(%x: tensor<1x1x8x56x56xf32>, %bias: tensor<1x64xf32>) -> tensor<1x1x64x56x56xf32> {
  %w = arith.constant dense<1.0> : tensor<1x64x8x1x1xf32>
  %e = tensor.empty() : tensor<1x1x64x56x56xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<1x64xf32>) outs(%e : tensor<1x1x64x56x56xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x1x64x56x56xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x1x8x56x56xf32>, tensor<1x64x8x1x1xf32>) outs(%init : tensor<1x1x64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x64x56x56xf32>
  return %0 : tensor<1x1x64x56x56xf32>
}
func.func @pointwise_bias_shared(%x: tensor<1x1x8x56x56xf32>, %bias: tensor<1x64xf32>) -> (tensor<1x1x64x56x56xf32>, tensor<1x1x64x56x56xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x64x8x1x1xf32>
  %e = tensor.empty() : tensor<1x1x64x56x56xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%bias : tensor<1x64xf32>) outs(%e : tensor<1x1x64x56x56xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x1x64x56x56xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d4 + d6, d5 + d7)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%x, %w : tensor<1x1x8x56x56xf32>, tensor<1x64x8x1x1xf32>) outs(%init : tensor<1x1x64x56x56xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x64x56x56xf32>
  return %0, %init : tensor<1x1x64x56x56xf32>, tensor<1x1x64x56x56xf32>
}

// -----

// A classifier at batch 1: [1, 512] x [512, 1000] with constant weights
// (here Gemm's transB, a transpose of the [1000, 512] initializer). The
// kernel runs 8 vectors per row: the weights go in panels of 125 columns
// (the largest divisor of 1000 up to 128), [8, 512, 125], made from the
// initializer in one transpose (no [512, 1000] copy on the way), and the
// product gains a loop over panels, so that each column block streams one
// contiguous panel.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d1, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @classifier_panels
// CHECK: %[[W:.*]] = arith.constant dense<1.000000e+00> : tensor<1000x512xf32>
// CHECK: %[[S:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2]] output_shape [8, 125, 512] : tensor<1000x512xf32> into tensor<8x125x512xf32>
// CHECK: %[[P:.*]] = linalg.transpose ins(%[[S]] : tensor<8x125x512xf32>) outs(%{{.*}} : tensor<8x512x125xf32>) permutation = [0, 2, 1]
// CHECK: %[[INIT:.*]] = tensor.expand_shape %arg1 {{\[}}[0], [1, 2]] output_shape [1, 8, 125]
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel", "parallel"]} ins(%arg0, %[[P]] : tensor<1x512xf32>, tensor<8x512x125xf32>) outs(%[[INIT]] : tensor<1x8x125xf32>)
// CHECK: tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2]] : tensor<1x8x125xf32> into tensor<1x1000xf32>
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @classifier_panels(%x: tensor<1x512xf32>, %bias: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %w = arith.constant dense<1.0> : tensor<1000x512xf32>
  %e = tensor.empty() : tensor<512x1000xf32>
  %wt = linalg.transpose ins(%w : tensor<1000x512xf32>) outs(%e : tensor<512x1000xf32>) permutation = [1, 0]
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %wt : tensor<1x512xf32>, tensor<512x1000xf32>) outs(%bias : tensor<1x1000xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1000xf32>
  return %0 : tensor<1x1000xf32>
}

// -----

// Weights stored [K, N] (a MatMul's initializer): panels of 32 columns for
// 4 rows (two vectors per row), [16, 256, 32].
// CHECK-LABEL: func.func @matmul_panels
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [256, 16, 32] : tensor<256x512xf32> into tensor<256x16x32xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<256x16x32xf32>) outs(%{{.*}} : tensor<16x256x32xf32>) permutation = [1, 0, 2]
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x16x32xf32>)
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @matmul_panels(%x: tensor<4x256xf32>, %init: tensor<4x512xf32>) -> tensor<4x512xf32> {
  %w = arith.constant dense<1.0> : tensor<256x512xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %w : tensor<4x256xf32>, tensor<256x512xf32>) outs(%init : tensor<4x512xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x512xf32>
  return %0 : tensor<4x512xf32>
}

// -----

// Left alone: weights that stay in cache (64 x 100), a computed B (an
// attention product) and a single panel's worth of columns.
// CHECK-LABEL: func.func @no_panels
// CHECK-NOT: permutation = [1, 0, 2]
// CHECK: return
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @no_panels(%x: tensor<1x64xf32>, %y: tensor<1x512xf32>, %v: tensor<512x1000xf32>, %c1: tensor<1x100xf32>, %c2: tensor<1x1000xf32>, %z: tensor<1x4096xf32>, %c3: tensor<1x96xf32>) -> (tensor<1x100xf32>, tensor<1x1000xf32>, tensor<1x96xf32>) {
  %small = arith.constant dense<1.0> : tensor<64x100xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x, %small : tensor<1x64xf32>, tensor<64x100xf32>) outs(%c1 : tensor<1x100xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x100xf32>
  %1 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%y, %v : tensor<1x512xf32>, tensor<512x1000xf32>) outs(%c2 : tensor<1x1000xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1000xf32>
  %narrow = arith.constant dense<1.0> : tensor<4096x96xf32>
  %2 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%z, %narrow : tensor<1x4096xf32>, tensor<4096x96xf32>) outs(%c3 : tensor<1x96xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x96xf32>
  return %0, %1, %2 : tensor<1x100xf32>, tensor<1x1000xf32>, tensor<1x96xf32>
}

// -----

// Many rows (a transformer's Linear layer on 12 tokens): panels of the
// kernel's full column block, [24, 512, 32]; with 1000 columns, whose
// divisors within the block leave its vectors part empty (25 of 32), they
// stay unpacked.
// CHECK-LABEL: func.func @many_rows
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [512, 24, 32] : tensor<512x768xf32> into tensor<512x24x32xf32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<12x24x32xf32>)
// CHECK-NOT: permutation = [1, 0, 2]
// CHECK: return
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @many_rows(%t: tensor<12x512xf32>, %c4: tensor<12x768xf32>, %c5: tensor<12x1000xf32>) -> (tensor<12x768xf32>, tensor<12x1000xf32>) {
  %w = arith.constant dense<1.0> : tensor<512x768xf32>
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%t, %w : tensor<12x512xf32>, tensor<512x768xf32>) outs(%c4 : tensor<12x768xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<12x768xf32>
  %wide = arith.constant dense<1.0> : tensor<512x1000xf32>
  %1 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]} ins(%t, %wide : tensor<12x512xf32>, tensor<512x1000xf32>) outs(%c5 : tensor<12x1000xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<12x1000xf32>
  return %0, %1 : tensor<12x768xf32>, tensor<12x1000xf32>
}
