#!/usr/bin/env bash
# Installs every Debian package Smelt needs (when one is missing) and builds
# Smelt into build/. Safe to run again: it only does what is left to do.
#
#   scripts/setup.sh            # packages + build
#   SMELT_BUILD_DIR=out scripts/setup.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${SMELT_BUILD_DIR:-$root/build}

packages=(
  # toolchain
  g++ cmake ninja-build ccache git
  # LLVM/MLIR 22 (lit and FileCheck come with llvm-22-tools)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  # OpenMP runtime: compiled models run their parallel kernels on its threads
  libomp-22-dev
  # ONNX 1.12 and protobuf
  libonnx-dev protobuf-compiler libprotobuf-dev
  # libraries LLVM's CMake package looks for
  zlib1g-dev libzstd-dev libxml2-dev
  # tests: ONNX's backend test data, ONNX's Python package for the test helpers
  libonnx-testdata python3 python3-numpy python3-onnx
  # bench/quantization.sh: text images rendered for the OCR detector
  python3-pil fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "smelt setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
jobs=${SMELT_JOBS:-$(nproc)}
cmake --build "$build" -j "$jobs"
