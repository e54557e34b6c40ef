// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-tabulate),canonicalize)' | FileCheck %s
// RUN: smelt-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-tabulate{min-ops=0}),canonicalize)' | FileCheck %s --check-prefix=MIN0

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

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// The function of one byte the cases below build on: four ops from a
// uint8 (the default minimum), looked up in a table of 256 f32 instead.
// CHECK-LABEL: func.func @byte_function
// CHECK: %[[T:.*]] = arith.constant dense<"0x{{[0-9A-F]*}}"> : tensor<256xf32>
// CHECK: linalg.generic
// CHECK-NOT: math.exp
// CHECK: tensor.extract %[[T]]
// CHECK-NOT: math.exp
func.func @byte_function(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %s : f32
    %b = arith.addf %a, %s : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// A dynamic shape: only static elementwise ops are tabulated.
// CHECK-LABEL: func.func @dynamic_shape
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: math.exp
func.func @dynamic_shape(%x: tensor<?x8xi8>, %n: index) -> tensor<?x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x8xi8>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %s : f32
    %b = arith.addf %a, %s : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// The body reads the output's old value: the result is not a function of
// the byte alone.
// CHECK-LABEL: func.func @reads_init
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: math.exp
func.func @reads_init(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %s : f32
    %b = arith.addf %a, %o : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// The body reads a loop index (linalg.index): not a plain elementwise op,
// left alone.
// CHECK-LABEL: func.func @reads_index
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: math.exp
func.func @reads_index(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %i = linalg.index 0 : index
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %s : f32
    %b = arith.addf %a, %s : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// An i16 result: tables hold f32, i32 or (widened to i32) 8-bit values.
// CHECK-LABEL: func.func @i16_result
// CHECK-NOT: tensor.extract
// CHECK: arith.extui
// CHECK: arith.muli
// CHECK: arith.xori
func.func @i16_result(%x: tensor<4x8xi8>) -> tensor<4x8xi16> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xi16>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xi16>) {
  ^bb0(%in: i8, %o: i16):
    %c3 = arith.constant 3 : i16
    %c5 = arith.constant 5 : i16
    %w = arith.extui %in : i8 to i16
    %a = arith.muli %w, %w : i16
    %b = arith.addi %a, %c3 : i16
    %r = arith.xori %b, %c5 : i16
    linalg.yield %r : i16
  } -> tensor<4x8xi16>
  return %0 : tensor<4x8xi16>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// The scale varies along the innermost loop: vector code reads one table
// row per vector, so no table varies there.
// CHECK-LABEL: func.func @varies_along_columns
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: arith.mulf
// CHECK: math.exp
func.func @varies_along_columns(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %k = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %k : tensor<4x8xi8>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %kk: f32, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %kk : f32
    %b = arith.addf %a, %s : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// One scale per row of 2048 rows: 2048 tables of 256 entries is more than
// the 1024 x 256 a table may hold.
// CHECK-LABEL: func.func @too_many_rows
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: math.exp
func.func @too_many_rows(%x: tensor<2048x8xi8>) -> tensor<2048x8xf32> {
  %s = arith.constant 0.05 : f32
  %k = arith.constant dense<2.0> : tensor<2048xf32>
  %e = tensor.empty() : tensor<2048x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %k : tensor<2048x8xi8>, tensor<2048xf32>) outs(%e : tensor<2048x8xf32>) {
  ^bb0(%in: i8, %kk: f32, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %kk : f32
    %b = arith.addf %a, %s : f32
    %r = math.exp %b : f32
    linalg.yield %r : f32
  } -> tensor<2048x8xf32>
  return %0 : tensor<2048x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// math.sin is not an op the evaluator knows: no table.
// CHECK-LABEL: func.func @unknown_op
// CHECK-NOT: tensor.extract
// CHECK: arith.uitofp
// CHECK: math.sin
func.func @unknown_op(%x: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %s = arith.constant 0.05 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xi8>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i8, %o: f32):
    %f = arith.uitofp %in : i8 to f32
    %a = arith.mulf %f, %s : f32
    %b = arith.addf %a, %s : f32
    %r = math.sin %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// The 8-bit result itself is no function of one byte to tabulate (a table
// of it would be the identity), even where no minimum of ops applies.
// MIN0-LABEL: func.func @byte_itself
// MIN0-NOT: tensor.extract
// MIN0: arith.addi
// MIN0-NOT: tensor.extract
func.func @byte_itself(%x: tensor<4x8xi8>, %y: tensor<4x8xi8>) -> tensor<4x8xi8> {
  %e = tensor.empty() : tensor<4x8xi8>
  %0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x8xi8>, tensor<4x8xi8>) outs(%e : tensor<4x8xi8>) {
  ^bb0(%a: i8, %b: i8, %o: i8):
    %r = arith.addi %a, %b : i8
    linalg.yield %r : i8
  } -> tensor<4x8xi8>
  return %0 : tensor<4x8xi8>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// Math on constants alone (0.5 * 0.25) is the canonicalizer's: it reads no
// constant input, so no new input is made for it.
// CHECK-LABEL: func.func @constants_only
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x8xi32>, tensor<2xf32>) outs(
func.func @constants_only(%acc: tensor<2x8xi32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<2xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: i32, %ws: f32, %o: f32):
    %s1 = arith.mulf %xs, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// Parameter math through an op the evaluator does not know (math.sin)
// stays in the body.
// CHECK-LABEL: func.func @unknown_parameter_op
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x8xi32>, tensor<2xf32>) outs(
// CHECK: math.sin
// CHECK: arith.divf
func.func @unknown_parameter_op(%acc: tensor<2x8xi32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<2xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: i32, %ws: f32, %o: f32):
    %s0 = math.sin %ws : f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// Weights in a resource whose blob is missing have no values to compute
// with: the parameter math stays.
// CHECK-LABEL: func.func @missing_blob
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x8xi32>, tensor<2xf32>) outs(
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @missing_blob(%acc: tensor<2x8xi32>) -> tensor<2x8xf32> {
  %w = arith.constant dense_resource<absent> : tensor<2xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<2xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: i32, %ws: f32, %o: f32):
    %s0 = arith.mulf %ws, %xs : f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// Of resource blobs only f32 ones are read (the scales); integer
// parameters in a blob stay as they are.
// CHECK-LABEL: func.func @integer_blob
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x8xi32>, tensor<2xi32>) outs(
// CHECK: arith.sitofp
// CHECK: arith.divf
func.func @integer_blob(%acc: tensor<2x8xi32>) -> tensor<2x8xf32> {
  %w = arith.constant dense_resource<zp> : tensor<2xi32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<2xi32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: i32, %ws: i32, %o: f32):
    %s0 = arith.sitofp %ws : i32 to f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      zp: "0x040000000200000004000000"
    }
  }
#-}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// A constant read at d0 + d1 (not a projected permutation) is not a
// parameter of the loop dims: its math stays.
// CHECK-LABEL: func.func @skewed_parameter
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<2x8xi32>, tensor<9xf32>) outs(
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @skewed_parameter(%acc: tensor<2x8xi32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<[2.0, 4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]> : tensor<9xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %0 = linalg.generic {indexing_maps = [#id, #skew, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<2x8xi32>, tensor<9xf32>) outs(%e : tensor<2x8xf32>) {
  ^bb0(%a: i32, %ws: f32, %o: f32):
    %s0 = arith.mulf %ws, %xs : f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#skew = affine_map<(d0, d1) -> (d0 + d1)>

// A constant of more than 65536 elements is not read into the evaluator:
// its math stays.
// CHECK-LABEL: func.func @huge_parameter
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<65537x2xi32>, tensor<65537xf32>) outs(
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @huge_parameter(%acc: tensor<65537x2xi32>) -> tensor<65537x2xf32> {
  %w = arith.constant dense<2.0> : tensor<65537xf32>
  %xs = arith.constant 0.5 : f32
  %ys = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<65537x2xf32>
  %0 = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %w : tensor<65537x2xi32>, tensor<65537xf32>) outs(%e : tensor<65537x2xf32>) {
  ^bb0(%a: i32, %ws: f32, %o: f32):
    %s0 = arith.mulf %ws, %xs : f32
    %s1 = arith.divf %s0, %ys : f32
    %f = arith.sitofp %a : i32 to f32
    %v = arith.mulf %f, %s1 : f32
    linalg.yield %v : f32
  } -> tensor<65537x2xf32>
  return %0 : tensor<65537x2xf32>
}
