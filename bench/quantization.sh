#!/usr/bin/env bash
# Quantization of the Fashion-MNIST CNN (test/models/fashion-mnist): top-1 on
# the 10,000 held-back test images, float vs static int8 vs weight-only int8
# and int4; file sizes; the exported QDQ model run by ONNX Runtime 1.30
# beside Smelt's int8 code (agreement within one quantization step of the
# output, latency); and the PaddleOCR detector, int8 vs float, on rendered
# text images (text-mask IoU, latency beside ONNX Runtime on the QDQ export).
# Both int8 models are also compiled for --cpu=x86-64-v3 (AVX2) and timed
# beside ONNX Runtime held to AVX2 (bench/cpuid_avx2.c masks CPUID).
#
#   bench/quantization.sh        # after scripts/setup.sh and bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}
work="$here/.cache/quantization"
runs=${SMELT_BENCH_RUNS:-20}
# Each latency is the best of this many medians, Smelt and ORT taking turns
# (this VM has slow spells of seconds).
rounds=${SMELT_BENCH_ROUNDS:-3}
model="$root/test/models/fashion-mnist/fashion_mnist_cnn.onnx"
smeltc="$build/bin/smeltc"
run="$build/bin/smelt-run"
[ -d "$here/node_modules/onnxruntime-node" ] || { echo "run bench/run.sh first (it installs onnxruntime-node)"; exit 1; }
command -v "$smeltc" >/dev/null || [ -x "$smeltc" ] || { echo "build Smelt first: scripts/setup.sh"; exit 1; }
mkdir -p "$work"
# ONNX Runtime as on an AVX2 machine, for the x86-64-v3 ratios: CPUID masked
# (bench/cpuid_avx2.c), where the CPU can fault on CPUID.
avx2_ort=""
if grep -qw cpuid_fault /proc/cpuinfo && cc -O2 -shared -fPIC -o "$work/cpuid_avx2.so" "$here/cpuid_avx2.c" -ldl 2>/dev/null; then
  avx2_ort="$work/cpuid_avx2.so"
fi
# The smaller of a best-so-far (empty at first) and a new time; "-" stays.
least() {
  if [ -z "$1" ]; then echo "$2"; elif [ "$2" = - ]; then echo -
  else awk -v a="$1" -v b="$2" 'BEGIN { print (b < a ? b : a) }'; fi
}
# ORT's latency on one model (ort_run.js's arguments), natively and, given
# "avx2", held to AVX2 ("-" where it cannot be).
ort_ms() {
  local how=$1
  shift
  if [ "$how" = avx2 ]; then
    [ -n "$avx2_ort" ] || { echo -; return; }
    LD_PRELOAD="$avx2_ort" node "$here/ort_run.js" "$@" | awk '{print $3}'
  else
    node "$here/ort_run.js" "$@" | awk '{print $3}'
  fi
}
[ -f "$work/test_labels.npy" ] || /usr/bin/python3 "$here/fashion_data.py" "$work"

echo "== accuracy on the 10,000 test images: float; int8 (calibration: 256 training"
echo "   images, minmax); weight-only int8 (w8) and int4 (w4), groups of 32, round"
echo "   to nearest; int4 by GPTQ on the same 256 images (w4gptq)"
"$smeltc" "$model" --input-shape=image:1000x1x28x28 -o "$work/float.so"
"$smeltc" "$model" --input-shape=image:1000x1x28x28 --quantize=int8 \
  --calibration="$work/calibration.npz" -o "$work/int8.so" 2>"$work/quantize.log"
tail -1 "$work/quantize.log"
for bits in 8 4; do
  "$smeltc" "$model" --input-shape=image:1000x1x28x28 --quantize=int$bits-weights \
    --weight-group-size=32 -o "$work/w$bits.so" 2>>"$work/quantize.log"
  tail -1 "$work/quantize.log"
done
"$smeltc" "$model" --input-shape=image:1000x1x28x28 --quantize=int4-weights \
  --weight-group-size=32 --weight-method=gptq --calibration="$work/calibration.npz" \
  -o "$work/w4gptq.so" 2>>"$work/quantize.log"
