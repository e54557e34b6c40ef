//===- Target.h - What every Smelt code-generation target provides -*- C++ -*-===//
//
// A target names its pipeline (onnx dialect in, its lowest MLIR level out)
// and turns a lowered module into an artifact. Each target's library adds
// it to the registry here (registerTarget); the driver looks targets up by
// name. The CPU is the first implementation; GPU, FPGA and ASIC targets
// implement the same interface. (Cost estimation and native-support queries
// join the interface when placement, their first caller, lands.)
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TARGET_TARGET_H
#define SMELT_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace smelt {

/// What a compile asks of a target.
struct TargetOptions {
  /// Optimization level, 0 to 3.
  int optLevel = 2;
  /// Processor to generate code for ("native": the host's; "x86-64": any).
  std::string cpu = "native";
  /// Width of the vector registers the kernels use, in bits (0: the
  /// processor's widest: 512 with AVX-512, 256 with AVX, else 128).
  unsigned vectorBits = 0;
  /// Weights in a side file next to the artifact (`model.weights` beside
  /// `model.so`), memory-mapped by the runtime, instead of inside it (in
  /// its read-only data, from an object file of their own). Either way the
  /// weights never become LLVM IR constants.
  bool externalWeights = false;
  /// Kernels timed at each run, per ONNX node (`--profile`): the runtime's
  /// smelt_model_profile reads the times.
  bool profile = false;
  /// A remark on each layer whose code takes no vector kernel, with the
  /// reason (`--explain-kernels`).
  bool explainKernels = false;
  /// Threads that optimize and compile the generated code (0: one per
  /// core); the module is split into that many parts when it is large.
  unsigned compileThreads = 0;
};

/// The artifacts a target can produce from a lowered module.
enum class ArtifactKind { LLVMIR, Object, SharedLibrary };

class Target {
public:
  virtual ~Target();

  /// The name users select it by (`--target=cpu`).
  virtual llvm::StringRef getName() const = 0;

  /// Adds the passes that lower a module of onnx ops to this target's
  /// lowest MLIR level.
  virtual void buildPipeline(mlir::OpPassManager &pm,
                             const TargetOptions &options) const = 0;

  /// Joins `specialized`, the same model lowered by `buildPipeline` at
  /// fixed shapes (`--input-shape`), into `general`, lowered with the
  /// dimensions the model leaves open: the artifact of `general` then runs
  /// each call at one of those shapes with its code and any other call
  /// with its own. The specialized modules are left empty.
  virtual mlir::LogicalResult
  linkSpecializations(mlir::ModuleOp general,
                      llvm::ArrayRef<mlir::ModuleOp> specialized) const = 0;
  /// Writes the artifact of a module that went through `buildPipeline`.
  /// `path` is the output file (some artifacts need a linker and a file).
  virtual mlir::LogicalResult emitArtifact(mlir::ModuleOp module,
                                           ArtifactKind kind,
                                           const TargetOptions &options,
                                           llvm::StringRef path) const = 0;
};

/// Adds `target` (which lives as long as the program) to the registry under
/// its name; a target's library calls it from its register function.
void registerTarget(const Target &target);

/// The registered target of that name; null when there is none.
const Target *lookupTarget(llvm::StringRef name);

/// Names of all registered targets, sorted.
std::vector<std::string> getTargetNames();

} // namespace smelt

#endif // SMELT_TARGET_TARGET_H
