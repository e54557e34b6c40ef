#!/usr/bin/env bash
# What Winograd F(2x2, 3x3) would gain: one 3x3 convolution as ONNX's Conv
# and as the same arithmetic decomposed into plain ONNX ops (input
# transform, 16 batched products, output transform), both compiled by
# Smelt and run beside ONNX Runtime 1.30 at 1 thread: latencies, ratios and
# the relative L2 distance between the two of Smelt's outputs.
#
#   bench/winograd.sh                 # after scripts/setup.sh
#   bench/winograd.sh 64:64:56 256:256:14
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/peer.sh"
SMELT_BUILD_DIR="$build" exec /usr/bin/python3 "$here/winograd.py" "$@"