tail -1 "$work/quantize.log"
for variant in float int8 w8 w4 w4gptq; do
  mkdir -p "$work/$variant"
  for batch in "$work"/test_[0-9]*.npy; do
    k=$(basename "$batch" .npy); k=${k#test_}
    "$run" "$work/$variant.so" --input "image=$batch" --output-dir "$work/$variant/out" --threads 1
    mv "$work/$variant/out/logits.npy" "$work/$variant/logits_$k.npy"
  done
done
/usr/bin/python3 "$here/fashion_data.py" accuracy "$work" "$work/float" "$work/int8" "$work/w8" "$work/w4" "$work/w4gptq" |
  awk '{n=split($1,p,"/"); printf "top-1 %-7s %6.2f%%\n", p[n], $2}'

echo
echo "== the QDQ model Smelt exports, in ONNX Runtime (64 test images)"
"$smeltc" "$model" --input-shape=image:64x1x28x28 --quantize=int8 \
  --calibration="$work/calibration.npz" --emit=onnx -o "$work/int8_qdq.onnx" 2>/dev/null
"$smeltc" "$work/int8_qdq.onnx" -o "$work/int8_64.so"
"$smeltc" "$model" --input-shape=image:64x1x28x28 -o "$work/float_64.so"
/usr/bin/python3 -c "import numpy as np; np.save('$work/x64.npy', np.load('$work/test_00.npy')[:64])"
# The same int8 code for AVX2 machines (no AVX-512, no VNNI: issue 12's
# second int8 bar), beside the same ONNX Runtime.
"$smeltc" "$work/int8_qdq.onnx" --cpu=x86-64-v3 -o "$work/int8_64_avx2.so"
smelt_q=; smelt_f=; smelt_q2=; ort_q=; ort_q2=
for round in $(seq "$rounds"); do
  smelt_q=$(least "$smelt_q" "$("$run" "$work/int8_64.so" --input "image=$work/x64.npy" --output-dir "$work/smelt_q" --threads 1 --bench "$runs" | awk '{print $2}')")
  smelt_f=$(least "$smelt_f" "$("$run" "$work/float_64.so" --input "image=$work/x64.npy" --output-dir "$work/smelt_f" --threads 1 --bench "$runs" | awk '{print $2}')")
  smelt_q2=$(least "$smelt_q2" "$("$run" "$work/int8_64_avx2.so" --input "image=$work/x64.npy" --threads 1 --bench "$runs" | awk '{print $2}')")
  ort_q=$(least "$ort_q" "$(ort_ms native "$work/int8_qdq.onnx" image "$work/x64.npy" "$work/ort_q" 1 "$runs")")
  ort_q2=$(least "$ort_q2" "$(ort_ms avx2 "$work/int8_qdq.onnx" image "$work/x64.npy" "$work/ort_q_avx2" 1 "$runs")")
done
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
avx2_ratio() { # Smelt's x86-64-v3 ms, ORT's AVX2 ms
  if [ "$2" = - ]; then echo "ORT could not be held to AVX2 here (no CPUID faulting)"
  else /usr/bin/python3 -c "print('%.2f against ORT held to AVX2 (%s ms)' % ($1 / $2, '$2'))"; fi
}
/usr/bin/python3 -c "print('smelt int8 / ORT int8: %.2f on this CPU; as x86-64-v3 (AVX2: $smelt_q2 ms) %.2f against ORT on this CPU,' % ($smelt_q / $ort_q, $smelt_q2 / $ort_q))"
echo "  $(avx2_ratio "$smelt_q2" "$ort_q2"); bar 0.8"
echo
echo "== sizes"
ls -l "$model" "$work/int8_qdq.onnx" "$work/float_64.so" "$work/int8_64.so" | awk '{printf "%10d  %s\n", $5, $NF}'

echo
echo "== the PaddleOCR detector: int8 (calibrated on 4 rendered text images) vs float,"
echo "   on 8 other text images; 1 thread; ONNX Runtime runs Smelt's QDQ export"
det="$here/.cache/ocr/package/assets/ch_PP-OCRv4_det_infer.onnx"
if [ -f "$det" ]; then
  text="$work/det_text"
  [ -f "$text/text_11.npy" ] || /usr/bin/python3 "$here/make_text_images.py" "$text" 12
  for i in 0 1 2 3; do mkdir -p "$work/det_calibration/s$i"; cp "$text/text_$i.npy" "$work/det_calibration/s$i/x.npy"; done
  "$smeltc" "$det" --input-shape=x:1x3x320x320 -o "$work/det_float.so"
  "$smeltc" "$det" --input-shape=x:1x3x320x320 --quantize=int8 \
    --calibration="$work/det_calibration" -o "$work/det_int8.so" 2>"$work/det_quantize.log"
  tail -2 "$work/det_quantize.log"
  "$smeltc" "$det" --input-shape=x:1x3x320x320 --quantize=int8 \
    --calibration="$work/det_calibration" --emit=onnx -o "$work/det_qdq.onnx" 2>/dev/null
  for i in 4 5 6 7 8 9 10 11; do
    "$run" "$work/det_float.so" --input "x=$text/text_$i.npy" --output-dir "$work/det_f$i" --threads 1 >/dev/null
    "$run" "$work/det_int8.so" --input "x=$text/text_$i.npy" --output-dir "$work/det_q$i" --threads 1 >/dev/null
  done
  "$smeltc" "$det" --input-shape=x:1x3x320x320 --quantize=int8 --cpu=x86-64-v3 \
    --calibration="$work/det_calibration" -o "$work/det_int8_avx2.so" 2>/dev/null
  f=; q=; q2=; o=; o2=; of=
  for round in $(seq "$rounds"); do
    f=$(least "$f" "$("$run" "$work/det_float.so" --input "x=$text/text_4.npy" --threads 1 --bench "$runs" | awk '{print $2}')")
    q=$(least "$q" "$("$run" "$work/det_int8.so" --input "x=$text/text_4.npy" --threads 1 --bench "$runs" | awk '{print $2}')")
    q2=$(least "$q2" "$("$run" "$work/det_int8_avx2.so" --input "x=$text/text_4.npy" --threads 1 --bench "$runs" | awk '{print $2}')")
    o=$(least "$o" "$(ort_ms native "$work/det_qdq.onnx" x "$text/text_4.npy" "$work/det_ort" 1 "$runs")")
    o2=$(least "$o2" "$(ort_ms avx2 "$work/det_qdq.onnx" x "$text/text_4.npy" "$work/det_ort_avx2" 1 "$runs")")
    of=$(least "$of" "$(ort_ms native "$det" x "$text/text_4.npy" "$work/det_ortf" 1 "$runs")")
  done
  /usr/bin/python3 -c "
import numpy as np
ious, diffs = [], []
for i in range(4, 12):
    f = np.load('$work/det_f%d/sigmoid_0.tmp_0.npy' % i); q = np.load('$work/det_q%d/sigmoid_0.tmp_0.npy' % i)
    a, b = f > 0.3, q > 0.3   # the text mask DB post-processing thresholds
    ious.append((a & b).sum() / max(1, (a | b).sum())); diffs.append(np.abs(f - q).mean())
o = np.fromfile('$work/det_ort.sigmoid_0.tmp_0.bin', np.float32).reshape(1, 1, 320, 320)
s = np.load('$work/det_q4/sigmoid_0.tmp_0.npy')
print('text mask (prob > 0.3) IoU int8 vs float: mean %.3f, min %.3f; mean |prob diff| %.4f' % (np.mean(ious), np.min(ious), np.mean(diffs)))
print('ONNX Runtime on the QDQ export vs Smelt int8 (image 4): max |diff| %.2g' % float(np.abs(o - s).max()))
print('latency: Smelt float %s ms, Smelt int8 %s ms (%.2fx); ONNX Runtime: QDQ model %s ms, float model %s ms' % ('$f', '$q', $f / $q, '$o', '$of'))
print('smelt int8 / ORT int8: %.2f on this CPU; as x86-64-v3 (AVX2: $q2 ms) %.2f against ORT on this CPU,' % ($q / $o, $q2 / $o))"
  echo "  $(avx2_ratio "$q2" "$o2"); bar 0.8"
else
  echo "(run bench/run.sh first: it fetches the detector)"
fi
