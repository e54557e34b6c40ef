//===- QuantizedTypes.h - Quantized tensors as quant types -------*- C++ -*-===//
//
// Reading and building upstream `!quant.uniform` types. ONNX stores a
// quantized tensor as plain integers (uint8 as `ui8`, int8 as signless
// `i8`) beside its scale and zero point; inside Smelt, after fusion, the
// tensor's element type is the `!quant.uniform` type that says both. These
// read the types' parameters, build the types and cross between the two
// forms with upstream casts: `tensor.bitcast` between `ui8` and the
// signless storage quant types use, `quant.scast` between that and the
// quantized type.
// Chains of the casts fold away (canonicalization), so between two fused
// ops the tensor is quantized-typed only.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_SMELT_QUANTIZEDTYPES_H
#define SMELT_DIALECTS_SMELT_QUANTIZEDTYPES_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace smelt {

/// A uniform type's scales and zero points: one per tensor, or one per
/// element along its axis (`storage` holds the per-tensor one).
llvm::ArrayRef<double> quantizedScales(mlir::quant::QuantizedType type,
                                       llvm::SmallVectorImpl<double> &storage);
llvm::ArrayRef<int64_t>
quantizedZeroPoints(mlir::quant::QuantizedType type,
                    llvm::SmallVectorImpl<int64_t> &storage);
/// The quantized dimension of a per-axis type; none for a per-tensor one.
std::optional<int32_t> quantizedAxis(mlir::quant::QuantizedType type);

/// The `!quant.uniform` type of `storage` integers (ONNX's element type:
/// its width, and its sign, unsigned or not) expressing f32 with `scales`
/// and `zeroPoints`: per tensor when there is one of each, else per axis
/// `axis` (a single zero point applies to every scale). Null when the
/// parameters do not make a valid type (a scale not positive and finite, a
/// zero point outside the storage range).
mlir::quant::QuantizedType
getUniformQuantizedType(mlir::Type storage, llvm::ArrayRef<double> scales,
                        llvm::ArrayRef<int64_t> zeroPoints, int32_t axis);

/// The int32 accumulator type of a contraction of `lhs` (per tensor) and
/// `rhs`: zero point 0, scale lhs * rhs (the product of two f32 scales is
/// exact in f64), per axis `axis` when `rhs` is per axis.
mlir::quant::QuantizedType getAccumulatorType(mlir::quant::QuantizedType lhs,
                                              mlir::quant::QuantizedType rhs,
                                              int32_t axis);

/// `storage` (ONNX's integers) seen as a tensor of `type`.
mlir::Value castToQuantized(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value storage, mlir::quant::QuantizedType type);

/// A quantized tensor's integers as ONNX stores them, in `storageElement`
/// (`ui8`, `i8`, `i32`).
mlir::Value castToStorage(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value quantized, mlir::Type storageElement);

} // namespace smelt

#endif // SMELT_DIALECTS_SMELT_QUANTIZEDTYPES_H
