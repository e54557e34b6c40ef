#!/usr/bin/env bash
# The README's main job: sets everything up (scripts/setup.sh, and ONNX
# Runtime 1.30 from npm for the comparison), then on the bundled
# Fashion-MNIST CNN (examples/main_job.py):
#   1. imports it and prints its summary,
#   2. compiles it to a native library for this CPU,
#   3. compresses it to int8 from 256 training images (and writes the same
#      quantization as an ONNX QDQ model),
#   4. runs float and int8 on the 10,000 test images beside ONNX Runtime
#      running the float model and the QDQ export, and checks they agree,
#   5. reports accuracy, latency and size before and after, side by side;
#   6. runs the Python example (examples/python/fashion_mnist.py): the same
#      CNN compiled, quantized, compared and reported from `import smelt`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
here="$root/bench"
. "$root/bench/peer.sh"
out="$build/examples/main"
mkdir -p "$out"
echo
/usr/bin/python3 "$root/examples/main_job.py" "$build" "$out"

echo
echo "== 6. the same from Python: examples/python/fashion_mnist.py"
TMPDIR="$out" /usr/bin/python3 "$root/examples/python/fashion_mnist.py"
