//===- SplitCodegen.h - LLVM's optimizer and code generator on all cores -*- C++ -*-===//
//
// A lowered model is one LLVM module of many independent kernels (each its
// own noinline function, OutlineKernels) called from the graph function.
// LLVM optimizes and compiles a module on one thread; here the module is
// split into partitions of about equal size, each optimized and compiled
// on a thread of its own in an LLVMContext of its own, giving one object
// file per partition for the linker to join.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_SPLITCODEGEN_H
#define SMELT_LIB_TARGET_CPU_SPLITCODEGEN_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace smelt {

/// How a partition is turned into an object: a fresh target machine per
/// thread, and the optimizer at `optLevel` (0 to 3).
struct CodegenConfig {
  llvm::function_ref<std::unique_ptr<llvm::TargetMachine>(std::string &error)>
      createMachine;
  unsigned optLevel = 2;
  /// Threads (and at most as many partitions): 0 for one per core.
  unsigned threads = 0;
  /// A partition gets at least this many instructions: small models stay
  /// one module (a split costs a bitcode round trip per partition).
  unsigned minInstructions = 4000;
};

/// Runs LLVM's optimization pipeline at `optLevel` (0 to 3) for `machine`
/// on `module`; false with `error` set on failure.
bool optimizeModule(llvm::Module &module, unsigned optLevel,
                    llvm::TargetMachine &machine, std::string &error);

/// Optimizes `module` and compiles it to relocatable objects, one per
/// partition, appended to `objects`. `module` is consumed (its locals made
/// hidden globals where partitions share them). False with `error` set on
/// failure.
bool generateObjects(std::unique_ptr<llvm::Module> module,
                     const CodegenConfig &config,
                     llvm::SmallVectorImpl<llvm::SmallString<0>> &objects,
                     std::string &error);

} // namespace smelt

#endif // SMELT_LIB_TARGET_CPU_SPLITCODEGEN_H
