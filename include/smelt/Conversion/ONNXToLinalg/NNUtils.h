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

/// A named linalg convolution or pooling op `OpTy` of `input` and `kernel`
/// (the filter, or the pooling window's shape) accumulating into `init`,
/// with `w`'s strides and dilations: its one result.
template <typename OpTy>
mlir::Value createWindowOp(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, mlir::Value kernel,
                           mlir::Value init, const Window &w) {
  auto type = mlir::RankedTensorType::get(
      {static_cast<int64_t>(w.strides.size())}, b.getI64Type());
  mlir::NamedAttribute attrs[] = {
      b.getNamedAttr("strides", mlir::DenseIntElementsAttr::get(
                                    type, llvm::ArrayRef(w.strides))),
      b.getNamedAttr("dilations", mlir::DenseIntElementsAttr::get(
                                      type, llvm::ArrayRef(w.dilations)))};
  return OpTy::create(b, loc, mlir::TypeRange{init.getType()},
                      mlir::ValueRange{input, kernel}, mlir::ValueRange{init},
                      attrs)
      .getResult(0);
}

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
