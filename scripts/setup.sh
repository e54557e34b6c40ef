#!/usr/bin/env bash
# Installs every Debian package Smelt needs (when one is missing) and builds
# Smelt into build/. Safe to run again: it only does what is left to do.
#
#   scripts/setup.sh            # packages + build + `import smelt`
#   SMELT_BUILD_DIR=out scripts/setup.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${SMELT_BUILD_DIR:-$root/build}")

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
  # the Python module (pybind11 over the driver) and its tests (pytest,
  # PyTorch as a reference)
  pybind11-dev python3-dev python3-pytest python3-torch
  # the example notebook, run in a real Jupyter kernel by the tests
  python3-nbclient python3-ipykernel
  # real images: the Python example and bench/quantization.sh
  dataset-fashion-mnist
  # bench/quantization.sh: text images rendered for the OCR detector
  python3-pil fonts-dejavu-core
  # bench/zoo.sh: torchvision's classification models (random weights)
  python3-torchvision
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The peer runtime the main job and bench/ compare with, ONNX Runtime, comes
# from npm (bench/peer.sh): Node.js and npm, Debian's unless some are here.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
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

# `import smelt` for Debian's /usr/bin/python3: a .pth file in its
# site-packages names the package folder of this build.
site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
pth="$site/smelt.pth"
if [ "$(cat "$pth" 2>/dev/null)" != "$build/python" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo mkdir -p "$site"
  echo "$build/python" | $sudo tee "$pth" > /dev/null
  echo "smelt setup: /usr/bin/python3 imports smelt from $build/python ($pth)"
fi
