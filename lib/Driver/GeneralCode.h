//===- GeneralCode.h - The general code of a specialized compile -*- C++ -*-===//

#ifndef SMELT_LIB_DRIVER_GENERALCODE_H
#define SMELT_LIB_DRIVER_GENERALCODE_H

#include "smelt/Driver/Driver.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace smelt::detail {

/// Runs `steps` on the general code of a specialized compile with their
/// errors and warnings held back; remarks (--explain-kernels') pass through
/// with a note saying they are the general code's. When the steps fail, the
/// general code is set aside (`general` becomes null) with a warning at `loc`
/// naming the first error: the library then holds only the code for the
/// --input-shape shapes. Fails only when the compile was cancelled.
mlir::LogicalResult
runOnGeneralCode(mlir::OwningOpRef<mlir::ModuleOp> &general,
                 mlir::Location loc,
                 llvm::function_ref<mlir::LogicalResult()> steps);

/// The model imported with the dimensions it leaves open, when
/// --input-shape fixed some of them in `specialized` and the compile
/// writes code: the general code of a specialized library. Null when there
/// is none to build, or (with a warning) when the model cannot be imported
/// without the shapes.
mlir::OwningOpRef<mlir::ModuleOp>
importGeneralCode(const CompileOptions &options, mlir::ModuleOp specialized);

/// A copy of `open`, the model imported with its dimensions open, for the
/// general code of a specialized compile, taken before --input-shape
/// specializes `open` in place. Null when the compile builds none (no
/// --input-shape, --general-code=false, or no code emitted).
mlir::OwningOpRef<mlir::ModuleOp>
cloneGeneralCode(const CompileOptions &options, mlir::ModuleOp open);

} // namespace smelt::detail

#endif // SMELT_LIB_DRIVER_GENERALCODE_H
