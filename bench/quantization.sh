#!/usr/bin/env bash
# Quantization of the Fashion-MNIST CNN (test/models/fashion-mnist): top-1 on
# the 10,000 held-back test images, float vs static int8 vs weight-only int8
# and int4; file sizes; and
# the exported QDQ model run by ONNX Runtime 1.30 beside Smelt's int8 code
# (agreement within one quantization step of the output, latency).
#
#   bench/quantization.sh        # after scripts/setup.sh and bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}
work="$here/.cache/quantization"
runs=${SMELT_BENCH_RUNS:-20}
model="$root/test/models/fashion-mnist/fashion_mnist_cnn.onnx"
smeltc="$build/bin/smeltc"
run="$build/bin/smelt-run"
[ -d "$here/node_modules/onnxruntime-node" ] || { echo "run bench/run.sh first (it installs onnxruntime-node)"; exit 1; }
command -v "$smeltc" >/dev/null || [ -x "$smeltc" ] || { echo "build Smelt first: scripts/setup.sh"; exit 1; }
mkdir -p "$work"
[ -f "$work/test_labels.npy" ] || /usr/bin/python3 "$here/fashion_data.py" "$work"

echo "== accuracy on the 10,000 test images: float; int8 (calibration: 256 training"
echo "   images, minmax); weight-only int8 (w8) and int4 (w4), groups of 32"
"$smeltc" "$model" --input-shape=image:1000x1x28x28 -o "$work/float.so"
"$smeltc" "$model" --input-shape=image:1000x1x28x28 --quantize=int8 \
  --calibration="$work/calibration.npz" -o "$work/int8.so" 2>"$work/quantize.log"
tail -1 "$work/quantize.log"
for bits in 8 4; do
  "$smeltc" "$model" --input-shape=image:1000x1x28x28 --quantize=int$bits-weights \
    --weight-group-size=32 -o "$work/w$bits.so" 2>>"$work/quantize.log"
  tail -1 "$work/quantize.log"
done
for variant in float int8 w8 w4; do
  mkdir -p "$work/$variant"
  for batch in "$work"/test_[0-9]*.npy; do
    k=$(basename "$batch" .npy); k=${k#test_}
    "$run" "$work/$variant.so" --input "image=$batch" --output-dir "$work/$variant/out" --threads 1
    mv "$work/$variant/out/logits.npy" "$work/$variant/logits_$k.npy"
  done
done
/usr/bin/python3 "$here/fashion_data.py" accuracy "$work" "$work/float" "$work/int8" "$work/w8" "$work/w4" |
  awk '{n=split($1,p,"/"); printf "top-1 %-6s %6.2f%%\n", p[n], $2}'

echo
echo "== the QDQ model Smelt exports, in ONNX Runtime (64 test images)"
"$smeltc" "$model" --input-shape=image:64x1x28x28 --quantize=int8 \
  --calibration="$work/calibration.npz" --emit=onnx -o "$work/int8_qdq.onnx" 2>/dev/null
"$smeltc" "$work/int8_qdq.onnx" -o "$work/int8_64.so"
"$smeltc" "$model" --input-shape=image:64x1x28x28 -o "$work/float_64.so"
/usr/bin/python3 -c "import numpy as np; np.save('$work/x64.npy', np.load('$work/test_00.npy')[:64])"
smelt_q=$("$run" "$work/int8_64.so" --input "image=$work/x64.npy" --output-dir "$work/smelt_q" --threads 1 --bench "$runs" | awk '{print $2}')
smelt_f=$("$run" "$work/float_64.so" --input "image=$work/x64.npy" --output-dir "$work/smelt_f" --threads 1 --bench "$runs" | awk '{print $2}')
ort_q=$(node "$here/ort_run.js" "$work/int8_qdq.onnx" image "$work/x64.npy" "$work/ort_q" 1 "$runs" | awk '{print $3}')
/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np, onnx
from onnx import numpy_helper
work = sys.argv[1]
model = onnx.load(work + "/int8_qdq.onnx")
inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
for n in model.graph.node:
    if n.op_type == "Constant":
        inits[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
# The output's quantization step: the scale of the last DequantizeLinear.
last = [n for n in model.graph.node if n.op_type == "DequantizeLinear"][-1]
step = float(inits[last.input[1]])
mine = np.load(work + "/smelt_q/logits.npy")
ort = np.fromfile(work + "/ort_q.logits.bin", dtype=np.float32).reshape(mine.shape)
diff = float(np.abs(mine - ort).max())
print("logits: max abs diff %.3g, one quantization step %.3g: %s" % (diff, step, "within" if diff <= step * 1.0001 else "NOT within"))
print("same classes: %s" % ("yes" if (mine.argmax(1) == ort.argmax(1)).all() else "no"))
PY
printf 'latency (1 thread, 64 images): smelt float %s ms, smelt int8 %s ms, ORT int8 QDQ %s ms\n' "$smelt_f" "$smelt_q" "$ort_q"
echo
echo "== sizes"
ls -l "$model" "$work/int8_qdq.onnx" "$work/float_64.so" "$work/int8_64.so" | awk '{printf "%10d  %s\n", $5, $NF}'

echo
echo "== the PaddleOCR detector, int8 (calibrated on the bench's input) vs float, 1 thread"
det="$here/.cache/ocr/package/assets/ch_PP-OCRv4_det_infer.onnx"
if [ -f "$det" ] && [ -f "$here/.cache/paddleocr-det/x.npy" ]; then
  mkdir -p "$work/det_calibration"
  cp "$here/.cache/paddleocr-det/x.npy" "$work/det_calibration/x.npy"
  "$smeltc" "$det" --input-shape=x:1x3x320x320 -o "$work/det_float.so"
  "$smeltc" "$det" --input-shape=x:1x3x320x320 --quantize=int8 \
    --calibration="$work/det_calibration" -o "$work/det_int8.so" 2>/dev/null
  f=$("$run" "$work/det_float.so" --input "x=$work/det_calibration/x.npy" --output-dir "$work/det_f" --threads 1 --bench "$runs" | awk '{print $2}')
  q=$("$run" "$work/det_int8.so" --input "x=$work/det_calibration/x.npy" --output-dir "$work/det_q" --threads 1 --bench "$runs" | awk '{print $2}')
  /usr/bin/python3 -c "
import numpy as np
f = np.load('$work/det_f/sigmoid_0.tmp_0.npy'); q = np.load('$work/det_q/sigmoid_0.tmp_0.npy')
print('latency: float %s ms, int8 %s ms (%.2fx); outputs max abs diff %.2g' % ('$f', '$q', $f / $q, float(np.abs(f - q).max())))"
else
  echo "(run bench/run.sh first: it fetches the detector)"
fi
