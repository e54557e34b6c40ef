#!/usr/bin/env bash
# The README's main job: sets everything up (scripts/setup.sh), then on the
# bundled example (an MLP classifying scikit-learn's 8x8 digits):
#   1. imports it and prints its summary,
#   2. compiles it to a native library for this CPU,
#   3. runs it on the 397 held-back images and times it,
#   4. checks the outputs against NumPy evaluating the same graph, and
#      prints the accuracy;
#   5. quantizes it to int8 from its calibration data, compiles and runs
#      that too, and reports size, latency and accuracy before and after;
#   6. runs the Python example (examples/python/fashion_mnist.py): the
#      Fashion-MNIST CNN compiled, quantized, compared and reported from
#      `import smelt`.
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

echo "== 5. quantize: smeltc digits_mlp.onnx --quantize=int8 --calibration=calibration.npz"
"$build/bin/smeltc" "$example/digits_mlp.onnx" --input-shape=pixels:397x64 \
  --quantize=int8 --calibration="$example/calibration.npz" -o "$out/digits_mlp_int8.so"
"$build/bin/smeltc" "$example/digits_mlp.onnx" --quantize=int8 \
  --calibration="$example/calibration.npz" --emit=onnx -o "$out/digits_mlp_int8.onnx" 2>/dev/null
float_ms=$("$build/bin/smelt-run" "$out/digits_mlp.so" --input "pixels=$out/pixels.npy" --threads 1 --bench 200 | awk '{print $2}')
int8_ms=$("$build/bin/smelt-run" "$out/digits_mlp_int8.so" --input "pixels=$out/pixels.npy" \
  --output-dir "$out/outputs_int8" --threads 1 --bench 200 | awk '{print $2}')
/usr/bin/python3 - "$example" "$out" "$float_ms" "$int8_ms" <<'PY'
import os, sys
import numpy as np
example, out, float_ms, int8_ms = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
labels = np.load(os.path.join(example, "test_inputs.npz"))["labels"][:397]
acc = {v: 100 * (np.load(os.path.join(out, d, "probabilities.npy")).argmax(1) == labels).mean()
       for v, d in (("float", "outputs"), ("int8", "outputs_int8"))}
size = lambda p: os.path.getsize(p)
print("              %12s %12s" % ("float", "int8"))
print("model (onnx)  %12d %12d bytes" % (size(os.path.join(example, "digits_mlp.onnx")),
                                        size(os.path.join(out, "digits_mlp_int8.onnx"))))
print("library (.so) %12d %12d bytes" % (size(os.path.join(out, "digits_mlp.so")),
                                        size(os.path.join(out, "digits_mlp_int8.so"))))
print("latency       %12.3f %12.3f ms (397 images, 1 thread)" % (float_ms, int8_ms))
print("top-1         %11.1f%% %11.1f%%" % (acc["float"], acc["int8"]))
PY

echo
echo "== 6. the same from Python, on the Fashion-MNIST CNN: examples/python/fashion_mnist.py"
TMPDIR="$out" /usr/bin/python3 "$root/examples/python/fashion_mnist.py"
