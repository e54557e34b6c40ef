# Sourced by the benchmarks: checks that Smelt is built and Node.js is
# here, and installs the peer, ONNX Runtime 1.30 (npm onnxruntime-node, CPU),
# into bench/node_modules once. Sets `build` and `cache`.
build=${SMELT_BUILD_DIR:-$root/build}
cache="$here/.cache"
mkdir -p "$cache"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "$(basename "$0") needs $tool (Node.js with npm)"; exit 1; }
done
[ -x "$build/bin/smeltc" ] || { echo "build Smelt first: scripts/setup.sh"; exit 1; }
if [ ! -d "$here/node_modules/onnxruntime-node" ]; then
  # Without the variable the package's install script tries to download
  # a GPU build and fails; its CPU library is in the package.
  (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund)
fi
# needs_torchvision: the torchvision-based benchmarks stop with how to get it.
needs_torchvision() {
  /usr/bin/python3 -c "import torchvision" 2>/dev/null ||
    { echo "$(basename "$0") needs Debian's python3-torchvision: scripts/setup.sh installs it"; exit 1; }
}
