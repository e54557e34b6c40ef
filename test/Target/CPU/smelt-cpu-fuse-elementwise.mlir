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
// moving to the channel dim, and its result reshaped back by the groups of
// dims both shapes share (collapsed to [1, 4, 64], then expanded).
// CHECK-LABEL: func.func @epilogue_in_contraction_shape
// CHECK: %[[C:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: %[[E:.*]] = linalg.generic {indexing_maps = [#[[ID4:.*]], #[[CH:.*]], #[[ID4]]]
// CHECK-SAME: ins(%[[C]], %{{.*}} : tensor<1x1x4x64xf32>, tensor<4xf32>)
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[E]] {{\[}}[0], [1, 2], [3]] : tensor<1x1x4x64xf32> into tensor<1x4x64xf32>
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

// The same, with an op that gathers its second operand at its own indices
// (what a Slice lowers to, fused in): each linalg.index of the op's [1, 4,
// 8, 8] dims is recovered from the contraction's [1, 1, 4, 64] ones (h =
// p / 8, w = p % 8 of the pixel p; the channel from the [1, 4] group).
// CHECK-LABEL: func.func @conformed_indices
// CHECK: %[[C:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[C]] : tensor<1x1x4x64xf32>)
// CHECK-DAG: %[[G:.*]] = linalg.index 1 : index
// CHECK-DAG: %[[CH:.*]] = linalg.index 2 : index
// CHECK-DAG: %[[P:.*]] = linalg.index 3 : index
// CHECK-DAG: %[[GC:.*]] = arith.muli %[[G]], %c4
// CHECK-DAG: %[[K:.*]] = arith.addi %[[GC]], %[[CH]]
// CHECK-DAG: %[[H:.*]] = arith.divui %[[P]], %c8
// CHECK-DAG: %[[W:.*]] = arith.remui %[[P]], %c8
// CHECK: tensor.extract %{{.*}}[%c0, %[[K]], %[[H]], %[[W]]] : tensor<1x4x8x8xf32>
// CHECK-NOT: linalg.index
// CHECK: linalg.yield
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conformed_indices(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %c0 = arith.constant 0 : index
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
  %2 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1 : tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %g = tensor.extract %r[%c0, %i1, %i2, %i3] : tensor<1x4x8x8xf32>
    %s = arith.addf %v, %g : f32
    linalg.yield %s : f32
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

// -----

// A producer with two readers is not fused into either: each would compute
// it again.
// CHECK-LABEL: func.func @two_readers
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<4x8xf32>)
// CHECK: arith.negf
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<4x8xf32>)
// CHECK-NOT: math.exp
// CHECK: arith.mulf
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two_readers(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
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
  %2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A contraction is never reshaped: the expand_shape of its result is not
// pushed into it (its kernel wants the shape it has).
// CHECK-LABEL: func.func @contraction_then_reshape
// CHECK: %[[C:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK-SAME: outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: tensor.expand_shape %[[C]] {{.*}} into tensor<4x4x4xf32>
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @contraction_then_reshape(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %acc: tensor<4x16xf32>) -> tensor<4x4x4xf32> {
  %0 = linalg.generic {indexing_maps = [#mk, #kn, #mn],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%acc : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %c: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [4, 4, 4] : tensor<4x16xf32> into tensor<4x4x4xf32>
  return %1 : tensor<4x4x4xf32>
}

// -----

// Nothing fuses into a widening op: the narrow op before it stays separate
// (fused, the widening would be computed where its result is stored, not
// in its readers).
// CHECK-LABEL: func.func @into_widening
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x8xi8>)
// CHECK: arith.xori
// CHECK-NOT: arith.uitofp
// CHECK: linalg.generic {{.*}} ins(%[[N]] : tensor<4x8xi8>)
// CHECK: arith.uitofp
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @into_widening(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %c = arith.constant 1 : i8
  %e8 = tensor.empty() : tensor<4x8xi8>
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e8 : tensor<4x8xi8>) {
  ^bb0(%in: i8, %o: i8):
    %r = arith.xori %in, %c : i8
    linalg.yield %r : i8
  } -> tensor<4x8xi8>
  %1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%0 : tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %r = arith.uitofp %in : i8 to f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// A widening read by two ops is copied into each only when it is cheap:
// this one's body (eight ops) is not, so it is computed once and read.
// CHECK-LABEL: func.func @long_widening
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x64xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d0, d1)>
func.func @long_widening(%x: tensor<4x64xi8>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r0 = arith.mulf %f, %s : f32
    %r1 = arith.addf %r0, %s : f32
    %r2 = arith.mulf %r1, %s : f32
    %r3 = arith.addf %r2, %s : f32
    %r4 = arith.mulf %r3, %s : f32
    %r5 = arith.addf %r4, %s : f32
    %r6 = arith.mulf %r5, %s : f32
    linalg.yield %r6 : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %a, %b : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// Index results have no width to compare with the input's: not a
// widening, computed once.
// CHECK-LABEL: func.func @index_result
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x64xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xindex>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xindex>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d0, d1)>
func.func @index_result(%x: tensor<4x64xi8>) -> (tensor<4x64xindex>, tensor<4x64xindex>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xindex>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%e : tensor<4x64xindex>) {
  ^bb0(%in: i8, %o: index):
    %r = arith.index_castui %in : i8 to index
    linalg.yield %r : index
  } -> tensor<4x64xindex>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xindex>) outs(%e : tensor<4x64xindex>) {
  ^bb0(%in: index, %o: index):
    %r = arith.addi %in, %in : index
    linalg.yield %r : index
  } -> tensor<4x64xindex>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xindex>) outs(%e : tensor<4x64xindex>) {
  ^bb0(%in: index, %o: index):
    %r = arith.muli %in, %in : index
    linalg.yield %r : index
  } -> tensor<4x64xindex>
  return %a, %b : tensor<4x64xindex>, tensor<4x64xindex>
}

