// RUN: smelt-opt %s --split-input-file --smelt-cpu-link-specializations --verify-diagnostics | FileCheck %s

// The general code takes x[?, 4] -> y[?, 4]; the nested module is the same
// model at x[8, 4]. Its definitions move in under smelt_s0_, local to the
// library; its declaration of malloc merges with the general one; its
// signature and smelt_output_shapes go (the general ones serve all shapes).
// smelt_run compares dims[0] (x's first dimension) with 8 and runs the
// specialized code when it matches, the general code otherwise;
// smelt_bind_allocator binds both variants' allocators.
// CHECK: llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?,4\0Aoutput\09y\09f32\09?,4\0A\00")
// CHECK-COUNT-1: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-NOT: llvm.func @malloc
// CHECK-LABEL: llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
// CHECK-NEXT: llvm.call @smelt_s0_smelt_bind_allocator(%arg0, %arg1, %arg2)
// CHECK-NEXT: llvm.return
// CHECK-LABEL: llvm.func internal @smelt_general_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
// CHECK-NEXT: llvm.call @main_graph(%arg0)
// CHECK-LABEL: llvm.func @smelt_output_shapes
// CHECK-NEXT: llvm.call @main_graph
// CHECK: llvm.mlir.global internal constant @smelt_s0_weights(dense<1.000000e+00> : tensor<4xf32>)
// CHECK-LABEL: llvm.func internal @smelt_s0_main_graph(%arg0: !llvm.ptr)
// CHECK: llvm.mlir.addressof @smelt_s0_weights
// CHECK: llvm.call @malloc
// CHECK-LABEL: llvm.func internal @smelt_s0_smelt_bind_allocator
// CHECK-LABEL: llvm.func internal @smelt_s0_smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
// CHECK-NEXT: llvm.call @smelt_s0_main_graph(%arg0)
// CHECK-NOT: smelt_model_signature
// CHECK-NOT: smelt_s0_smelt_output_shapes
// CHECK-LABEL: llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
// CHECK-NEXT: %[[AT:.*]] = llvm.getelementptr %arg1[0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[DIM:.*]] = llvm.load %[[AT]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[EIGHT:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK-NEXT: %[[SAME:.*]] = llvm.icmp "eq" %[[DIM]], %[[EIGHT]] : i64
// CHECK-NEXT: llvm.cond_br %[[SAME]], ^[[TAKEN:.*]], ^[[OTHER:.*]]
// CHECK-NEXT: ^[[TAKEN]]:
// CHECK-NEXT: llvm.call @smelt_s0_smelt_run(%arg0, %arg1)
// CHECK-NEXT: llvm.return
// CHECK-NEXT: ^[[OTHER]]:
// CHECK-NEXT: llvm.call @smelt_general_run(%arg0, %arg1)
// CHECK-NEXT: llvm.return
module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?,4\0Aoutput\09y\09f32\09?,4\0A\00") {addr_space = 0 : i32}
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @main_graph(%arg0: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.call @main_graph(%arg0) : (!llvm.ptr) -> ()
    llvm.return
  }
  llvm.func @smelt_output_shapes(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.call @main_graph(%arg0) : (!llvm.ptr) -> ()
    llvm.return
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\098,4\0Aoutput\09y\09f32\098,4\0A\00") {addr_space = 0 : i32}
    llvm.func @malloc(i64) -> !llvm.ptr
    llvm.mlir.global internal constant @weights(dense<1.0> : tensor<4xf32>) {addr_space = 0 : i32} : !llvm.array<4 x f32>
    llvm.func @main_graph(%arg0: !llvm.ptr) {
      %0 = llvm.mlir.addressof @weights : !llvm.ptr
      %1 = llvm.mlir.constant(16 : i64) : i64
      %2 = llvm.call @malloc(%1) : (i64) -> !llvm.ptr
      llvm.return
    }
    llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
      llvm.return
    }
    llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
      llvm.call @main_graph(%arg0) : (!llvm.ptr) -> ()
      llvm.return
    }
    llvm.func @smelt_output_shapes(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
      llvm.call @main_graph(%arg0) : (!llvm.ptr) -> ()
      llvm.return
    }
  }
}

// -----

// Two specializations of two inputs, each fixing the dims the general
// code leaves open in its own way: dims holds a[?, ?] at 0 and 1 and b[3, ?]
// at 2 and 3. The first fixes a's two and b's last; the second only a's
// first (its other dims stay open, read at run time by its own code).
// The outputs' sizes follow from the inputs': y's is not compared.
// CHECK-LABEL: llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
// CHECK: llvm.getelementptr %arg1[0]
// CHECK: llvm.mlir.constant(2 : i64)
// CHECK: llvm.getelementptr %arg1[1]
// CHECK: llvm.mlir.constant(5 : i64)
// CHECK: llvm.and
// CHECK: llvm.getelementptr %arg1[3]
// CHECK: llvm.mlir.constant(7 : i64)
// CHECK: llvm.and
// CHECK-NEXT: llvm.cond_br
// CHECK: llvm.call @smelt_s0_smelt_run(%arg0, %arg1)
// CHECK: llvm.getelementptr %arg1[0]
// CHECK-NOT: llvm.getelementptr
// CHECK: llvm.mlir.constant(1 : i64)
// CHECK-NEXT: llvm.icmp
// CHECK-NEXT: llvm.cond_br
// CHECK: llvm.call @smelt_s1_smelt_run(%arg0, %arg1)
// CHECK: llvm.call @smelt_general_run(%arg0, %arg1)
module {
  llvm.mlir.global external constant @smelt_model_signature("input\09a\09f32\09?,?\0Ainput\09b\09f32\093,?\0Aoutput\09y\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09a\09f32\092,5\0Ainput\09b\09f32\093,7\0Aoutput\09y\09f32\092\0A\00") {addr_space = 0 : i32}
    llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
      llvm.return
    }
    llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
      llvm.return
    }
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09a\09f32\091,?\0Ainput\09b\09f32\093,?\0Aoutput\09y\09f32\091\0A\00") {addr_space = 0 : i32}
    llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
      llvm.return
    }
    llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
      llvm.return
    }
  }
}

