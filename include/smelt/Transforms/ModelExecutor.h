//===- ModelExecutor.h - Running a model for the compression passes -*- C++ -*-===//
//
// Calibration and divergence measurement run the model they compress on
// sample data. They do it through this interface, so that the compression
// passes depend on the dialects alone: a target implements it (the CPU
// target compiles the module, loads it through the C runtime and runs it),
// registers it by name, and the driver or an embedder hands one in.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_MODELEXECUTOR_H
#define SMELT_TRANSFORMS_MODELEXECUTOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace smelt {

/// Progress of a long step: `done` of `total` units of `stage`
/// ("calibrating", "measuring divergence", "generating code"). Returning
/// false cancels the step (an interrupted notebook cell): it fails with a
/// diagnostic saying so.
using ProgressCallback = std::function<bool(llvm::StringRef stage,
                                            int64_t done, int64_t total)>;

/// Sample inputs, read by an executor for one model's inputs; opaque to
/// the passes, which only count them and hand them back.
class SampleSet {
public:
  virtual ~SampleSet();
  virtual size_t size() const = 0;
};

/// One output of the last run.
struct OutputTensor {
  /// f32 outputs are what the passes measure; others are skipped.
  bool isF32 = false;
  llvm::ArrayRef<int64_t> shape;
  int64_t numElements = 0;
  const void *data = nullptr;
  const float *floats() const { return static_cast<const float *>(data); }
};

/// A module compiled and loaded with a sample set bound to its inputs.
class LoadedModel {
public:
  virtual ~LoadedModel();
  /// Runs sample `index`; a failure is emitted at `loc`, naming the sample.
  virtual mlir::LogicalResult run(size_t index, mlir::Location loc) = 0;
  virtual size_t numOutputs() const = 0;
  /// Output `index` of the last run (valid until the next run).
  virtual OutputTensor output(size_t index) const = 0;
};

class ModelExecutor {
public:
  virtual ~ModelExecutor();

  /// Reads the samples at `path` (an .npz file or a folder of samples)
  /// for the inputs of `entry`, cut to their shapes. Errors name the file
  /// or the input.
  virtual mlir::FailureOr<std::unique_ptr<SampleSet>>
  readSamples(llvm::StringRef path, mlir::func::FuncOp entry,
              mlir::Location loc) const = 0;

  /// Compiles `module` (the onnx dialect; the executor may lower it in
  /// place) and loads it with `samples` bound to its inputs.
  virtual mlir::FailureOr<std::unique_ptr<LoadedModel>>
  load(mlir::OwningOpRef<mlir::ModuleOp> module, const SampleSet &samples,
       mlir::Location loc) const = 0;
};

using ModelExecutorFactory = std::function<std::unique_ptr<ModelExecutor>()>;

/// Makes `name` (`smelt-calibrate{executor=NAME}`) create executors with
/// `factory`; a target's library calls it when it is registered.
void registerModelExecutor(llvm::StringRef name, ModelExecutorFactory factory);

/// A new executor of the registered `name`, or null.
std::unique_ptr<ModelExecutor> createModelExecutor(llvm::StringRef name);

/// The registered names, sorted.
std::vector<std::string> getModelExecutorNames();

} // namespace smelt

#endif // SMELT_TRANSFORMS_MODELEXECUTOR_H
