// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-tabulate),canonicalize)' | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A uint8 input dequantized, through HardSwish, quantized again: a function
// of one byte, looked up in a table of 256 values (held as i32, little
// endian). Entry 0 is what the chain computes for x = 0: (0 - 20) * 0.05 =
// -1, -1 * min(max(-1 + 3, 0), 6) / 6 = -1/3, round(-1/3 / 0.1) + 10 = 7;
// and entry 255: (255 - 20) * 0.05 = 11.75, which HardSwish keeps, 117.5
// rounds to even 118, + 10 = 128.
// CHECK-LABEL: func.func @hardswish_table
// CHECK: %[[T:.*]] = arith.constant dense<"0x07000000{{[0-9A-F]*}}80000000"> : tensor<256xi32>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[W:.*]] = arith.extui %[[X]] : i8 to i32
// CHECK-NEXT: %[[I:.*]] = arith.index_cast %[[W]] : i32 to index
// CHECK-NEXT: %[[V:.*]] = tensor.extract %[[T]][%[[I]]] : tensor<256xi32>
// CHECK-NEXT: %[[B:.*]] = arith.trunci %[[V]] : i32 to i8
// CHECK-NEXT: linalg.yield %[[B]] : i8
func.func @hardswish_table(%x: tensor<4x8xi8>) -> tensor<4x8xi8> {
  %zp = arith.constant 20.0 : f32
  %s = arith.constant 0.05 : f32
  %three = arith.constant 3.0 : f32
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %ys = arith.constant 0.1 : f32
  %yz = arith.constant 10.0 : f32
  %hi = arith.constant 255.0 : f32
  %e = tensor.empty() : tensor<4x8xi8>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xi8>) {
  ^bb0(%in: i8, %o: i8):
    %f = arith.uitofp %in : i8 to f32
    %c = arith.subf %f, %zp : f32
    %d = arith.mulf %c, %s : f32
    %a = arith.addf %d, %three : f32
    %m0 = arith.maximumf %a, %zero : f32
    %m1 = arith.minimumf %m0, %six : f32
    %h = arith.mulf %d, %m1 : f32
    %h6 = arith.divf %h, %six : f32
    %q = arith.divf %h6, %ys : f32
    %r = math.roundeven %q : f32
    %z = arith.addf %r, %yz : f32
    %lo = arith.maximumf %z, %zero : f32
    %top = arith.minimumf %lo, %hi : f32
    %y = arith.fptoui %top : f32 to i8
    linalg.yield %y : i8
  } -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A requantization: the per-row scale in_scale * w_scale[r] / y_scale is
// computed once, at compile time, into a new constant input (0.5 * [2, 4]
// / 0.25 = [4, 8]); what follows the 8-bit result is too short for a
// table (the default takes 4 ops or more).
// CHECK-LABEL: func.func @requantize_scale
// CHECK: %[[S:.*]] = arith.constant dense<[4.000000e+00, 8.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %[[S]] : tensor<2x8xi32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[ACC:.*]]: i32, %{{.*}}: f32, %[[SCALE:.*]]: f32, %{{.*}}: i8):
// CHECK-NOT: arith.divf
// CHECK: %[[F:.*]] = arith.sitofp %[[ACC]] : i32 to f32
// CHECK: arith.mulf %[[F]], %[[SCALE]] : f32
// CHECK-NOT: tensor.extract
func.func @requantize_scale(%acc: tensor<2x8xi32>) -> tensor<2x8xi8> {
  %w = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %zero = arith.constant 0.0 : f32
  %hi = arith.constant 255.0 : f32
  %e = tensor.empty() : tensor<2x8xi8>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<2xf32>) outs(%e : tensor<2x8xi8>) {
  ^bb0(%a: i32, %ws: f32, %o: i8):
    %s0 = arith.mulf %ws, %xs : f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    %r = math.roundeven %v : f32
    %lo = arith.maximumf %r, %zero : f32
    %top = arith.minimumf %lo, %hi : f32
    %y = arith.fptoui %top : f32 to i8
    linalg.yield %y : i8
  } -> tensor<2x8xi8>
  return %0 : tensor<2x8xi8>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Two non-constant inputs: nothing is a function of one byte alone.
// CHECK-LABEL: func.func @two_inputs
// CHECK-NOT: tensor.extract
// CHECK: arith.addf
func.func @two_inputs(%x: tensor<4x8xi8>, %y: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x8xi8>, tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: i8, %b: i8, %o: f32):
    %fa = arith.uitofp %a : i8 to f32
    %fb = arith.uitofp %b : i8 to f32
    %m = arith.mulf %fa, %s : f32
    %n = arith.mulf %fb, %s : f32
    %r = arith.addf %m, %n : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
