#!/usr/bin/env bash
# Every torchvision 0.14 classification model under 100M parameters (random
# weights, Debian's python3-torchvision) compiled by Smelt and run beside
# ONNX Runtime 1.30 at batch 1 and 8, 1 and 2 threads: per-model latency
# ratios, relative L2 of the outputs, compile time and peak memory, then the
# geometric means against issue 12's bars. Exports are cached in
# bench/.cache/zoo; the whole zoo takes hours on 2 cores.
#
#   bench/zoo.sh                      # after scripts/setup.sh
#   bench/zoo.sh resnet18 mobilenet_v2
#   SMELT_ZOO_BATCHES=1 SMELT_ZOO_THREADS=1 SMELT_BENCH_RUNS=5 bench/zoo.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/peer.sh"
needs_torchvision
SMELT_BUILD_DIR="$build" exec /usr/bin/python3 "$here/zoo.py" "$@"
