// RUN: smelt-opt %s --split-input-file --smelt-cpu-unshare-destinations | FileCheck %s

// Two contractions start from one broadcast of a bias (CSE merged equal
// ones) seen through a collapse, and two ops write into one tensor.empty:
// each writer but the first gets its own broadcast, collapse and empty,
// made just before it.

// CHECK-LABEL: func.func @shared
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<3xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[B]]
// CHECK: %[[M1:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x5xf32>, tensor<5x4xf32>) outs(%[[C]] : tensor<6x4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[B2:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<3xf32>) outs(%[[E2]] : tensor<2x3x4xf32>)
// CHECK: %[[C2:.*]] = tensor.collapse_shape %[[B2]]
// CHECK: %[[M2:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<6x5xf32>, tensor<5x4xf32>) outs(%[[C2]] : tensor<6x4xf32>)
// CHECK: %[[O:.*]] = tensor.empty() : tensor<6x4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[O]] : tensor<6x4xf32>)
// CHECK: %[[O2:.*]] = tensor.empty() : tensor<6x4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[O2]] : tensor<6x4xf32>)
#bias = affine_map<(d0, d1, d2) -> (d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @shared(%x: tensor<6x5xf32>, %y: tensor<6x5xf32>, %w: tensor<5x4xf32>, %bias: tensor<3xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>) {
  %e = tensor.empty() : tensor<2x3x4xf32>
  %b = linalg.generic {indexing_maps = [#bias, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%bias : tensor<3xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<2x3x4xf32>
  %c = tensor.collapse_shape %b [[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
  %m1 = linalg.matmul ins(%x, %w : tensor<6x5xf32>, tensor<5x4xf32>) outs(%c : tensor<6x4xf32>) -> tensor<6x4xf32>
  %m2 = linalg.matmul ins(%y, %w : tensor<6x5xf32>, tensor<5x4xf32>) outs(%c : tensor<6x4xf32>) -> tensor<6x4xf32>
  %o = tensor.empty() : tensor<6x4xf32>
  %r1 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m1 : tensor<6x4xf32>) outs(%o : tensor<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<6x4xf32>
  %r2 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%m2 : tensor<6x4xf32>) outs(%o : tensor<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<6x4xf32>
  return %r1, %r2 : tensor<6x4xf32>, tensor<6x4xf32>
}

// -----

// A broadcast that something also reads (a model output) stays for that
// reader: its one writer gets a copy. A contraction's result (it reads its
// destination) is never recomputed.

// CHECK-LABEL: func.func @read_too
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>)
// CHECK: %[[B2:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>)
// CHECK: %[[M:.*]] = linalg.matmul {{.*}} outs(%[[B2]] : tensor<6x4xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: linalg.generic {{.*}} outs(%[[M]] : tensor<6x4xf32>)
// CHECK: return %[[B]]
#row = affine_map<(d0, d1) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @read_too(%x: tensor<6x5xf32>, %w: tensor<5x4xf32>, %bias: tensor<4xf32>) -> (tensor<6x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>) {
  %e = tensor.empty() : tensor<6x4xf32>
  %b = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<4xf32>) outs(%e : tensor<6x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<6x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<6x5xf32>, tensor<5x4xf32>) outs(%b : tensor<6x4xf32>) -> tensor<6x4xf32>
  %r = linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]} outs(%m : tensor<6x4xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  } -> tensor<6x4xf32>
  return %b, %m, %r : tensor<6x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>
}
