//===- ExternalWeights.h - --weights=external for the CPU target -*- C++ -*-===//

#ifndef SMELT_LIB_TARGET_CPU_EXTERNALWEIGHTS_H
#define SMELT_LIB_TARGET_CPU_EXTERNALWEIGHTS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace smelt {

/// Moves the large constants of an LLVM-dialect module into `bytes` (the
/// side file's contents), leaving pointer slots that the library's
/// `smelt_bind_weights` fills from the mapped file named `fileName`.
mlir::LogicalResult externalizeWeights(mlir::ModuleOp module,
                                       llvm::StringRef fileName,
                                       std::string &bytes);

} // namespace smelt

#endif // SMELT_LIB_TARGET_CPU_EXTERNALWEIGHTS_H
