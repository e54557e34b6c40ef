// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-fuse-elementwise))' | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>

// Two elementwise ops in a row fuse into one; the activation feeding a
// matmul does not (it would be computed once per column that reads it).
// CHECK-LABEL: func.func @chain_then_matmul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: arith.negf
// CHECK: linalg.yield
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-NOT: math.exp
// CHECK: arith.mulf
func.func @chain_then_matmul(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %2 = linalg.generic {indexing_maps = [#mk, #kn, #mn],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%1, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %2 : tensor<4x16xf32>
}

// -----

// A dequantization read by two ops (a global pooling and an elementwise
// op) is computed again in each: both read the bytes, and no f32 copy of
// the tensor is stored.
// CHECK-LABEL: func.func @dequantize_twice
// CHECK-NOT: ins({{.*}} : tensor<4x64xf32>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%arg0 : tensor<4x64xi8>)
// CHECK: arith.uitofp
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<4x64xi8>)
// CHECK: arith.uitofp
// CHECK-NOT: ins({{.*}} : tensor<4x64xf32>)
#id = affine_map<(d0, d1) -> (d0, d1)>
#rows = affine_map<(d0, d1) -> (d0)>
func.func @dequantize_twice(%x: tensor<4x64xi8>) -> (tensor<4xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %dq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %init = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #rows], iterator_types = ["parallel", "reduction"]}
      ins(%dq : tensor<4x64xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%in: f32, %a: f32):
    %r = arith.addf %a, %in : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%dq : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %sum, %sq : tensor<4xf32>, tensor<4x64xf32>
}

// -----

// A contraction's [1, 1, 4, 64] result read as [1, 4, 8, 8] with one
// scale per channel: the elementwise op is rewritten to iterate the
// contraction's own shape (what its kernel fuses as an epilogue), the scale
// moving to the channel dim, and its result reshaped back (through the
// [1, 4, 64] its pixels were merged into first).
// CHECK-LABEL: func.func @epilogue_in_contraction_shape
// CHECK: %[[C:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[E:.*]] = linalg.generic {indexing_maps = [#[[ID4:.*]], #[[CH:.*]], #[[ID4]]]
// CHECK-SAME: ins(%[[C]], %{{.*}} : tensor<1x1x4x64xf32>, tensor<4xf32>)
// CHECK: %[[R:.*]] = tensor.reshape %[[E]]({{.*}}) : (tensor<1x1x4x64xf32>, tensor<3xi64>) -> tensor<1x4x64xf32>
// CHECK: tensor.expand_shape %[[R]] {{.*}} into tensor<1x4x8x8xf32>
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @epilogue_in_contraction_shape(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>) -> tensor<1x4x8x8xf32> {
  %scale = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %shape = arith.constant dense<[1, 4, 8, 8]> : tensor<4xi64>
  %0 = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %x : tensor<4x3xf32>, tensor<1x1x3x64xf32>) outs(%acc : tensor<1x1x4x64xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x1x4x64xf32>
  %1 = tensor.reshape %0(%shape) : (tensor<1x1x4x64xf32>, tensor<4xi64>) -> tensor<1x4x8x8xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1, %scale : tensor<1x4x8x8xf32>, tensor<4xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// [N, C, H, W] with a per-channel parameter iterates [N, C, H * W]: the
// innermost loop is long enough to vectorize.
// CHECK-LABEL: func.func @merge_pixels
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: tensor<1x3x100xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<1x3x10x10xf32>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @merge_pixels(%x: tensor<1x3x10x10xf32>, %b: tensor<3xf32>) -> tensor<1x3x10x10xf32> {
  %e = tensor.empty() : tensor<1x3x10x10xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<1x3x10x10xf32>, tensor<3xf32>) outs(%e : tensor<1x3x10x10xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.addf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}
