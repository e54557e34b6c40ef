// RUN: smelt-opt %s --split-input-file --smelt-cpu-profile-kernels --verify-diagnostics | FileCheck %s

// Kernels are runs of top-level work from one node: the Conv's fill and
// loop are one kernel, the Relu's loop another; the view between them is
// no work. The copy into the output comes from no node: "(graph)". Each
// kernel reads the clock before and after and adds the difference to its
// node's slot; the entry counts its runs.

// CHECK-LABEL: func.func @main_graph
// CHECK: llvm.alloca
// CHECK: llvm.mlir.addressof @smelt_profile_runs
// CHECK: llvm.call @clock_gettime
// CHECK: linalg.fill
// CHECK: scf.for
// CHECK: llvm.call @clock_gettime
// CHECK: llvm.getelementptr {{.*}}[0, 0]
// CHECK: memref.subview
// CHECK: llvm.call @clock_gettime
// CHECK: scf.for
// CHECK: llvm.call @clock_gettime
// CHECK: llvm.getelementptr {{.*}}[0, 1]
// CHECK: llvm.call @clock_gettime
// CHECK: memref.copy
// CHECK: llvm.call @clock_gettime
// CHECK: llvm.getelementptr {{.*}}[0, 2]
// CHECK: return
// CHECK: llvm.mlir.global external @smelt_profile_ns() {{.*}} : !llvm.array<3 x i64>
// CHECK: llvm.mlir.global external @smelt_profile_runs()
// CHECK: llvm.mlir.global external constant @smelt_profile_count(3 : i64)
// CHECK: llvm.mlir.global external constant @smelt_profile_names("conv\0Arelu\0A(graph)\0A\00")
// CHECK: llvm.func @clock_gettime(i32, !llvm.ptr) -> i32
func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %buffer = memref.alloc() : memref<16xf32>
  linalg.fill ins(%zero : f32) outs(%buffer : memref<16xf32>) loc("conv")
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %x[%i] : memref<16xf32>
    memref.store %v, %buffer[%i] : memref<16xf32>
  } loc("conv")
  %view = memref.subview %buffer[0] [16] [1] : memref<16xf32> to memref<16xf32, strided<[1]>> loc("relu")
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %view[%i] : memref<16xf32, strided<[1]>>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %buffer[%i] : memref<16xf32>
  } loc(fused["relu", "model.onnx":0:0])
  memref.copy %buffer, %y : memref<16xf32> to memref<16xf32> loc("model.onnx":0:0)
  memref.dealloc %buffer : memref<16xf32>
  return
}

// -----

// Only the entry function is instrumented, and only once.
// expected-error @+1 {{smelt-cpu-profile-kernels needs the entry function @main_graph}}
module {
  func.func @other() {
    return
  }
}

// -----

// expected-error @+1 {{the module is already instrumented (smelt_profile_ns exists)}}
module {
  llvm.mlir.global external @smelt_profile_ns(0 : i64) : i64
  func.func @main_graph() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{smelt-cpu-profile-kernels runs on structured control flow (one block), before it is lowered}}
  func.func @main_graph() {
    cf.br ^next
  ^next:
    return
  }
}
