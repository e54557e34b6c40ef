// LLVM 22's own mlir-opt (Debian's, not smelt-opt) loads Smelt's dialect and
// passes from one shared library and runs them: the onnx dialect parses,
// convert-onnx-to-linalg and smelt-cpu-fuse-elementwise rewrite it, and the
// whole smelt-cpu-pipeline lowers it to the LLVM dialect with the runtime's
// entry point.
// RUN: %stock_mlir_opt --load-dialect-plugin=%smelt_plugin --load-pass-plugin=%smelt_plugin %s --pass-pipeline='builtin.module(convert-onnx-to-linalg,func.func(smelt-cpu-fuse-elementwise))' | FileCheck %s --check-prefix=LINALG
// RUN: %stock_mlir_opt --load-dialect-plugin=%smelt_plugin --load-pass-plugin=%smelt_plugin %s --pass-pipeline='builtin.module(smelt-cpu-pipeline)' | FileCheck %s --check-prefix=LLVM
// Without the plugin, the stock tool knows no onnx dialect.
// RUN: not %stock_mlir_opt %s 2>&1 | FileCheck %s --check-prefix=STOCK

// LINALG: linalg.generic
// LINALG: arith.addf
// LINALG: arith.cmpf olt
// LINALG: arith.select
// LINALG-NOT: onnx.
// LINALG-NOT: linalg.generic
// LLVM-DAG: llvm.func @_mlir_ciface_main_graph
// LLVM-DAG: llvm.func @smelt_run(%{{.*}}: !llvm.ptr)
// LLVM-DAG: llvm.mlir.global external constant @smelt_model_signature
// STOCK: Dialect `onnx' not found
func.func @main_graph(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Relu(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
