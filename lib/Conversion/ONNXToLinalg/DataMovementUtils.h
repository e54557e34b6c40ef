//===- DataMovementUtils.h - Data movement helpers --------------*- C++ -*-===//
//
// What the lowerings of ops that only move elements (DataMovement.cpp,
// Gather.cpp, Slice.cpp, Resize.cpp, Generators.cpp) share: a result
// computed element by element from its indices, and the checks they all
// make.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_CONVERSION_ONNXTOLINALG_DATAMOVEMENTUTILS_H
#define SMELT_LIB_CONVERSION_ONNXTOLINALG_DATAMOVEMENTUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace smelt::detail {

/// result[i...] = body(i...), with the indices as `index` values.
mlir::Value buildIndexed(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// The index constant `v`.
mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t v);

/// `axis` made non-negative: a negative axis counts from the back.
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// Checks the shapes every lowering here needs; returns the result type.
mlir::RankedTensorType staticResult(const mlir::TypeConverter &converter,
                                    mlir::Operation *op, unsigned result,
                                    mlir::ValueRange operands);

} // namespace smelt::detail

#endif // SMELT_LIB_CONVERSION_ONNXTOLINALG_DATAMOVEMENTUTILS_H
