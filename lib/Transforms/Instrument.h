//===- Instrument.h - Every f32 tensor of a model as an output --*- C++ -*-===//
//
// What calibration and divergence measurement share: a model's entry
// function instrumented so that every f32 value is an output (the model is
// then run through a ModelExecutor), the way back from an output to the
// value of the uninstrumented module, and progress reporting. Internal to
// lib/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TRANSFORMS_INSTRUMENT_H
#define SMELT_LIB_TRANSFORMS_INSTRUMENT_H

#include "smelt/Transforms/ModelExecutor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace smelt::detail {

/// One value made an output: an argument of the entry function, or result
/// `result` of its top-level op number `opIndex`.
struct Tap {
  /// The producing node's name ("?" when it has none) or the input's name.
  std::string node;
  unsigned result = 0;
  /// The op's name, or "input".
  std::string opName;
  int64_t argument = -1;
  int64_t opIndex = -1;
};

/// Adds every ranked f32 result of `func`'s top-level ops (and its f32
/// inputs) to its outputs, after the original ones; returns the taps in
/// output order.
std::vector<Tap> instrument(mlir::func::FuncOp func);

/// The value `tap` names in `func`: a function structurally the same as the
/// one instrumented (its clone before instrumentation).
mlir::Value tappedValue(mlir::func::FuncOp func, const Tap &tap);

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

} // namespace smelt::detail

#endif // SMELT_LIB_TRANSFORMS_INSTRUMENT_H
