//===- Samples.h - Sample data and instrumented models ----------*- C++ -*-===//
//
// What calibration and divergence measurement share: reading samples,
// instrumenting a model so that every f32 intermediate tensor is an output,
// compiling it for this CPU and loading it through the C runtime with each
// sample bound to its inputs, and reporting progress. Internal to
// lib/Calibration.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_CALIBRATION_SAMPLES_H
#define SMELT_LIB_CALIBRATION_SAMPLES_H

#include "smelt/Calibration/Calibration.h"
#include "smelt/Runner/TensorFile.h"
#include "smelt-c/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace smelt::detail {

using Sample = std::map<std::string, DecodedTensor>;

/// Reports progress to `callback`, or as a bar on stderr redrawn in place
/// on a terminal.
class Progress {
public:
  Progress(const ProgressCallback &callback, bool enabled, llvm::StringRef stage,
           int64_t total)
      : callback(callback), enabled(enabled), stage(stage.str()), total(total),
        terminal(llvm::sys::Process::StandardErrIsDisplayed()) {
    if (callback)
      cancelled = !callback(stage, 0, total);
  }
  /// Counts one unit done; false when the callback cancelled the step.
  [[nodiscard]] bool step(llvm::StringRef what) {
    ++done;
    if (callback) {
      cancelled = cancelled || !callback(stage, done, total);
      return !cancelled;
    }
    if (!enabled || (!terminal && done != total))
      return true;
    int width = 30, filled = static_cast<int>(width * done / std::max<int64_t>(1, total));
    llvm::errs() << (terminal ? "\r" : "") << stage << " ["
                 << std::string(filled, '#') << std::string(width - filled, '.')
                 << "] " << done << "/" << total << " " << what
                 << (done == total ? "\n" : "");
    llvm::errs().flush();
    return true;
  }
  bool isCancelled() const { return cancelled; }

private:
  const ProgressCallback &callback;
  bool enabled;
  std::string stage;
  int64_t total, done = 0;
  bool terminal;
  bool cancelled = false;
};

/// Adds every static f32 result of the entry function's top-level ops (and
/// its f32 inputs, as "input" tensors) to its outputs; returns who produced
/// each, in order.
std::vector<TensorRange> instrument(mlir::func::FuncOp func);

/// The samples at `options.dataPath`, cut to the shapes of `func`'s inputs.
mlir::FailureOr<std::vector<Sample>>
loadModelSamples(mlir::func::FuncOp func, const CalibrationOptions &options,
                 mlir::Location loc);

using ModelHandle = std::unique_ptr<SmeltModel, void (*)(SmeltModel *)>;

/// A compiled, loaded model and each sample's input buffers for it.
struct LoadedModel {
  ModelHandle model;
  std::vector<std::vector<const void *>> buffers;
  SmeltModel *get() const { return model.get(); }
  /// Runs sample `s` (outputs in the runtime's buffers); a failure is
  /// emitted at `loc`, naming the sample.
  mlir::LogicalResult run(size_t s, mlir::Location loc) const;
  /// Output `index` of the last run, as floats.
  const float *floats(size_t index) const {
    return static_cast<const float *>(smelt_model_output_buffer(get(), index));
  }
};

/// Compiles `module` (instrumented by the caller) for this CPU, loads it
/// and binds the samples to its inputs.
mlir::FailureOr<LoadedModel> loadForSamples(mlir::ModuleOp module,
                                            const std::vector<Sample> &samples,
                                            const TargetOptions &targetOptions,
                                            mlir::Location loc);

} // namespace smelt::detail

#endif // SMELT_LIB_CALIBRATION_SAMPLES_H
