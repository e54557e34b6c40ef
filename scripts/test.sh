#!/usr/bin/env bash
# The README's test command: sets everything up (scripts/setup.sh), then runs
# the whole suite through ctest. The last lines are ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
cd "$build"
ctest --output-on-failure -j "${SMELT_JOBS:-$(nproc)}"