// -----

// An input read at a stride (2 * d1) is not read element by element: not
// a widening to copy into its readers.
// CHECK-LABEL: func.func @strided_read
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x128xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d0, d1 * 2)>
func.func @strided_read(%x: tensor<4x128xi8>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x128xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %a, %b : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// i32 to f32 reads as many bytes as it writes: computing it again in each
// reader saves nothing.
// CHECK-LABEL: func.func @same_width
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x64xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d0, d1)>
func.func @same_width(%x: tensor<4x64xi32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i32, %o: f32):
    %f = arith.sitofp %in : i32 to f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %a, %b : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// Only a broadcast parameter is read (one row for every row): there is no
// narrow tensor whose reads would replace the wide ones.
// CHECK-LABEL: func.func @broadcast_only
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<64xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d1)>
func.func @broadcast_only(%x: tensor<64xi8>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %a, %b : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// The body also reads the output's old value, an f32 tensor: computed
// again in each reader, it would read that wide tensor each time.
// CHECK-LABEL: func.func @reads_init
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x64xi8>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: ins(%arg0
#id = affine_map<(d0, d1) -> (d0, d1)>
#in = affine_map<(d0, d1) -> (d0, d1)>
func.func @reads_init(%x: tensor<4x64xi8>, %init: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#in, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%init : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r = arith.addf %f, %o : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %a, %b : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// A widening with one elementwise reader and another use (a model output)
// is not copied: the output needs it stored anyway, and one reader alone
// does not fuse a producer with two uses.
// CHECK-LABEL: func.func @one_reader
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<4x64xi8>)
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<4x64xf32>)
// CHECK-NOT: arith.uitofp
// CHECK: return %[[W]], %[[N]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @one_reader(%x: tensor<4x64xi8>) -> (tensor<4x64xf32>, tensor<4x64xf32>) {
  %s = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<4x64xf32>
  %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x64xi8>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %r = arith.mulf %f, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  return %w, %a : tensor<4x64xf32>, tensor<4x64xf32>
}

// -----

// A dynamic width: the merged loop's extent is not known here, and the
// op stays as it is.
// CHECK-LABEL: func.func @merge_dynamic
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NOT: tensor.expand_shape
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @merge_dynamic(%x: tensor<1x3x10x?xf32>, %b: tensor<3xf32>, %n: index) -> tensor<1x3x10x?xf32> {
  %e = tensor.empty(%n) : tensor<1x3x10x?xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<1x3x10x?xf32>, tensor<3xf32>) outs(%e : tensor<1x3x10x?xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.addf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x10x?xf32>
  return %0 : tensor<1x3x10x?xf32>
}

// -----

// The body reads its loop indices (linalg.index): merged loops would
// change what it reads.
// CHECK-LABEL: func.func @merge_with_index
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NOT: tensor.expand_shape
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

