// RUN: smelt-opt %s --split-input-file --smelt-cpu-outline-kernels --verify-diagnostics | FileCheck %s

// Each loop nest moves to a function of its own, named after its node,
// internal and noinline. Constants, globals and views of them are
// recomputed inside (the loop bounds and the workspace offset stay
// constants); the entry's arguments are passed; a loop's result is
// returned; a kernel from no node is "graph"'s, and a second one of a node
// gets a number. Ops without regions stay in the entry.

// CHECK-LABEL: func.func private @smelt_kernel__layer_Conv(%arg0: memref<16xf32>)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-DAG: arith.constant 16 : index
// CHECK-DAG: memref.get_global @workspace
// CHECK: memref.view
// CHECK: scf.for
// CHECK: return

// CHECK-LABEL: func.func private @smelt_kernel_graph() -> f32
// CHECK: memref.get_global @workspace
// CHECK: scf.for {{.*}} iter_args
// CHECK: return %{{.*}} : f32

// CHECK-LABEL: func.func private @smelt_kernel__layer_Conv_0(
// CHECK-LABEL: func.func @main_graph(%arg0: memref<16xf32>, %arg1: memref<f32>)
// CHECK: call @smelt_kernel__layer_Conv(%arg0) : (memref<16xf32>) -> ()
// CHECK-NEXT: %[[SUM:.*]] = call @smelt_kernel_graph() : () -> f32
// CHECK-NEXT: memref.store %[[SUM]], %arg1[]
// CHECK-NEXT: call @smelt_kernel__layer_Conv_0(%arg0)
// CHECK-NEXT: return
memref.global "private" @workspace : memref<64xi8> = uninitialized
func.func @main_graph(%x: memref<16xf32>, %y: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %ws = memref.get_global @workspace : memref<64xi8>
  %buffer = memref.view %ws[%c0][] : memref<64xi8> to memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %x[%i] : memref<16xf32>
    memref.store %v, %buffer[%i] : memref<16xf32>
  } loc("/layer/Conv")
  %sum = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %buffer[%i] : memref<16xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  memref.store %sum, %y[] : memref<f32>
  scf.for %i = %c0 to %c16 step %c1 {
    memref.store %zero, %x[%i] : memref<16xf32>
  } loc("/layer/Conv")
  return
}

// -----

// expected-error @+1 {{smelt-cpu-outline-kernels needs the entry function @main_graph}}
module {
  func.func @other() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{smelt-cpu-outline-kernels runs on structured control flow (one block), before it is lowered}}
  func.func @main_graph() {
    cf.br ^next
  ^next:
    return
  }
}
