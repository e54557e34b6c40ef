// RUN: %stock_mlir_opt --load-dialect-plugin=%smelt_plugin --load-pass-plugin=%smelt_plugin %s --pass-pipeline='builtin.module(func.func(smelt-cpu-split-narrow-masks))' | FileCheck %s

// smelt-opt registers no vector dialect (see smelt-cpu-select-vnni.mlir).

// A row of 27 bytes (a 2x2 pooling's two input rows of 28, less one):
// loads of 16, 8, 2 and 1 bytes at 0, 16, 24 and 26, each put in place in
// the pass-through vector. No masked load is left.
// CHECK-LABEL: func.func @load_prefix
// CHECK-SAME: (%[[M:.*]]: memref<64x28xi8>, %[[I:.*]]: index, %[[J:.*]]: index, %[[P:.*]]: vector<32xi8>)
// CHECK-NOT: vector.maskedload
// CHECK: %[[L0:.*]] = vector.load %[[M]][%[[I]], %[[J]]] : memref<64x28xi8>, vector<16xi8>
// CHECK: %[[R0:.*]] = vector.insert_strided_slice %[[L0]], %[[P]] {offsets = [0], strides = [1]} : vector<16xi8> into vector<32xi8>
// CHECK: %[[J16:.*]] = arith.addi %[[J]], %c16
// CHECK: %[[L1:.*]] = vector.load %[[M]][%[[I]], %[[J16]]] : memref<64x28xi8>, vector<8xi8>
// CHECK: %[[R1:.*]] = vector.insert_strided_slice %[[L1]], %[[R0]] {offsets = [16], strides = [1]}
// CHECK: vector.load {{.*}} vector<2xi8>
// CHECK: vector.insert_strided_slice {{.*}} {offsets = [24], strides = [1]}
// CHECK: vector.load {{.*}} vector<1xi8>
// CHECK: %[[R3:.*]] = vector.insert_strided_slice {{.*}} {offsets = [26], strides = [1]}
// CHECK-NOT: vector.maskedload
// CHECK: return %[[R3]]
func.func @load_prefix(%m: memref<64x28xi8>, %i: index, %j: index, %pass: vector<32xi8>) -> vector<32xi8> {
  %mask = arith.constant dense<[true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false, false]> : vector<32xi1>
  %v = vector.maskedload %m[%i, %j], %mask, %pass : memref<64x28xi8>, vector<32xi1>, vector<32xi8> into vector<32xi8>
  return %v : vector<32xi8>
}

// Fourteen 16-bit words stored as 8, 4 and 2, each extracted from the
// value at its offset.
// CHECK-LABEL: func.func @store_prefix
// CHECK-NOT: vector.maskedstore
// CHECK: %[[S0:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [8], strides = [1]} : vector<16xi16> to vector<8xi16>
// CHECK: vector.store %[[S0]], %{{.*}}[%{{.*}}] : memref<14xi16>, vector<8xi16>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [8], sizes = [4], strides = [1]}
// CHECK: vector.store {{.*}} vector<4xi16>
// CHECK: vector.extract_strided_slice %{{.*}} {offsets = [12], sizes = [2], strides = [1]}
// CHECK: vector.store {{.*}} vector<2xi16>
// CHECK-NOT: vector.maskedstore
// CHECK: return
func.func @store_prefix(%m: memref<14xi16>, %v: vector<16xi16>) {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<[true, true, true, true, true, true, true, true, true, true, true, true, true, true, false, false]> : vector<16xi1>
  vector.maskedstore %m[%c0], %mask, %v : memref<14xi16>, vector<16xi1>, vector<16xi16>
  return
}

// Left alone: 32-bit elements (AVX2 masks those), a mask that is not a
// prefix, and one known only at run time.
// CHECK-LABEL: func.func @kept
// CHECK: vector.maskedload {{.*}} vector<8xf32>
// CHECK: vector.maskedload {{.*}} vector<16xi8>
// CHECK: vector.maskedload {{.*}} vector<16xi8>
func.func @kept(%f: memref<8xf32>, %b: memref<16xi8>, %n: index) -> (vector<8xf32>, vector<16xi8>, vector<16xi8>) {
  %c0 = arith.constant 0 : index
  %pf = arith.constant dense<0.0> : vector<8xf32>
  %pb = arith.constant dense<0> : vector<16xi8>
  %m8 = arith.constant dense<[true, true, true, false, false, false, false, false]> : vector<8xi1>
  %gaps = arith.constant dense<[false, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true]> : vector<16xi1>
  %dyn = vector.create_mask %n : vector<16xi1>
  %x = vector.maskedload %f[%c0], %m8, %pf : memref<8xf32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %y = vector.maskedload %b[%c0], %gaps, %pb : memref<16xi8>, vector<16xi1>, vector<16xi8> into vector<16xi8>
  %z = vector.maskedload %b[%c0], %dyn, %pb : memref<16xi8>, vector<16xi1>, vector<16xi8> into vector<16xi8>
  return %x, %y, %z : vector<8xf32>, vector<16xi8>, vector<16xi8>
}
