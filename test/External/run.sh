#!/usr/bin/env bash
# Installs Smelt from BUILD into a fresh prefix, builds test/External (a
# compiler outside Smelt's tree) against the installed package, and checks
# what it does: Smelt's passes on the onnx dialect, and the driver API
# compiling an ONNX model that the installed C runtime runs. Then runs
# LLVM's stock mlir-opt with the installed plugin.
#   run.sh SOURCE_DIR BUILD_DIR WORK_DIR LLVM_TOOLS_DIR
set -euo pipefail
src=$1 build=$2 work=$3 tools=$4
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/test/External" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
grep "Smelt from $work/prefix/lib/cmake/smelt" "$work/configure.log"
cmake --build "$work/build" > "$work/build.log"
embed="$work/build/smelt-embed"
# Nothing of Smelt's build tree is on its link path: the installed runtime.
ldd "$embed" | grep "libsmelt_runtime.so => $work/prefix/lib/"

"$embed" passes "$src/test/Plugin/mlir-opt-plugin.mlir" \
  'builtin.module(convert-onnx-to-linalg,func.func(smelt-cpu-fuse-elementwise))' \
  > "$work/linalg.mlir"
"$tools/FileCheck" "$src/test/External/checks.txt" --check-prefix=LINALG < "$work/linalg.mlir"
"$embed" compile "$src/examples/digits/digits_mlp.onnx" "$work/digits.so" > "$work/run.txt"
"$tools/FileCheck" "$src/test/External/checks.txt" --check-prefix=DYNAMIC < "$work/run.txt"
"$embed" compile "$src/test/models/fashion-mnist/fashion_mnist_cnn.onnx" "$work/cnn.so" image:1x1x28x28 \
  > "$work/run.txt"
"$tools/FileCheck" "$src/test/External/checks.txt" --check-prefix=RUNS < "$work/run.txt"

"$tools/mlir-opt" --load-dialect-plugin="$work/prefix/lib/SmeltPlugin.so" \
  --load-pass-plugin="$work/prefix/lib/SmeltPlugin.so" "$src/test/Plugin/mlir-opt-plugin.mlir" \
  --pass-pipeline='builtin.module(smelt-cpu-pipeline)' > "$work/llvm.mlir"
"$tools/FileCheck" "$src/test/External/checks.txt" --check-prefix=LLVM < "$work/llvm.mlir"
echo "external project: passes, driver, runtime and plugin from the installed package all work"
