#!/usr/bin/env bash
# Layer shapes the torchvision zoo is slow on (pointwise convolutions with
# few panels of output channels, depthwise 3x3 on a 14x14 map, MobileNetV2
# blocks, vit_b_16's MLP product and attention Softmax), each as a small
# model compiled by Smelt and run beside ONNX Runtime 1.30 at 1 and 2
# threads: latencies, ratios, each side's 2-thread speedup, relative L2.
#
#   bench/layers.sh                   # after scripts/setup.sh
#   bench/layers.sh depthwise block
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/peer.sh"
needs_torchvision
SMELT_BUILD_DIR="$build" exec /usr/bin/python3 "$here/layers.py" "$@"