func.func @merge_with_index(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32> {
  %e = tensor.empty() : tensor<1x3x10x10xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x3x10x10xf32>) outs(%e : tensor<1x3x10x10xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 3 : index
    %j = arith.index_cast %i : index to i32
    %f = arith.sitofp %j : i32 to f32
    %r = arith.addf %v, %f : f32
    linalg.yield %r : f32
  } -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// An input read at d2 + d3 is not a projected permutation: its reads do
// not follow one merged loop.
// CHECK-LABEL: func.func @merge_skewed
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NOT: tensor.expand_shape
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#skew = affine_map<(d0, d1, d2, d3) -> (d1, d2 + d3)>
func.func @merge_skewed(%x: tensor<1x3x10x10xf32>, %b: tensor<3x19xf32>) -> tensor<1x3x10x10xf32> {
  %e = tensor.empty() : tensor<1x3x10x10xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #skew, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<1x3x10x10xf32>, tensor<3x19xf32>) outs(%e : tensor<1x3x10x10xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.addf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// A broadcast (no input varies along the innermost loop) stays as it is:
// it is a contraction's starting value, which the kernel loads as
// registers.
// CHECK-LABEL: func.func @merge_broadcast
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NOT: tensor.expand_shape
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @merge_broadcast(%b: tensor<3xf32>) -> tensor<1x3x10x10xf32> {
  %e = tensor.empty() : tensor<1x3x10x10xf32>
  %0 = linalg.generic {indexing_maps = [#ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<3xf32>) outs(%e : tensor<1x3x10x10xf32>) {
  ^bb0(%k: f32, %o: f32):
    linalg.yield %k : f32
  } -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// One input reads H and W swapped: no trailing loops run contiguously
// for every operand, so nothing merges.
// CHECK-LABEL: func.func @merge_transposed
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-NOT: tensor.expand_shape
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#swap = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
func.func @merge_transposed(%x: tensor<1x3x10x10xf32>, %t: tensor<1x3x10x10xf32>) -> tensor<1x3x10x10xf32> {
  %e = tensor.empty() : tensor<1x3x10x10xf32>
  %0 = linalg.generic {indexing_maps = [#id4, #swap, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %t : tensor<1x3x10x10xf32>, tensor<1x3x10x10xf32>) outs(%e : tensor<1x3x10x10xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.addf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x10x10xf32>
  return %0 : tensor<1x3x10x10xf32>
}

// -----

// The epilogue reads its output's old value: it is not a function of the
// contraction's result alone, and keeps its own shape.
// CHECK-LABEL: func.func @epilogue_reads_init
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x64xf32>, tensor<4xf32>)
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<4xf32>)
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pm = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @epilogue_reads_init(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>, %scale: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
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
  %2 = linalg.generic {indexing_maps = [#id4, #pm, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1, %scale : tensor<1x4x8x8xf32>, tensor<4xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    %t = arith.addf %r, %o : f32
    linalg.yield %t : f32
  } -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// The contraction's result is the second input (the scale comes first):
// the kernels take an epilogue whose first input is their result, so the
// op keeps its own shape.
// CHECK-LABEL: func.func @epilogue_param_first
// CHECK-NOT: tensor<4xf32>, tensor<1x1x4x64xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<1x4x64xf32>)
// CHECK-NOT: tensor<4xf32>, tensor<1x1x4x64xf32>)
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pm = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @epilogue_param_first(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>, %scale: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
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
  %2 = linalg.generic {indexing_maps = [#pm, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%scale, %1 : tensor<4xf32>, tensor<1x4x8x8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%k: f32, %v: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// What is reshaped is an argument, not a contraction's result: there is
// no kernel to fuse with, and the op keeps its own shape.
// CHECK-LABEL: func.func @reshaped_argument
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x4x64xf32>, tensor<4xf32>)
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<4xf32>)
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pm = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @reshaped_argument(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>, %scale: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %shape = arith.constant dense<[1, 4, 8, 8]> : tensor<4xi64>
  %1 = tensor.reshape %acc(%shape) : (tensor<1x1x4x64xf32>, tensor<4xi64>) -> tensor<1x4x8x8xf32>
  %e = tensor.empty() : tensor<1x4x8x8xf32>
  %2 = linalg.generic {indexing_maps = [#id4, #pm, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1, %scale : tensor<1x4x8x8xf32>, tensor<4xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// The scale varies along H, which the contraction merged with W into its
// 64 pixels: it has no dimension of the contraction to move to, and the op
// stays as it is.
// CHECK-LABEL: func.func @param_in_merged_dims
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<8xf32>)
// CHECK: %[[R:.*]] = tensor.reshape
// CHECK: linalg.generic {{.*}} ins(%[[R]], %{{.*}} : tensor<1x4x8x8xf32>, tensor<8xf32>)
// CHECK-NOT: tensor<1x1x4x64xf32>, tensor<8xf32>)
#a = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#b = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
#c = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pm = affine_map<(d0, d1, d2, d3) -> (d2)>
func.func @param_in_merged_dims(%w: tensor<4x3xf32>, %x: tensor<1x1x3x64xf32>, %acc: tensor<1x1x4x64xf32>, %scale: tensor<8xf32>) -> tensor<1x4x8x8xf32> {
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
  %2 = linalg.generic {indexing_maps = [#id4, #pm, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%1, %scale : tensor<1x4x8x8xf32>, tensor<8xf32>) outs(%e : tensor<1x4x8x8xf32>) {
  ^bb0(%v: f32, %k: f32, %o: f32):
    %r = arith.mulf %v, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// A SiLU feeding a global pooling's sum stays apart (a sum left to scalar
// loops would make the exp a libm call per element); a cheap scaling
// feeding the same kind of sum fuses into it. Both sums reduce H and W as
// one run of 49 elements: trailing reduction loops that every operand
// reads contiguously merge, as an elementwise op's trailing loops do.
#nchw = affine_map<(n, c, h, w) -> (n, c, h, w)>
#nc = affine_map<(n, c, h, w) -> (n, c)>
// CHECK-LABEL: func.func @transcendental_into_reduction
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.yield
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1], [2, 3]] : tensor<1x64x7x7xf32> into tensor<1x64x49xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: math.exp
// CHECK: arith.addf
// CHECK: linalg.yield
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.yield
func.func @transcendental_into_reduction(%x: tensor<1x64x7x7xf32>, %init: tensor<1x64xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>) {
  %one = arith.constant 1.0 : f32
  %half = arith.constant 0.5 : f32
  %e = tensor.empty() : tensor<1x64x7x7xf32>
  %silu = linalg.generic {indexing_maps = [#nchw, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x64x7x7xf32>) outs(%e : tensor<1x64x7x7xf32>) {
  ^bb0(%in: f32, %o: f32):
    %n = arith.negf %in : f32
    %x1 = math.exp %n : f32
    %d = arith.addf %x1, %one : f32
    %s = arith.divf %in, %d : f32
    linalg.yield %s : f32
  } -> tensor<1x64x7x7xf32>
  %sum = linalg.generic {indexing_maps = [#nchw, #nc], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%silu : tensor<1x64x7x7xf32>) outs(%init : tensor<1x64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<1x64xf32>
  %scaled = linalg.generic {indexing_maps = [#nchw, #nchw], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x64x7x7xf32>) outs(%e : tensor<1x64x7x7xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.mulf %in, %half : f32
    linalg.yield %s : f32
  } -> tensor<1x64x7x7xf32>
  %sum2 = linalg.generic {indexing_maps = [#nchw, #nc], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%scaled : tensor<1x64x7x7xf32>) outs(%init : tensor<1x64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<1x64xf32>
  return %sum, %sum2 : tensor<1x64xf32>, tensor<1x64xf32>
}

// -----

// Reduction loops merge only at the end of the loop nest and only where
// every operand reads them as one run: a sum over H with W innermost, and a
// sum over both read through a transpose (W outer in memory), keep theirs.
#nchw2 = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ncw = affine_map<(n, c, h, w) -> (n, c, w)>
#nchw_t = affine_map<(n, c, h, w) -> (n, c, w, h)>
#nc2 = affine_map<(n, c, h, w) -> (n, c)>
// CHECK-LABEL: func.func @reductions_kept
// CHECK-NOT: tensor.collapse_shape
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
func.func @reductions_kept(%x: tensor<1x64x7x7xf32>, %rows: tensor<1x64x7xf32>, %init: tensor<1x64xf32>) -> (tensor<1x64x7xf32>, tensor<1x64xf32>) {
  %sum = linalg.generic {indexing_maps = [#nchw2, #ncw], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x : tensor<1x64x7x7xf32>) outs(%rows : tensor<1x64x7xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<1x64x7xf32>
  %sum2 = linalg.generic {indexing_maps = [#nchw_t, #nc2], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<1x64x7x7xf32>) outs(%init : tensor<1x64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %acc, %in : f32
    linalg.yield %r : f32
  } -> tensor<1x64xf32>
  return %sum, %sum2 : tensor<1x64x7xf32>, tensor<1x64xf32>
}
