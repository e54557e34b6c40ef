// RUN: smelt-opt %s --split-input-file --smelt-cpu-plan-memory | FileCheck %s

// %a dies at the second op, so %c takes its bytes; %b lives alongside
// both and gets its own. The workspace is the largest pair alive at once.
// CHECK: memref.global "private" @__smelt_workspace_main_graph : memref<8192xi8> = uninitialized {alignment = 64 : i64}
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[WS:.*]] = memref.get_global @__smelt_workspace_main_graph
// CHECK-NOT: memref.alloc
// CHECK-DAG: memref.view %[[WS]][%c0{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK-DAG: memref.view %[[WS]][%c4096{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK-DAG: memref.view %[[WS]][%c0{{.*}}][] : memref<8192xi8> to memref<32x32xf32>
func.func @main_graph(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  memref.copy %x, %a : memref<1024xf32> to memref<1024xf32>
  %b = memref.alloc() : memref<1024xf32>
  memref.copy %a, %b : memref<1024xf32> to memref<1024xf32>
  %c = memref.alloc() : memref<32x32xf32>
  %cv = memref.collapse_shape %c [[0, 1]] : memref<32x32xf32> into memref<1024xf32>
  memref.copy %b, %cv : memref<1024xf32> to memref<1024xf32>
  memref.copy %cv, %y : memref<1024xf32> to memref<1024xf32>
  return
}

// -----

// A buffer used inside a loop lives until the loop ends; one that is
// returned, or has a dynamic shape, keeps its allocation.
// CHECK-LABEL: func.func @escapes
// CHECK: memref.view
// CHECK: scf.for
// CHECK: %[[R:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: return %[[R]]
func.func @escapes(%x: memref<4xf32>, %n: index) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %t = memref.alloc() : memref<4xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xf32>
    memref.store %v, %t[%i] : memref<4xf32>
  }
  %r = memref.alloc() : memref<4xf32>
  memref.copy %t, %r : memref<4xf32> to memref<4xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  return %r : memref<4xf32>
}

// -----

// Only public functions with bodies are planned (a private helper may run
// while the entry function's workspace is in use): no workspace, and the
// allocation stays.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<4xf32>
func.func private @helper(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  memref.copy %a, %x : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A strided buffer is not a dense run of bytes that a view of the
// workspace can give.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @strided_layout
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<4xf32, strided<[2]>>
func.func @strided_layout(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32, strided<[2]>>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32, strided<[2]>>
  return
}

// -----

// A buffer in another memory space does not live in the (default space)
// workspace.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @memory_space
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<4xf32, 1>
func.func @memory_space(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32, 1>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32, 1>
  return
}

// -----

// Elements whose size the plan does not know (index, vectors) and a buffer
// of no elements take no bytes of the workspace.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @unsized
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<4xindex>
// CHECK: memref.alloc() : memref<4xvector<4xf32>>
// CHECK: memref.alloc() : memref<0xf32>
func.func @unsized(%i: index, %v: vector<4xf32>) {
  %c0 = arith.constant 0 : index
  %a = memref.alloc() : memref<4xindex>
  memref.store %i, %a[%c0] : memref<4xindex>
  %b = memref.alloc() : memref<4xvector<4xf32>>
  memref.store %v, %b[%c0] : memref<4xvector<4xf32>>
  %e = memref.alloc() : memref<0xf32>
  return
}

// -----

// A buffer passed to a call (here through a view and a cast) escapes: the
// callee may keep it past the function's return.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @passed_to_call
// CHECK-NOT: memref.view
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.subview %[[A]]
// CHECK: call @consume
func.func private @consume(memref<4xf32>)
func.func @passed_to_call(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  %v = memref.subview %a[0] [4] [1] : memref<4xf32> to memref<4xf32, strided<[1]>>
  %c = memref.cast %v : memref<4xf32, strided<[1]>> to memref<4xf32>
  func.call @consume(%c) : (memref<4xf32>) -> ()
  return
}

// -----

// The body of a loop over a batch (the general code: one image's layers an
// iteration) is planned too: %p dies at the body's second op, so %q takes
// its bytes; %t, the function's buffer used in the loop, lives through all
// of it and gets its own. A buffer the body yields keeps its allocation.
// CHECK-LABEL: func.func @loop_body
// CHECK: %[[WS:.*]] = memref.get_global @__smelt_workspace_loop_body : memref<8192xi8>
// CHECK: memref.view %[[WS]][%c0{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK: scf.for
// CHECK: memref.view %[[WS]][%c4096{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK: memref.view %[[WS]][%c4096{{.*}}][] : memref<8192xi8> to memref<1024xf32>
// CHECK: memref.alloc() : memref<2xf32>
// CHECK: scf.yield
func.func @loop_body(%x: memref<?x1024xf32>, %y: memref<?x1024xf32>, %n: index) -> memref<2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = memref.alloc() : memref<1024xf32>
  %first = memref.alloc() : memref<2xf32>
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%carried = %first) -> (memref<2xf32>) {
    %xi = memref.subview %x[%i, 0] [1, 1024] [1, 1] : memref<?x1024xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %p = memref.alloc() : memref<1024xf32>
    memref.copy %xi, %p : memref<1024xf32, strided<[1], offset: ?>> to memref<1024xf32>
    memref.copy %p, %t : memref<1024xf32> to memref<1024xf32>
    %q = memref.alloc() : memref<1024xf32>
    memref.copy %t, %q : memref<1024xf32> to memref<1024xf32>
    %yi = memref.subview %y[%i, 0] [1, 1024] [1, 1] : memref<?x1024xf32> to memref<1024xf32, strided<[1], offset: ?>>
    memref.copy %q, %yi : memref<1024xf32> to memref<1024xf32, strided<[1], offset: ?>>
    %next = memref.alloc() : memref<2xf32>
    scf.yield %next : memref<2xf32>
  }
  return %last : memref<2xf32>
}
