//===- LoweringUtils.h - Helpers shared by the onnx lowerings ---*- C++ -*-===//

#ifndef SMELT_LIB_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
#define SMELT_LIB_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H

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

/// sum_k (A[.., k] - aZeroPoint) * B[k, n] in int32, for 8-bit A and a
/// constant signed 8-bit B [K, N] (`weights`, row-major): B is packed as
/// [ceil(K/4), N, 4] (four consecutive k of a column together, the layout
/// of x86's VNNI dot products) and the zero point folds into the
/// accumulator's start, -aZeroPoint * sum_k B[k, n]; a zero point known
/// only at run time (`runtimeZeroPoint`, a one-element 8-bit tensor, as
/// DynamicQuantizeLinear makes it) scales the column sums when the model
/// runs instead. Null when the shapes do not fit.
mlir::Value buildPackedInt8MatMul(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value a, bool aUnsigned,
                                  int64_t aZeroPoint,
                                  llvm::ArrayRef<int64_t> weights, int64_t k,
                                  int64_t n, mlir::RankedTensorType resultType,
                                  mlir::Value runtimeZeroPoint = {});

/// buildPackedInt8MatMul when it applies: B a constant signed 8-bit [K, N]
/// with zero (or no) zero points, A's zero point a constant scalar (or,
/// with `aZeroPoint`, A's zero point converted, one element known at run
/// time). The `onnx*` values are the op's own operands (their types carry
/// the sign); `a` is A converted. Null otherwise.
mlir::Value tryPackedInt8MatMul(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value a, mlir::Value onnxA,
                                mlir::Value onnxB, mlir::Value onnxAZeroPoint,
                                mlir::Value onnxBZeroPoint,
                                mlir::RankedTensorType resultType,
                                mlir::Value aZeroPoint = {});

/// A 2-d convolution (any group count G) of 8-bit `input` with constant
/// signed 8-bit `weights` [F, C/G, KH, KW] (row-major) into int32, as the
/// sum over the window of (x - inputZeroPoint) * w, plus bias[f]. The
/// input's windows are packed as columns [N, G, ceil(K/4), OH*OW, 4]
/// (K = C/G*KH*KW, four k of a pixel together), the weights as rows
/// [G, F/G, 4*ceil(K/4)], and the zero point and bias fold into the
/// accumulator's start. `op` supplies strides, pads, dilations and group.
/// Null when the op does not fit.
mlir::Value buildPackedInt8Conv(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Operation *op, mlir::Value input,
                                bool inputUnsigned, int64_t inputZeroPoint,
                                llvm::ArrayRef<int64_t> weights,
                                mlir::RankedTensorType weightType,
                                llvm::ArrayRef<int64_t> bias,
                                mlir::RankedTensorType resultType);

} // namespace smelt::detail

#endif // SMELT_LIB_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
