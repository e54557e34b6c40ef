//===- Weights.h - Where the CPU target puts a model's weights --*- C++ -*-===//
//
// A lowered model's large constants (its weights) never pass through LLVM IR
// constants: they are taken out of the LLVM-dialect module before it is
// translated, and their bytes go from the importer's blobs straight to
//
//  * an object file of their own, linked into the library beside the code
//    (--weights=embedded, the default): see takeWeights and
//    emitWeightsObject;
//  * or a side file that the runtime memory-maps (--weights=external): see
//    externalizeWeights and writeWeightsFile.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_WEIGHTS_H
#define SMELT_LIB_TARGET_CPU_WEIGHTS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace llvm {
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace smelt {

/// One constant taken out of a module: its symbol, its bytes (owned by the
/// MLIR context: the attribute's blob), their alignment and, in a side
/// file, their offset.
struct Weight {
  std::string symbol;
  llvm::ArrayRef<char> bytes;
  uint64_t alignment = 1;
  uint64_t offset = 0;
};

/// Turns each large constant global of an LLVM-dialect module into an
/// external declaration of the same symbol (hidden: the library does not
/// export it) and returns the constants, for emitWeightsObject to define.
std::vector<Weight> takeWeights(mlir::ModuleOp module);

/// Writes a relocatable object file that defines `weights` in its read-only
/// data, through the machine's object streamer (no LLVM IR in between).
mlir::LogicalResult emitWeightsObject(llvm::TargetMachine &machine,
                                      llvm::ArrayRef<Weight> weights,
                                      llvm::raw_pwrite_stream &os,
                                      std::string &error);

/// Moves the large constants of an LLVM-dialect module out of it, leaving
/// pointer slots that the library's `smelt_bind_weights` fills from the
/// mapped file named `fileName`; returns the constants with their offsets
/// in that file and sets `fileSize`.
std::vector<Weight> externalizeWeights(mlir::ModuleOp module,
                                       llvm::StringRef fileName,
                                       uint64_t &fileSize);

/// Writes the side file of externalizeWeights' constants: each at its
/// offset, zeros between them.
void writeWeightsFile(llvm::ArrayRef<Weight> weights, llvm::raw_ostream &os);

} // namespace smelt

#endif // SMELT_LIB_TARGET_CPU_WEIGHTS_H
