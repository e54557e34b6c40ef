//===- ONNXToLinalg.h - The onnx dialect to linalg --------------*- C++ -*-===//
//
// Patterns that lower onnx ops to linalg, tensor, arith and math, one op
// family per populate function, so that other compilers can take the
// families they want.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
#define SMELT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace smelt {

/// Maps ONNX's types to what upstream dialects accept: unsigned integer
/// elements become signless (the sign lives in the op's semantics).
/// Where a target takes over the int32 accumulators of the integer
/// contractions (QLinearConv, QLinearMatMul, MatMulInteger) to give them a
/// layout of its own (the CPU's VNNI packing); each hook returns null to
/// leave the op to the target-neutral form. The zero points and scales
/// around the accumulator stay the conversion's.
struct IntegerContractionHooks {
  /// QLinearConv (`op`, the onnx op: its weights, zero points, bias and
  /// window attributes) with `x` its converted input and `weightType` its
  /// converted weights' type: the int32 convolution plus bias.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Operation *op,
                            mlir::Value x, mlir::RankedTensorType weightType,
                            mlir::RankedTensorType accType)>
      convolution;
  /// QLinearMatMul and MatMulInteger: sum_k (A - a_zero_point) * B, with
  /// `a` the converted A, the `onnx*` values the op's own operands (their
  /// types carry the sign) and `aZeroPoint` A's converted zero point when
  /// it may be known only at run time (MatMulInteger), else null.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value a,
                            mlir::Value onnxA, mlir::Value onnxB,
                            mlir::Value onnxAZeroPoint,
                            mlir::Value onnxBZeroPoint,
                            mlir::RankedTensorType accType,
                            mlir::Value aZeroPoint)>
      matmul;
};

class ONNXToLinalgTypeConverter : public mlir::TypeConverter {
public:
  ONNXToLinalgTypeConverter();
};

/// Unary, binary and variadic elementwise ops, Where, Clip, Cast.
void populateONNXElementwiseToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// MatMul and Gemm.
void populateONNXMatMulToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const IntegerContractionHooks &hooks = {});
/// Constant, Identity, Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
/// Concat, Shape.
void populateONNXShapeToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

/// The Reduce* family, Softmax, LogSoftmax, ArgMax, ArgMin.
void populateONNXReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);

/// Conv and ConvTranspose.
void populateONNXConvToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);
/// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
void populateONNXPoolingToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);
/// BatchNormalization, LRN, MeanVarianceNormalization, LayerNormalization,
/// InstanceNormalization and Dropout (inference).
void populateONNXNormalizationToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// Slice, Split and Pad.
void populateONNXSliceToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);
/// Gather, GatherElements and GatherND.
void populateONNXGatherToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
/// Expand, Tile, CastLike, Trilu, DepthToSpace, SpaceToDepth and
/// ReverseSequence.
void populateONNXDataMovementToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// ConstantOfShape, Range, EyeLike, OneHot, HannWindow, HammingWindow and
/// BlackmanWindow.
void populateONNXGeneratorsToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
/// Resize (nearest and linear modes).
void populateONNXResizeToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);

/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
void populateONNXLossToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns);

/// ScatterElements and ScatterND, as scf loops over the updates.
void populateONNXScatterToLinalgPatterns(const mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);

/// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, with ONNX's
/// reference (float) arithmetic.
void populateONNXQuantizationToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const IntegerContractionHooks &hooks = {});

/// RNN, GRU and LSTM (default activations), as scf loops over time.
void populateONNXRecurrentToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);

/// All of the above.
/// If, Loop and Scan to scf (bodies cloned, then lowered like the rest).
void populateONNXControlFlowToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

void populateONNXToLinalgPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  const IntegerContractionHooks &hooks = {});

/// The full conversion of `root`'s onnx ops (convert-onnx-to-linalg's),
/// with a target's `hooks` for the integer contractions' accumulators.
mlir::LogicalResult
convertONNXToLinalg(mlir::Operation *root,
                    const IntegerContractionHooks &hooks = {});

} // namespace smelt

#endif // SMELT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
