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

/// An integer convolution whose weights are constant, as the conversion
/// found it (from an op's constant operands or from quantized types): what
/// a target needs to give the int32 accumulator a layout of its own.
struct IntegerConvolution {
  /// The op carrying ONNX Conv's window attributes (strides, pads, ...).
  mlir::Operation *window = nullptr;
  /// The converted (signless) 8-bit input, its sign and zero point.
  mlir::Value input;
  bool inputUnsigned = false;
  int64_t inputZeroPoint = 0;
  /// The weights [F, C/G, KH, KW], row-major, and their zero points (one,
  /// or one per filter).
  llvm::ArrayRef<int64_t> weights;
  mlir::RankedTensorType weightType;
  bool weightsUnsigned = false;
  llvm::ArrayRef<int64_t> weightZeroPoints;
  /// The int32 bias per filter; empty when there is none.
  llvm::ArrayRef<int64_t> bias;
};

/// An integer product A x B with constant B [K, N].
struct IntegerMatMul {
  /// The converted 8-bit A, its sign and zero point; `runtimeZeroPoint`
  /// (a one-element 8-bit tensor, DynamicQuantizeLinear's) when the zero
  /// point is known only at run time, else null.
  mlir::Value a;
  bool aUnsigned = false;
  int64_t aZeroPoint = 0;
  mlir::Value runtimeZeroPoint;
  /// B, row-major, and its zero points (one, or one per column).
  llvm::ArrayRef<int64_t> weights;
  mlir::RankedTensorType weightType;
  bool weightsUnsigned = false;
  llvm::ArrayRef<int64_t> weightZeroPoints;
};

/// Where a target takes over the int32 accumulators of the integer
/// contractions (smelt.quantized_conv / quantized_matmul, QLinearConv,
/// QLinearMatMul, MatMulInteger) to give them a layout of its own (the
/// CPU's VNNI packing); each hook returns null to leave the op to the
/// target-neutral form. The zero points and scales around the accumulator
/// stay the conversion's.
struct IntegerContractionHooks {
  /// The int32 convolution plus bias, of type `accType`.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                            const IntegerConvolution &,
                            mlir::RankedTensorType accType)>
      convolution;
  /// sum_k (A - a_zero_point) * (B - b_zero_point), of type `accType`.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                            const IntegerMatMul &,
                            mlir::RankedTensorType accType)>
      matmul;
};

/// What a target asks of the conversion.
struct ONNXToLinalgOptions {
  /// Contractions as upstream's named structured ops where one fits
  /// (linalg.matmul, linalg.batch_matmul, linalg.conv_{1,2,3}d_nc*_fc*,
  /// linalg.conv_2d_ngchw_gfchw, linalg.depthwise_conv_*_nc*_c*), generics
  /// otherwise; false: generics throughout, iterated with the outputs'
  /// innermost dimension last (the CPU target's contraction passes read
  /// those).
  bool namedOps = true;
  IntegerContractionHooks hooks;
};

/// Maps ONNX's types to what upstream dialects accept: unsigned integer
/// elements become signless (the sign lives in the op's semantics), and
/// `!quant.uniform` elements their signless storage (the scales and zero
/// points live in the types the lowerings read).
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
    const ONNXToLinalgOptions &options = {});
/// Constant, Identity, Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
/// Concat, Shape.
void populateONNXShapeToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

/// The Reduce* family, Softmax, LogSoftmax, ArgMax, ArgMin.
void populateONNXReductionToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);

/// Conv and ConvTranspose.
void populateONNXConvToLinalgPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const ONNXToLinalgOptions &options = {});
/// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
void populateONNXPoolingToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options = {});
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
/// reference (float) arithmetic; ConvInteger, QLinearConv and
/// QLinearMatMul.
void populateONNXQuantizationToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options = {});

/// RNN, GRU and LSTM (default activations), as scf loops over time.
void populateONNXRecurrentToLinalgPatterns(const mlir::TypeConverter &converter,
                                           mlir::RewritePatternSet &patterns);

/// If, Loop and Scan to scf (bodies cloned, then lowered like the rest).
void populateONNXControlFlowToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// The integer ops on quantized types (smelt.quantized_conv,
/// smelt.quantized_matmul, smelt.requantize) and upstream's casts
/// (quant.scast, quant.dcast, quant.qcast, tensor.bitcast between signs),
/// with the scales and zero points read from the types.
void populateQuantizedTypesToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options = {});

/// All of the above.

void populateONNXToLinalgPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  const ONNXToLinalgOptions &options = {});

/// The full conversion of `root`'s onnx ops (convert-onnx-to-linalg's),
/// in the forms a target asks for.
mlir::LogicalResult
convertONNXToLinalg(mlir::Operation *root,
                    const ONNXToLinalgOptions &options = {});

} // namespace smelt

#endif // SMELT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
