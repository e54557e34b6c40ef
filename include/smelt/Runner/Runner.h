//===- Runner.h - What smelt-run does, as a library -------------*- C++ -*-===//

#ifndef SMELT_RUNNER_RUNNER_H
#define SMELT_RUNNER_RUNNER_H

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace smelt {

struct RunOptions {
  std::string modelPath;
  /// "NAME=FILE", or "FILE" for the next input in order.
  std::vector<std::string> inputs;
  /// Where one NAME.npy per output goes; empty writes nothing.
  std::string outputDir;
  /// Threads the parallel kernels use; 0: OpenMP's default (one per core).
  int threads = 0;
  /// When positive: time this many runs and print their median and minimum.
  int benchRuns = 0;
  /// Print each layer's time per run (a model compiled with --profile),
  /// over the bench runs, or kProfileRuns runs without --bench.
  bool profile = false;
};

constexpr int kProfileRuns = 10;

/// Loads the model, reads the inputs, runs, writes the outputs. Prints
/// errors (naming the file, input or output) to `errs` and returns a
/// process exit code.
int runModel(const RunOptions &options, llvm::raw_ostream &outs,
             llvm::raw_ostream &errs);

} // namespace smelt

#endif // SMELT_RUNNER_RUNNER_H
