//===- LoweringUtils.h - Helpers shared by the onnx lowerings ---*- C++ -*-===//

#ifndef SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
#define SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H

#include "ONNX/ONNXBuild.h"
#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace smelt::detail {

/// The converted, statically shaped tensor type of `type`, or null when the
/// conversion gives anything else (unranked or dynamic shapes).
mlir::RankedTensorType
getStaticTensorType(const mlir::TypeConverter &converter, mlir::Type type);

/// The converted ranked tensor type of `type` (its dimensions static or
/// not), or null when the conversion gives anything else.
mlir::RankedTensorType
getRankedTensorType(const mlir::TypeConverter &converter, mlir::Type type);

/// `tensor.empty` of `type`; each dynamic dimension `d` takes its size
/// from `dynamicSize(d)`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        llvm::function_ref<mlir::Value(int64_t)> dynamicSize);

/// `tensor.empty` of `type` whose dynamic dimensions are those of `like`,
/// dimension by dimension (same rank).
mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType type, mlir::Value like);

/// The size of dimension `d` of a rank-`rank` numpy broadcast of
/// `operands`: that of the first operand whose aligned dimension is not 1.
/// A dimension unknown at compile time is taken to be the result's: one of
/// size 1 that would broadcast at run time is not supported. With
/// `trailing`, operand i takes part with all but its last trailing[i]
/// dimensions (a product's batch dimensions, before its matrix ones).
mlir::Value broadcastSize(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::ValueRange operands, int64_t rank, int64_t d,
                          llvm::ArrayRef<int64_t> trailing = {});

/// Whether `type` is [N, C, spatial...] with every dimension but the batch
/// N static: what the window ops (convolution, pooling) take.
bool isStaticPastBatch(mlir::RankedTensorType type);

/// Whether an (ONNX, unconverted) element type is an unsigned integer, or
/// a quantized type with unsigned storage.
bool isUnsignedElement(mlir::Type onnxType);

/// Builds `linalg.generic` over `resultType` with ONNX's multidirectional
/// (numpy) broadcasting of `operands`: each operand is aligned to the
/// trailing dimensions, and its size-1 dimensions repeat. `body` computes one
/// element from one element of each operand. The result's dynamic
/// dimensions are the operands' (broadcastSize), or `dynamicSize`'s where
/// given (when no operand has them: a bias spread over a product's rows).
mlir::Value buildBroadcastElementwise(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange operands,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body,
    llvm::function_ref<mlir::Value(int64_t)> dynamicSize = nullptr);

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

/// `value` (same element count) reshaped to `type`. With dynamic
/// dimensions, only a collapse or expansion whose groups hold one dynamic
/// dimension at most; null for any other.
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
/// With `named`, the named convolution that fits (conv_{1,2,3}d_nc*_fc*,
/// grouped conv_2d_ngchw_gfchw, depthwise_conv_*_nc*_c*), else a generic
/// iterated (n, g, f, c, k..., o...).
mlir::Value buildConvolution(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Operation *op, mlir::Value input,
                             mlir::Value weight, mlir::Value bias,
                             mlir::RankedTensorType resultType,
                             bool named = false);

/// Whether A's last dimension and B's contracted one (its second to last,
/// or its only one) are the same k (or not known yet): ONNX's MatMul rule.
bool innerDimensionsAgree(mlir::RankedTensorType lhs,
                          mlir::RankedTensorType rhs);

/// C[batch.., m, n] = A[batch.., m, k] * B[batch.., k, n] with numpy
/// broadcasting and ONNX's 1-D promotion rules, in the result's element
/// type (integer operands are widened to it).
/// With `named`, linalg.matmul / linalg.batch_matmul where the shapes and
/// element types fit.
mlir::Value buildMatMul(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value lhs, mlir::Value rhs,
                        mlir::RankedTensorType resultType, bool isUnsigned,
                        bool named = false);

/// round_half_even(v) (f32), clamped to the range of `intType` (its sign
/// `isUnsigned`), converted to it.
mlir::Value saturate(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                     mlir::Type intType, bool isUnsigned);

/// One element quantized as QuantizeLinear does: saturate(round_half_even(
/// x / scale) + zero_point) (f32 `x` and `scale`; `zeroPoint` null for 0).
mlir::Value quantizeElement(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, mlir::Value scale,
                            mlir::Value zeroPoint, mlir::Type intType,
                            bool isUnsigned);

/// One element dequantized as DequantizeLinear does: (x - zero_point) *
/// scale in f32 (`zeroPoint` null for 0).
mlir::Value dequantizeElement(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value x, mlir::Value scale,
                              mlir::Value zeroPoint, bool isUnsigned);

/// A per-tensor ([] or [1]) or per-axis ([C]) parameter shaped to
/// broadcast along `axis` of a rank-`rank` tensor.
mlir::Value paramAlong(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value param, int64_t axis, int64_t rank);

/// int32(x) - int32(zero_point): the integer value a quantized tensor
/// stands for, the zero point (null: none) per tensor or along `axis`.
mlir::Value centred(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    mlir::Value zeroPoint, bool isUnsigned, int64_t axis);

/// y = saturate(round_half_even(acc * multiplier) + y_zero_point) in f32,
/// as ONNX Runtime requantizes an int32 accumulator; `multiplier` (f32)
/// and `yZeroPoint` (null: 0) per tensor or along `axis` of the result.
mlir::Value requantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::Value multiplier, mlir::Value yZeroPoint,
                       mlir::RankedTensorType resultType, bool isUnsigned,
                       int64_t axis);

/// A target's accumulator for `conv` / `mm` from `hooks`, or null when the
/// target has none (or declines).
mlir::Value targetConvolution(const IntegerContractionHooks &hooks,
                              mlir::OpBuilder &b, mlir::Location loc,
                              const IntegerConvolution &conv,
                              mlir::RankedTensorType accType);
mlir::Value targetMatMul(const IntegerContractionHooks &hooks,
                         mlir::OpBuilder &b, mlir::Location loc,
                         const IntegerMatMul &mm,
                         mlir::RankedTensorType accType);

} // namespace smelt::detail

#endif // SMELT_CONVERSION_ONNXTOLINALG_LOWERINGUTILS_H
