//===- smelt-run.cpp - Run a model compiled by smeltc ----------------------===//
//
// Its own small flag parser: LLVM's command-line registry already owns
// names such as --threads in every tool linked against libLLVM.
//
//===----------------------------------------------------------------------===//

#include "smelt/Runner/Runner.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

namespace {

const char *kUsage =
    "usage: smelt-run MODEL.so [--input NAME=FILE | --input FILE]...\n"
    "                 [--output-dir DIR] [--threads N] [--bench N] [--profile]\n"
    "\n"
    "Runs a model compiled by smeltc. Inputs are .npy files or ONNX\n"
    "TensorProto .pb files; --output-dir writes one NAME.npy per output;\n"
    "--threads N runs the parallel kernels on N threads (default: one per\n"
    "core, or OMP_NUM_THREADS); --bench N times N runs and prints the\n"
    "median and minimum in ms; --profile prints each layer's time per run\n"
    "(a model compiled with smeltc --profile), over the --bench runs or 10.\n";

int usageError(const std::string &message) {
  llvm::errs() << "smelt-run: error: " << message << "\n" << kUsage;
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  smelt::RunOptions options;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "-h" || arg == "--help") {
      llvm::outs() << kUsage;
      return 0;
    }
    llvm::StringRef flag = arg, value;
    bool hasValue = false;
    if (arg.starts_with("--") && arg.contains('=')) {
      std::tie(flag, value) = arg.split('=');
      hasValue = true;
    }
    auto takeValue = [&]() -> bool {
      if (hasValue)
        return true;
      if (i + 1 >= argc)
        return false;
      value = argv[++i];
      return true;
    };
    auto takeInt = [&](int &out) -> bool {
      return takeValue() && !value.getAsInteger(10, out) && out >= 0;
    };
    if (flag == "--input" || flag == "-i") {
      if (!takeValue())
        return usageError("--input needs NAME=FILE or FILE");
      options.inputs.push_back(value.str());
    } else if (flag == "--output-dir") {
      if (!takeValue())
        return usageError("--output-dir needs a folder");
      options.outputDir = value.str();
    } else if (flag == "--threads") {
      if (!takeInt(options.threads) || options.threads < 1)
        return usageError("--threads needs a positive number");
    } else if (flag == "--bench") {
      if (!takeInt(options.benchRuns))
        return usageError("--bench needs a number of runs");
    } else if (flag == "--profile" && !hasValue) {
      options.profile = true;
    } else if (arg.starts_with("-")) {
      return usageError("unknown flag '" + arg.str() + "'");
    } else if (options.modelPath.empty()) {
      options.modelPath = arg.str();
    } else {
      return usageError("more than one model ('" + options.modelPath +
                        "' and '" + arg.str() + "')");
    }
  }
  if (options.modelPath.empty())
    return usageError("no model given");
  return smelt::runModel(options, llvm::outs(), llvm::errs());
}
