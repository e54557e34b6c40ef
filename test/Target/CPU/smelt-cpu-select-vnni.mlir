// RUN: %stock_mlir_opt --load-dialect-plugin=%smelt_plugin --load-pass-plugin=%smelt_plugin %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-select-vnni))' | FileCheck %s --check-prefixes=CHECK,NOTAB
// RUN: %stock_mlir_opt --load-dialect-plugin=%smelt_plugin --load-pass-plugin=%smelt_plugin %s --split-input-file --pass-pipeline='builtin.module(func.func(smelt-cpu-select-vnni{byte-tables=true}))' | FileCheck %s --check-prefixes=CHECK,TAB

// smelt-opt registers no vector dialect, so it cannot parse this input;
// LLVM's mlir-opt with Smelt's plugin runs the same pass.

// extui(u) * extsi(s), 64 bytes grouped 16x4 and summed into the
// accumulator: one vpdpbusd on the accumulator and the two byte vectors,
// with or without byte-tables.
// CHECK-LABEL: func.func @dot
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[U:.*]]: vector<64xi8>, %[[S:.*]]: vector<64xi8>)
// CHECK-NOT: vector.multi_reduction
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[U]], %[[S]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NOT: vector.multi_reduction
// CHECK: return %[[R]]
func.func @dot(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// The reduced value is not a shape_cast of the products.
// CHECK-LABEL: func.func @not_shape_cast
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @not_shape_cast(%acc: vector<16xi32>, %g: vector<16x4xi32>) -> vector<16xi32> {
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// A product of the groups, not a sum.
// CHECK-LABEL: func.func @not_add
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @not_add(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <mul>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// Eight lanes (a 256-bit kernel): vpdpbusd.512 takes sixteen.
// CHECK-LABEL: func.func @not_16x4
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @not_16x4(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %a = arith.extui %u : vector<32xi8> to vector<32xi32>
  %b = arith.extsi %s : vector<32xi8> to vector<32xi32>
  %p = arith.muli %a, %b : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<8x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x4xi32> to vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// Sums into i16 lanes, not i32.
// CHECK-LABEL: func.func @not_i32
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @not_i32(%acc: vector<16xi16>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi16> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi16>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi16>
  %p = arith.muli %a, %b : vector<64xi16>
  %g = vector.shape_cast %p : vector<64xi16> to vector<16x4xi16>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi16> to vector<16xi16>
  return %r : vector<16xi16>
}

// -----

// Reduces the sixteen rows, not each group of four.
// CHECK-LABEL: func.func @wrong_mask
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @wrong_mask(%acc: vector<4xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<4xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [0] : vector<16x4xi32> to vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// Sums of the extended bytes, not products.
// CHECK-LABEL: func.func @not_muli
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @not_muli(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.addi %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// s8 x s8: vpdpbusd's first operand is unsigned.
// CHECK-LABEL: func.func @signed_lhs
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @signed_lhs(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extsi %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// u8 x u8: vpdpbusd's second operand is signed.
// CHECK-LABEL: func.func @unsigned_rhs
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @unsigned_rhs(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extui %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// The unsigned operand is 16-bit.
// CHECK-LABEL: func.func @u_not_i8
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @u_not_i8(%acc: vector<16xi32>, %u: vector<64xi16>, %s: vector<64xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi16> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi8> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// The signed operand is 16-bit.
// CHECK-LABEL: func.func @s_not_i8
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @s_not_i8(%acc: vector<16xi32>, %u: vector<64xi8>, %s: vector<64xi16>) -> vector<16xi32> {
  %a = arith.extui %u : vector<64xi8> to vector<64xi32>
  %b = arith.extsi %s : vector<64xi16> to vector<64xi32>
  %p = arith.muli %a, %b : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// The bytes come as vector<4x16xi8>: the intrinsic takes vector<64xi8>,
// and a call with the 2-D vectors does not verify (llvm.call_intrinsic
// needs LLVM-compatible types).
// CHECK-LABEL: func.func @two_d_bytes
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.multi_reduction
func.func @two_d_bytes(%acc: vector<16xi32>, %u: vector<4x16xi8>, %s: vector<4x16xi8>) -> vector<16xi32> {
  %a = arith.extui %u : vector<4x16xi8> to vector<4x16xi32>
  %b = arith.extsi %s : vector<4x16xi8> to vector<4x16xi32>
  %p = arith.muli %a, %b : vector<4x16xi32>
  %g = vector.shape_cast %p : vector<4x16xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// A lookup in a 256-entry byte table (each quarter here holds one value,
// 1 to 4): with byte-tables, the index bytes repeated to 64 lanes select
// from quarters 0:1 and 2:3 with vpermi2b, the index's top bit picks which,
// and the first 16 lanes are the result. Without byte-tables, the gather
// stays.
// CHECK-LABEL: func.func @table
// TAB-SAME: (%[[X:.*]]: vector<16xi8>)
// TAB-DAG: %[[Q0:.*]] = arith.constant dense<1> : vector<64xi8>
// TAB-DAG: %[[Q1:.*]] = arith.constant dense<2> : vector<64xi8>
// TAB-DAG: %[[Q2:.*]] = arith.constant dense<3> : vector<64xi8>
// TAB-DAG: %[[Q3:.*]] = arith.constant dense<4> : vector<64xi8>
// TAB-DAG: %[[Z:.*]] = arith.constant dense<0> : vector<64xi8>
// TAB: %[[IDX:.*]] = vector.shuffle %[[X]], %[[X]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<16xi8>, vector<16xi8>
// TAB: %[[LO:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%[[Q0]], %[[IDX]], %[[Q1]]) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// TAB: %[[HI:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%[[Q2]], %[[IDX]], %[[Q3]])
// TAB: %[[TOP:.*]] = arith.cmpi slt, %[[IDX]], %[[Z]] : vector<64xi8>
// TAB: %[[SEL:.*]] = arith.select %[[TOP]], %[[HI]], %[[LO]] : vector<64xi1>, vector<64xi8>
// TAB: %[[R:.*]] = vector.shuffle %[[SEL]], %[[SEL]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<64xi8>, vector<64xi8>
// TAB-NOT: vector.gather
// TAB-NOT: arith.trunci
// TAB: return %[[R]] : vector<16xi8>
// NOTAB-NOT: llvm.call_intrinsic
// NOTAB: vector.gather
// NOTAB: arith.trunci
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @table(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// Eight lanes, not sixteen.
// CHECK-LABEL: func.func @eight_lanes
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @eight_lanes(%x: vector<8xi8>) -> vector<8xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<8xi1>
  %zero = arith.constant dense<0> : vector<8xi32>
  %i = arith.extui %x : vector<8xi8> to vector<8xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<8xi32>, vector<8xi1>, vector<8xi32> into vector<8xi32>
  %t = arith.trunci %g : vector<8xi32> to vector<8xi8>
  return %t : vector<8xi8>
}

// -----

// An i16 gather from an i16 table: the lanes are not i32.
// CHECK-LABEL: func.func @not_i32
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi16> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @not_i32(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi16>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi16>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi16>, vector<16xi32>, vector<16xi1>, vector<16xi16> into vector<16xi16>
  %t = arith.trunci %g : vector<16xi16> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// The table is an argument, not a global.
// CHECK-LABEL: func.func @not_global
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
func.func @not_global(%x: vector<16xi8>, %arg: memref<256xi32>) -> vector<16xi8> {
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %arg[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// Sign-extended indices.
// CHECK-LABEL: func.func @signed_index
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @signed_index(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extsi %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// 16-bit indices.
// CHECK-LABEL: func.func @wide_index
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @wide_index(%x: vector<16xi16>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi16> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// A gather nobody uses is erased, not rewritten.
// CHECK-LABEL: func.func @unused
// CHECK-NOT: llvm.call_intrinsic
// CHECK-NOT: vector.gather
// CHECK: return
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @unused(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  return %x : vector<16xi8>
}

// -----

// The i32 lookups are also used whole, not only truncated to bytes.
// CHECK-LABEL: func.func @other_user
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
// CHECK: arith.trunci
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @other_user(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  %s = arith.addi %g, %g : vector<16xi32>
  %n = arith.trunci %s : vector<16xi32> to vector<16xi8>
  return %n : vector<16xi8>
}

// -----

// Truncated to i16, not to bytes.
// CHECK-LABEL: func.func @trunc_to_i16
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @trunc_to_i16(%x: vector<16xi8>) -> vector<16xi16> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi16>
  return %t : vector<16xi16>
}

// -----

// The table is not constant.
// CHECK-LABEL: func.func @mutable_table
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @mutable_table(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// The table has no initial value.
// CHECK-LABEL: func.func @uninitialized_table
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = uninitialized
func.func @uninitialized_table(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// 128 entries, not 256.
// CHECK-LABEL: func.func @small_table
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<128xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]>
func.func @small_table(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<128xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<128xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// An entry (256) does not fit a byte.
// CHECK-LABEL: func.func @not_bytes
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[256, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @not_bytes(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// An entry (-1) is not an unsigned byte value.
// CHECK-LABEL: func.func @negative_entry
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[-1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @negative_entry(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// The lookup starts at entry 16 of the table, so lane i reads
// table[16 + x[i]].
// CHECK-LABEL: func.func @offset_base
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @offset_base(%x: vector<16xi8>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 16 : index
  %all = arith.constant dense<true> : vector<16xi1>
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %all, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}

// -----

// Masked-off lanes take the pass-through value (zero), not the table's.
// CHECK-LABEL: func.func @masked
// CHECK-NOT: llvm.call_intrinsic
// CHECK: vector.gather
memref.global "private" constant @lut : memref<256xi32> = dense<[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]>
func.func @masked(%x: vector<16xi8>, %mask: vector<16xi1>) -> vector<16xi8> {
  %m = memref.get_global @lut : memref<256xi32>
  %off = arith.constant 0 : index
  %zero = arith.constant dense<0> : vector<16xi32>
  %i = arith.extui %x : vector<16xi8> to vector<16xi32>
  %g = vector.gather %m[%off][%i], %mask, %zero : memref<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
  %t = arith.trunci %g : vector<16xi32> to vector<16xi8>
  return %t : vector<16xi8>
}
