// RUN: smelt-opt %s --pass-pipeline='builtin.module(func.func(smelt-cpu-approximate-math))' | FileCheck %s

// f32 exp, log, tanh and erf, vector or scalar, become polynomials (no
// math call left for LLVM to split into one libm call per lane); sin and
// f64 keep their calls (their approximations would lose precision).

// CHECK-LABEL: func.func @transcendental
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.sin %{{.*}} : vector<16xf32>
// CHECK: math.exp %{{.*}} : f64
// CHECK-NOT: math.exp
// CHECK: return
func.func @transcendental(%v: vector<16xf32>, %s: f32, %d: f64)
    -> (vector<16xf32>, vector<16xf32>, f32, f32, vector<16xf32>, f64) {
  %0 = math.exp %v : vector<16xf32>
  %1 = math.log %v : vector<16xf32>
  %2 = math.tanh %s : f32
  %3 = math.erf %s : f32
  %4 = math.sin %v : vector<16xf32>
  %5 = math.exp %d : f64
  return %0, %1, %2, %3, %4, %5 : vector<16xf32>, vector<16xf32>, f32, f32, vector<16xf32>, f64
}
