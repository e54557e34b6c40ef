// RUN: smelt-opt %s --split-input-file --smelt-cpu-emit-entry-point --verify-diagnostics | FileCheck %s

// A 2x3 f32 input and a scalar i8 output. The signature is copied into a
// NUL-terminated global; smelt_run loads each buffer pointer in signature
// order, builds a row-major descriptor (sizes 2,3; strides 3,1; offset 0;
// a scalar gets no size or stride arrays) and passes the descriptors, in
// the same order, to the C interface. Static shapes read nothing from the
// dims array (%arg1), and a model with static outputs has no
// smelt_output_shapes.
// CHECK-LABEL: llvm.func @_mlir_ciface_main_graph(!llvm.ptr, !llvm.ptr)
// CHECK: llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\092,3\0Aoutput\09y\09i8\09\0A\00")
// The generic allocation functions of MLIR's memref lowering call the
// allocator the runtime binds (its cache of blocks), malloc and free until
// it does.
// CHECK-LABEL: llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr)
// CHECK-LABEL: llvm.func @_mlir_memref_to_llvm_alloc(%arg0: i64) -> !llvm.ptr
// CHECK: %[[FN:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.cond_br
// CHECK: llvm.call %[[FN]](%{{.*}}, %arg0) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: llvm.call @malloc(%arg0)
// CHECK-LABEL: llvm.func @_mlir_memref_to_llvm_free(%arg0: !llvm.ptr)
// CHECK: llvm.call @free(%arg0)
// CHECK-LABEL: llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
// CHECK-NOT: %arg1
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[S0:.*]] = llvm.getelementptr %arg0[0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[U0:.*]] = llvm.mlir.undef : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[A0:.*]] = llvm.insertvalue %[[P0]], %[[U0]][0]
// CHECK: %[[B0:.*]] = llvm.insertvalue %[[P0]], %[[A0]][1]
// CHECK: %[[Z0:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: %[[C0:.*]] = llvm.insertvalue %[[Z0]], %[[B0]][2]
// CHECK: %[[SIZE1:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: %[[D0:.*]] = llvm.insertvalue %[[SIZE1]], %[[C0]][3, 1]
// CHECK: %[[STRIDE1:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[E0:.*]] = llvm.insertvalue %[[STRIDE1]], %[[D0]][4, 1]
// CHECK: %[[SIZE0:.*]] = llvm.mlir.constant(2 : i64) : i64
// CHECK: %[[F0:.*]] = llvm.insertvalue %[[SIZE0]], %[[E0]][3, 0]
// CHECK: %[[STRIDE0:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: %[[G0:.*]] = llvm.insertvalue %[[STRIDE0]], %[[F0]][4, 0]
// CHECK: %[[X:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> : (i64) -> !llvm.ptr
// CHECK: llvm.store %[[G0]], %[[X]]
// CHECK: %[[S1:.*]] = llvm.getelementptr %arg0[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[U1:.*]] = llvm.mlir.undef : !llvm.struct<(ptr, ptr, i64)>
// CHECK: %[[A1:.*]] = llvm.insertvalue %[[P1]], %[[U1]][0]
// CHECK: %[[B1:.*]] = llvm.insertvalue %[[P1]], %[[A1]][1]
// CHECK: %[[Z1:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: %[[C1:.*]] = llvm.insertvalue %[[Z1]], %[[B1]][2]
// CHECK-NOT: llvm.insertvalue
// CHECK: %[[Y:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, ptr, i64)> : (i64) -> !llvm.ptr
// CHECK: llvm.store %[[C1]], %[[Y]]
// CHECK: llvm.call @_mlir_ciface_main_graph(%[[X]], %[[Y]]) : (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.return
// CHECK-NOT: smelt_output_shapes
module attributes {smelt.signature = "input\09x\09f32\092,3\0Aoutput\09y\09i8\09\0A"} {
  llvm.func @_mlir_ciface_main_graph(!llvm.ptr, !llvm.ptr)
}

// -----

// A dynamic batch: x is ?x3 and y is ?x4x5. smelt_run reads x's first size
// from dims[0] and y's from dims[2] (after x's two dims); a stride past a
// dynamic size is a product. smelt_output_shapes passes the inputs' sizes
// with null data and the caller's array as a one-dimensional i64 memref of
// one element (y's one dynamic dimension) to the shape function.
// CHECK-LABEL: llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
// CHECK: %[[XN:.*]] = llvm.getelementptr %arg1[0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[N:.*]] = llvm.load %[[XN]] : !llvm.ptr -> i64
// CHECK: llvm.insertvalue %[[N]], %{{.*}}[3, 0]
// CHECK: %[[YN:.*]] = llvm.getelementptr %arg1[2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[M:.*]] = llvm.load %[[YN]] : !llvm.ptr -> i64
// CHECK: %[[S:.*]] = llvm.mlir.constant(20 : i64) : i64
// CHECK: llvm.insertvalue %[[S]], %{{.*}}[4, 0]
// CHECK: llvm.call @_mlir_ciface_main_graph
// CHECK-LABEL: llvm.func @smelt_output_shapes(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
// CHECK: %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.getelementptr %arg0[0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.insertvalue %arg1, %{{.*}}[0]
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: llvm.insertvalue %[[ONE]], %{{.*}}[3, 0]
// CHECK: llvm.call @_mlir_ciface_smelt_shapes(%{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr) -> ()
module attributes {smelt.signature = "input\09x\09f32\09?,3\0Aoutput\09y\09f32\09?,4,5\0A"} {
  llvm.func @_mlir_ciface_main_graph(!llvm.ptr, !llvm.ptr)
  llvm.func @_mlir_ciface_smelt_shapes(!llvm.ptr, !llvm.ptr)
}

// -----

// Without the signature there is nothing to describe the buffers.
// expected-error @+1 {{needs the recorded signature and the C interface @_mlir_ciface_main_graph (run smelt-cpu-record-signature first)}}
module {
  llvm.func @_mlir_ciface_main_graph(!llvm.ptr)
}

// -----

// The C interface must already be an LLVM function: a func.func of that
// name (before lowering) or only the plain entry function does not count.
// expected-error @+1 {{needs the recorded signature and the C interface @_mlir_ciface_main_graph (run smelt-cpu-record-signature first)}}
module attributes {smelt.signature = "input\09x\09f32\094\0A"} {
  llvm.func @main_graph(!llvm.ptr, !llvm.ptr, i64, i64, i64)
  func.func private @_mlir_ciface_main_graph(!llvm.ptr)
}

// -----

// One descriptor per listed tensor: a count that disagrees with the C
// interface's arity is an error, not a call with the wrong arguments.
// expected-error @+1 {{the signature lists 2 tensors but @_mlir_ciface_main_graph takes 3 arguments}}
module attributes {smelt.signature = "input\09x\09f32\094\0Aoutput\09y\09f32\094\0A"} {
  llvm.func @_mlir_ciface_main_graph(!llvm.ptr, !llvm.ptr, !llvm.ptr)
}
