#!/usr/bin/env bash
# The README's main job: sets everything up (scripts/setup.sh), then on the
# bundled example (an MLP classifying scikit-learn's 8x8 digits):
#   1. imports it and prints its summary,
#   2. compiles it to a native library for this CPU,
#   3. runs it on the 397 held-back images and times it,
#   4. checks the outputs against NumPy evaluating the same graph, and
#      prints the accuracy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
example="$root/examples/digits"
out="$build/examples/digits"
mkdir -p "$out"

echo
echo "== 1. import: smeltc digits_mlp.onnx --emit=summary"
"$build/bin/smeltc" "$example/digits_mlp.onnx" --emit=summary

echo "== 2. compile: smeltc digits_mlp.onnx --input-shape=pixels:397x64 -o digits_mlp.so"
"$build/bin/smeltc" "$example/digits_mlp.onnx" --input-shape=pixels:397x64 \
  -o "$out/digits_mlp.so"
ls -l "$out/digits_mlp.so" | awk '{print "   " $5 " bytes"}'

echo "== 3. run: smelt-run digits_mlp.so --input pixels=pixels.npy --bench 50"
/usr/bin/python3 "$example/evaluate.py" prepare "$out"
"$build/bin/smelt-run" "$out/digits_mlp.so" --input "pixels=$out/pixels.npy" \
  --output-dir "$out/outputs" --bench 50

echo "== 4. check against NumPy evaluating the same ONNX graph"
/usr/bin/python3 "$example/evaluate.py" check "$out/outputs/probabilities.npy"
