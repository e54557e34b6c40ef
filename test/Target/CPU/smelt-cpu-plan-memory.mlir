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
