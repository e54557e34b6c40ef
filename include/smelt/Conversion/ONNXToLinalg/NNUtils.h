//===- NNUtils.h - Helpers of the NN op lowerings ---------------*- C++ -*-===//
//
// What the convolution, pooling and normalization lowerings (Conv.cpp,
// Pooling.cpp, Normalization.cpp) share: window geometry from the ops'
// attributes, spatial padding and per-channel broadcasts.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_CONVERSION_ONNXTOLINALG_NNUTILS_H
#define SMELT_CONVERSION_ONNXTOLINALG_NNUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace smelt::detail {

/// The integers of `attr`, or `count` times `fallback` when it has none.
llvm::SmallVector<int64_t> intsOf(mlir::ArrayAttr attr, size_t count,
                                  int64_t fallback);

/// Window geometry of one convolution or pooling op, all per spatial dim.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
};

/// Fills in strides, dilations and pads from the op's attributes, and grows
/// the end padding so that every output's window fits (ceil_mode).
mlir::LogicalResult computeWindow(mlir::Operation *op,
                                  mlir::RankedTensorType input,
                                  mlir::RankedTensorType output, Window &w);

/// `input` padded on its spatial dims by `begin`/`end`, with `value`.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> begin,
                       llvm::ArrayRef<int64_t> end, mlir::Value value);

/// `v` [C] reshaped to [C, 1, ..., 1] so it broadcasts along axis 1 of a
/// rank-`rank` tensor.
mlir::Value perChannel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       int64_t rank);

} // namespace smelt::detail

#endif // SMELT_CONVERSION_ONNXTOLINALG_NNUTILS_H
