// RUN: not smelt-opt %s --pass-pipeline='builtin.module(func.func(smelt-cpu-vectorize-contractions{vector-bits=100}))' 2>&1 | FileCheck %s

// CHECK: vector-bits must be 128, 256 or 512, not 100
func.func @f() {
  return
}
