//===- LoweringUtils.h - Helpers shared by the onnx lowerings ---*- C++ -*-===//

#ifndef SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
#define SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H

#include "ONNX/ONNXBuild.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace smelt::detail {

/// The converted, statically shaped tensor type of `type`, or null when the
/// conversion gives anything else (unranked or dynamic shapes).
mlir::RankedTensorType
getStaticTensorType(const mlir::TypeConverter &converter, mlir::Type type);

/// Whether an (ONNX, unconverted) element type is an unsigned integer.
bool isUnsignedElement(mlir::Type onnxType);

/// Builds `linalg.generic` over `resultType` with ONNX's multidirectional
/// (numpy) broadcasting of `operands`: each operand is aligned to the
/// trailing dimensions, and its size-1 dimensions repeat. `body` computes one
/// element from one element of each operand.
mlir::Value buildBroadcastElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange operands,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// A scalar constant of `type` (float or integer) holding `value`.
mlir::Value createScalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Type type, double value);

/// Converts a scalar between element types as ONNX's Cast does: floats to
/// integers truncate toward zero, anything to bool compares with zero, and
/// integer signedness comes from the ONNX types `fromOnnx` / `toOnnx`.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type fromOnnx,
                          mlir::Type toOnnx, mlir::Type toConverted);

using ::smelt::onnx::buildONNXOp;
using ::smelt::onnx::isONNXOp;

/// `value` (statically shaped, same element count) reshaped to `type`.
mlir::Value reshapeToStatic(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, mlir::RankedTensorType type);

using ::smelt::onnx::getConstantInts;

/// The map from a rank-`rank` iteration space to the dimensions left after
/// dropping `axes`.
mlir::AffineMap reducedMap(int64_t rank, llvm::ArrayRef<int64_t> axes,
                           mlir::MLIRContext *context);

/// Reduces `input` over `axes` (sorted, in range) without keeping them,
/// starting from the scalar `init`.
mlir::Value
reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
       llvm::ArrayRef<int64_t> axes, mlir::Value init,
       llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                      mlir::Value element, mlir::Value acc)>
           combine);

/// Softmax (or LogSoftmax when `log`) of a static float tensor along `axis`,
/// computed as exp(x - max) / sum.
mlir::Value buildSoftmax(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, int64_t axis, bool log);

using ::smelt::onnx::getConstantFloats;

/// An integer element read from `tensor` at `at`, as an index, made
/// non-negative by adding `dim` when negative (ONNX's negative indices).
mlir::Value readIndex(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value tensor, mlir::ValueRange at, int64_t dim);

/// The lowest (-inf, or the integer minimum) and highest values of a scalar
/// type: the identities of max and min.
mlir::Value lowestValue(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        bool isUnsigned);
mlir::Value highestValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, bool isUnsigned);

/// max / min of two scalars: NaN-propagating for floats, by the sign ONNX
/// gives the integers otherwise.
mlir::Value maxOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  mlir::Value y, bool isUnsigned);
mlir::Value minOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  mlir::Value y, bool isUnsigned);

/// The element type of a shaped (ONNX) type.
mlir::Type elementTypeOf(mlir::Type type);

/// An N-d convolution of `input` [N, C, D...] with `weight` [M, C/G, K...]
/// in their element type (float, or integers already widened and centred),
/// starting from `bias` [M] or zero; strides, dilations, pads, auto_pad and
/// group come from `op`'s attributes (Conv, ConvInteger, QLinearConv). Null
/// when the shapes or attributes do not fit.
mlir::Value buildConvolution(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Operation *op, mlir::Value input,
                             mlir::Value weight, mlir::Value bias,
                             mlir::RankedTensorType resultType);

/// C[batch.., m, n] = A[batch.., m, k] * B[batch.., k, n] with numpy
/// broadcasting and ONNX's 1-D promotion rules, in the result's element
/// type (integer operands are widened to it).
mlir::Value buildMatMul(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value lhs, mlir::Value rhs,
                        mlir::RankedTensorType resultType, bool isUnsigned);

/// y = saturate(round_half_even(acc * (in_scale * w_scale / y_scale)) +
/// y_zero_point), computed in f32 as ONNX Runtime does; w_scale per tensor
/// or along `axis` of the result (QLinearConv, QLinearMatMul; a target's
/// own int32 contraction is requantized the same way).
mlir::Value requantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::Value inScale, mlir::Value wScale,
                       mlir::Value yScale, mlir::Value yZeroPoint,
                       mlir::RankedTensorType resultType, bool isUnsigned,
                       int64_t axis);

} // namespace smelt::detail

#endif // SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
