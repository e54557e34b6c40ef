//===- Target.h - What every Smelt code-generation target provides -*- C++ -*-===//
//
// A target names its pipeline (onnx dialect in, its lowest MLIR level out),
// says what it runs natively, estimates what an op costs, and turns a lowered
// module into an artifact. The CPU is the first implementation; GPU, FPGA and
// ASIC targets implement the same interface, and heterogeneous placement
// asks each target about each op.
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
  /// Weights in a side file next to the artifact (`model.weights` beside
  /// `model.so`), memory-mapped by the runtime, instead of inside it.
  bool externalWeights = false;
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

  /// Whether the target runs `op` (an onnx op, with its operand types)
  /// natively, without falling back to a generic form.
  virtual bool supportsNatively(mlir::Operation *op) const = 0;

  /// Estimated cost of `op` in abstract cycles; placement compares targets.
  virtual double estimateCost(mlir::Operation *op) const = 0;

  /// Writes the artifact of a module that went through `buildPipeline`.
  /// `path` is the output file (some artifacts need a linker and a file).
  virtual mlir::LogicalResult emitArtifact(mlir::ModuleOp module,
                                           ArtifactKind kind,
                                           const TargetOptions &options,
                                           llvm::StringRef path) const = 0;
};

/// The targets Smelt knows, by name; null when there is none of that name.
const Target *lookupTarget(llvm::StringRef name);

/// Names of all known targets.
std::vector<std::string> getTargetNames();

} // namespace smelt

#endif // SMELT_TARGET_TARGET_H