// -----

// Profiled variants share one table: a slot per node, the general code's
// first (a, b), then the nodes only the specialization has (c). The
// specialization's slot 0 (its b) becomes slot 1, its slot 1 (c) slot 2.
// CHECK-DAG: llvm.mlir.global external constant @smelt_profile_count(3 : i64)
// CHECK-DAG: llvm.mlir.global external constant @smelt_profile_names("a\0Ab\0Ac\0A\00")
// CHECK-DAG: llvm.mlir.global external @smelt_profile_ns() {addr_space = 0 : i32} : !llvm.array<3 x i64>
// CHECK-LABEL: llvm.func internal @smelt_s0_main_graph()
// CHECK: %[[T:.*]] = llvm.mlir.addressof @smelt_profile_ns : !llvm.ptr
// CHECK: llvm.getelementptr %[[T]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.getelementptr %[[T]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.mlir.addressof @smelt_profile_runs
module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.mlir.global external @smelt_profile_ns() {addr_space = 0 : i32} : !llvm.array<2 x i64> {
    %0 = llvm.mlir.zero : !llvm.array<2 x i64>
    llvm.return %0 : !llvm.array<2 x i64>
  }
  llvm.mlir.global external @smelt_profile_runs() {addr_space = 0 : i32} : i64 {
    %0 = llvm.mlir.zero : i64
    llvm.return %0 : i64
  }
  llvm.mlir.global external constant @smelt_profile_count(2 : i64) {addr_space = 0 : i32} : i64
  llvm.mlir.global external constant @smelt_profile_names("a\0Ab\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\094\0A\00") {addr_space = 0 : i32}
    llvm.mlir.global external @smelt_profile_ns() {addr_space = 0 : i32} : !llvm.array<2 x i64> {
      %0 = llvm.mlir.zero : !llvm.array<2 x i64>
      llvm.return %0 : !llvm.array<2 x i64>
    }
    llvm.mlir.global external @smelt_profile_runs() {addr_space = 0 : i32} : i64 {
      %0 = llvm.mlir.zero : i64
      llvm.return %0 : i64
    }
    llvm.mlir.global external constant @smelt_profile_count(2 : i64) {addr_space = 0 : i32} : i64
    llvm.mlir.global external constant @smelt_profile_names("b\0Ac\0A\00") {addr_space = 0 : i32}
    llvm.func @main_graph() {
      %t = llvm.mlir.addressof @smelt_profile_ns : !llvm.ptr
      %b = llvm.getelementptr %t[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<2 x i64>
      %c = llvm.getelementptr %t[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<2 x i64>
      %r = llvm.mlir.addressof @smelt_profile_runs : !llvm.ptr
      llvm.return
    }
    llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
      llvm.return
    }
    llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
      llvm.call @main_graph() : () -> ()
      llvm.return
    }
  }
}

// -----

// expected-error @+1 {{links specializations into a module with @smelt_run and @smelt_bind_allocator}}
module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  module {
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  // expected-error @+1 {{has no string @smelt_model_signature}}
  module {
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  // expected-error @+1 {{the specialization's tensor 'z' (f32, rank 1) is not the general code's 'x' (f32, rank 1)}}
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09z\09f32\094\0A\00") {addr_space = 0 : i32}
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?,2\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  // expected-error @+1 {{the specialization gives 'x' dimension 1 size 3 where the general code has 2}}
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\094,3\0A\00") {addr_space = 0 : i32}
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  // expected-error @+1 {{the specialization fixes no dimension the general code leaves open}}
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @malloc(i64) -> !llvm.ptr
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\094\0A\00") {addr_space = 0 : i32}
    // expected-error @+1 {{declares @malloc other than the general code does}}
    llvm.func @malloc(i32) -> !llvm.ptr
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\094\0A\00") {addr_space = 0 : i32}
    // expected-error @+1 {{cannot be linked into the general code (not a symbol)}}
    llvm.mlir.global_ctors ctors = [], priorities = [], data = []
  }
}

// -----

module {
  llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\09?\0A\00") {addr_space = 0 : i32}
  llvm.func @smelt_bind_allocator(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) {
    llvm.return
  }
  llvm.func @smelt_run(%arg0: !llvm.ptr, %arg1: !llvm.ptr) {
    llvm.return
  }
  // expected-error @+1 {{is profiled where the general code is not, or the other way round}}
  module {
    llvm.mlir.global external constant @smelt_model_signature("input\09x\09f32\094\0A\00") {addr_space = 0 : i32}
    llvm.mlir.global external @smelt_profile_ns() {addr_space = 0 : i32} : !llvm.array<1 x i64> {
      %0 = llvm.mlir.zero : !llvm.array<1 x i64>
      llvm.return %0 : !llvm.array<1 x i64>
    }
  }
}
