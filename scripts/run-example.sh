#!/usr/bin/env bash
# The README's main job: sets everything up (scripts/setup.sh), imports the
# bundled example model and prints its summary, then writes its MLIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
model="$root/examples/digits/digits_mlp.onnx"
out="$build/examples/digits"
mkdir -p "$out"
echo
echo "== smeltc $model --emit=summary"
"$build/bin/smeltc" "$model" --emit=summary
"$build/bin/smeltc" "$model" --emit=mlir -o "$out/digits_mlp.mlir"
echo
echo "MLIR written to $out/digits_mlp.mlir"
