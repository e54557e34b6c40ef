//===- Quantization.cpp - onnx QuantizeLinear and friends to linalg -------===//
//
// The reference arithmetic of ONNX's quantization ops, elementwise:
//   QuantizeLinear    y = saturate(round_half_even(x / scale) + zero_point)
//   DequantizeLinear  y = (x - zero_point) * scale
// with per-tensor or per-axis scales. DynamicQuantizeLinear first finds the
// uint8 scale and zero point from the data's range (including zero).
//
// ConvInteger, QLinearConv and QLinearMatMul compute in int32 on the centred
// operands (x - zero_point), then QLinear* requantize as ONNX Runtime does:
//   y = saturate(round_half_even(acc * (x_scale * w_scale / y_scale)) + y_zp)
// in f32, with the weights' scale and zero point per output channel (or per
// column) when they are vectors. These are reference kernels (loops); the
// integer vector kernels are the quantization work's.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace smelt::detail;

namespace {

/// A per-axis parameter [C] reshaped to broadcast along `axis` of a
/// rank-`rank` tensor; rank-0 parameters broadcast as they are.
Value alongAxis(OpBuilder &b, Location loc, Value param, int64_t axis,
                int64_t rank) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 0)
    return param;
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = type.getDimSize(0);
  return reshapeToStatic(b, loc, param,
                         RankedTensorType::get(shape, type.getElementType()));
}

/// `x` seen as [before axis, C, after axis] (or 1-D when `perTensor`), the
/// shape the elementwise quantization ops compute in: long inner loops.
RankedTensorType flatShape(RankedTensorType type, int64_t axis,
                           bool perTensor) {
  if (perTensor)
    return RankedTensorType::get({type.getNumElements()},
                                 type.getElementType());
  int64_t before = 1, after = 1;
  for (int64_t d = 0; d < axis; ++d)
    before *= type.getDimSize(d);
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    after *= type.getDimSize(d);
  return RankedTensorType::get({before, type.getDimSize(axis), after},
                               type.getElementType());
}

} // namespace

Value smelt::detail::saturate(OpBuilder &b, Location loc, Value v, Type intType,
                              bool isUnsigned) {
  unsigned width = intType.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                         : std::ldexp(1.0, width - 1) - 1;
  // Clamped with compare-and-select (a NaN stays NaN, whose conversion is
  // undefined either way), which vectorizes to two compares and blends.
  Type f = v.getType();
  Value low = createScalarConstant(b, loc, f, lo);
  Value high = createScalarConstant(b, loc, f, hi);
  v = arith::SelectOp::create(
      b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v, low),
      low, v);
  v = arith::SelectOp::create(
      b, loc, arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v, high),
      high, v);
  if (isUnsigned)
    return arith::FPToUIOp::create(b, loc, intType, v);
  return arith::FPToSIOp::create(b, loc, intType, v);
}

Value smelt::detail::quantizeElement(OpBuilder &b, Location loc, Value x,
                                     Value scale, Value zeroPoint,
                                     Type intType, bool isUnsigned) {
  Type f32 = b.getF32Type();
  Value q = math::RoundEvenOp::create(b, loc,
                                      arith::DivFOp::create(b, loc, x, scale));
  if (zeroPoint)
    q = arith::AddFOp::create(
        b, loc, q,
        isUnsigned ? Value(arith::UIToFPOp::create(b, loc, f32, zeroPoint))
                   : Value(arith::SIToFPOp::create(b, loc, f32, zeroPoint)));
  return saturate(b, loc, q, intType, isUnsigned);
}

Value smelt::detail::dequantizeElement(OpBuilder &b, Location loc, Value x,
                                       Value scale, Value zeroPoint,
                                       bool isUnsigned) {
  Type f32 = b.getF32Type();
  auto toFloat = [&](Value v) -> Value {
    return isUnsigned ? Value(arith::UIToFPOp::create(b, loc, f32, v))
                      : Value(arith::SIToFPOp::create(b, loc, f32, v));
  };
  Value v = toFloat(x);
  if (zeroPoint)
    v = arith::SubFOp::create(b, loc, v, toFloat(zeroPoint));
  return arith::MulFOp::create(b, loc, v, scale);
}

namespace {

/// QuantizeLinear and DequantizeLinear: `body(x, scale, zero point or
/// null)` elementwise over `x`, with the parameters per tensor or along
/// `axis`. Computed flat ([N] per tensor, [before, C, after] per axis) and
/// reshaped back, so that the inner loops are long and vectorize.
FailureOr<Value> quantizationOp(
    ConversionPatternRewriter &rewriter, Location loc, Value x, Value scale,
    Value zeroPoint, RankedTensorType resultType, int64_t axis,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto inputType = dyn_cast<RankedTensorType>(x.getType());
  if (!resultType || !inputType || !inputType.hasStaticShape())
    return failure();
  if (axis < 0)
    axis += resultType.getRank();
  bool perTensor =
      cast<RankedTensorType>(scale.getType()).getNumElements() == 1;
  RankedTensorType flatType = flatShape(resultType, axis, perTensor);
  int64_t flatAxis = perTensor ? 0 : 1, rank = flatType.getRank();
  SmallVector<Value> operands = {
      reshapeToStatic(rewriter, loc, x, flatShape(inputType, axis, perTensor)),
      alongAxis(rewriter, loc, scale, flatAxis, rank)};
  if (zeroPoint)
    operands.push_back(alongAxis(rewriter, loc, zeroPoint, flatAxis, rank));
  Value result = buildBroadcastElementwise(
      rewriter, loc, flatType, operands,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        return body(b, l, a[0], a[1], a.size() > 2 ? a[2] : Value());
      });
  return reshapeToStatic(rewriter, loc, result, resultType);
}

struct QuantizeLinearLowering
    : OpConversionPattern<smelt::onnx::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    bool isUnsigned = isUnsignedElement(op.getY().getType());
    FailureOr<Value> result = quantizationOp(
        rewriter, op.getLoc(), adaptor.getX(), adaptor.getYScale(),
        adaptor.getYZeroPoint(), resultType,
        static_cast<int64_t>(op.getAxis()),
        [&](OpBuilder &b, Location l, Value x, Value scale, Value zp) {
          if (!isa<FloatType>(x.getType()))
            x = arith::SIToFPOp::create(b, l, b.getF32Type(), x);
          return quantizeElement(b, l, x, scale, zp,
                                 resultType.getElementType(), isUnsigned);
        });
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

struct DequantizeLinearLowering
    : OpConversionPattern<smelt::onnx::DequantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::DequantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    bool isUnsigned = isUnsignedElement(op.getX().getType());
    FailureOr<Value> result = quantizationOp(
        rewriter, op.getLoc(), adaptor.getX(), adaptor.getXScale(),
        adaptor.getXZeroPoint(), resultType,
        static_cast<int64_t>(op.getAxis()),
        [&](OpBuilder &b, Location l, Value x, Value scale, Value zp) {
          return dequantizeElement(b, l, x, scale, zp, isUnsigned);
        });
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

} // namespace

Value smelt::detail::paramAlong(OpBuilder &b, Location loc, Value param,
                                int64_t axis, int64_t rank) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 1 && type.getDimSize(0) == 1)
    param = reshapeToStatic(b, loc, param,
                            RankedTensorType::get({}, type.getElementType()));
  return alongAxis(b, loc, param, axis, rank);
}

Value smelt::detail::centred(OpBuilder &b, Location loc, Value x,
                             Value zeroPoint, bool isUnsigned, int64_t axis) {
  auto type = cast<RankedTensorType>(x.getType());
  Type i32 = b.getI32Type();
  SmallVector<Value> operands = {x};
  if (zeroPoint)
    operands.push_back(paramAlong(b, loc, zeroPoint, axis, type.getRank()));
  return buildBroadcastElementwise(
      b, loc, RankedTensorType::get(type.getShape(), i32), operands,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        auto widen = [&](Value v) -> Value {
          return isUnsigned ? Value(arith::ExtUIOp::create(nb, l, i32, v))
                            : Value(arith::ExtSIOp::create(nb, l, i32, v));
        };
        Value v = widen(a[0]);
        if (a.size() > 1)
          v = arith::SubIOp::create(nb, l, v, widen(a[1]));
        return v;
      });
}

Value smelt::detail::requantize(OpBuilder &b, Location loc, Value acc,
                                Value multiplier, Value yZeroPoint,
                                RankedTensorType resultType, bool isUnsigned,
                                int64_t axis) {
  // The dimensions after the axis as one, so that the loop the parameters
  // do not vary along is long (a convolution's pixels, not one row).
  int64_t fullRank = resultType.getRank();
  if (axis + 2 < fullRank) {
    SmallVector<int64_t> shape(resultType.getShape().take_front(axis + 1));
    int64_t rest = 1;
    for (int64_t d = axis + 1; d < fullRank; ++d)
      rest *= resultType.getDimSize(d);
    shape.push_back(rest);
    auto accType = cast<RankedTensorType>(acc.getType());
    Value flat = reshapeToStatic(b, loc, acc, accType.clone(shape));
    Value y = requantize(b, loc, flat, multiplier, yZeroPoint,
                         resultType.clone(shape), isUnsigned, axis);
    return reshapeToStatic(b, loc, y, resultType);
  }
  int64_t rank = resultType.getRank();
  SmallVector<Value> operands = {acc,
                                 paramAlong(b, loc, multiplier, axis, rank)};
  if (yZeroPoint)
    operands.push_back(paramAlong(b, loc, yZeroPoint, axis, rank));
  Type intType = resultType.getElementType();
  return buildBroadcastElementwise(
      b, loc, resultType, operands,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Type f32 = nb.getF32Type();
        Value v = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, f32, a[0]), a[1]);
        v = math::RoundEvenOp::create(nb, l, v);
        if (a.size() > 2)
          v = arith::AddFOp::create(
              nb, l, v,
              isUnsigned ? Value(arith::UIToFPOp::create(nb, l, f32, a[2]))
                         : Value(arith::SIToFPOp::create(nb, l, f32, a[2])));
        return saturate(nb, l, v, intType, isUnsigned);
      });
}

Value smelt::detail::targetConvolution(const IntegerContractionHooks &hooks,
                                       OpBuilder &b, Location loc,
                                       const IntegerConvolution &conv,
                                       RankedTensorType accType) {
  return hooks.convolution ? hooks.convolution(b, loc, conv, accType)
                           : Value();
}

Value smelt::detail::targetMatMul(const IntegerContractionHooks &hooks,
                                  OpBuilder &b, Location loc,
                                  const IntegerMatMul &mm,
                                  RankedTensorType accType) {
  return hooks.matmul ? hooks.matmul(b, loc, mm, accType) : Value();
}

namespace {

/// QLinear*'s multiplier in_scale * w_scale / y_scale in f32, computed when
/// the model runs (the scales are operands): per tensor, or one per
/// element of w_scale.
Value runtimeMultiplier(OpBuilder &b, Location loc, Value inScale,
                        Value wScale, Value yScale) {
  auto flat = [&](Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape;
    if (type.getNumElements() != 1)
      shape.push_back(type.getNumElements());
    return reshapeToStatic(b, loc, v,
                           RankedTensorType::get(shape, type.getElementType()));
  };
  Value w = flat(wScale);
  return buildBroadcastElementwise(
      b, loc, cast<RankedTensorType>(w.getType()),
      ValueRange{flat(inScale), w, flat(yScale)},
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return arith::DivFOp::create(
            nb, l, arith::MulFOp::create(nb, l, a[0], a[1]), a[2]);
      });
}

/// The constant integers of an optional operand: empty when absent, none
/// when not constant.
std::optional<SmallVector<int64_t>> constantsOf(Value v) {
  if (!v)
    return SmallVector<int64_t>{};
  return smelt::onnx::getConstantInts(v);
}

/// ConvInteger: an int32 convolution of the centred input and weights (the
/// weights' zero point per output channel or per tensor).
struct ConvIntegerLowering
    : OpConversionPattern<smelt::onnx::ConvIntegerOp> {
  ConvIntegerLowering(const TypeConverter &converter, MLIRContext *ctx,
                      bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::ConvIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    if (!resultType || !xType || !wType || !xType.hasStaticShape() ||
        !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    Value x = centred(rewriter, loc, adaptor.getX(), adaptor.getXZeroPoint(),
                      isUnsignedElement(op.getX().getType()), 1);
    Value w = centred(rewriter, loc, adaptor.getW(), adaptor.getWZeroPoint(),
                      isUnsignedElement(op.getW().getType()), 0);
    Value y = buildConvolution(rewriter, loc, op, x, w, Value(), resultType,
                               namedOps);
    if (!y)
      return rewriter.notifyMatchFailure(op, "unsupported window or groups");
    rewriter.replaceOp(op, y);
    return success();
  }

  bool namedOps;
};

/// QLinearConv: ConvInteger plus the int32 bias, requantized per output
/// channel. With constant parameters it is first converted to
/// smelt.quantized_conv (convert-onnx-qlinear-to-quant); this lowering
/// also takes scales and zero points that are known only at run time.
struct QLinearConvLowering
    : OpConversionPattern<smelt::onnx::QLinearConvOp> {
  QLinearConvLowering(const TypeConverter &converter, MLIRContext *ctx,
                      const smelt::ONNXToLinalgOptions &options)
      : OpConversionPattern(converter, ctx), options(options) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::QLinearConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    if (!resultType || !xType || !wType || !xType.hasStaticShape() ||
        !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    bool xUnsigned = isUnsignedElement(op.getX().getType());
    bool wUnsigned = isUnsignedElement(op.getW().getType());
    // A target's layout first (the CPU's packed int8 form) where the
    // weights and zero points are constant, else the int32 convolution of
    // the centred operands.
    Value acc;
    std::optional<SmallVector<int64_t>> xz = constantsOf(op.getXZeroPoint());
    std::optional<SmallVector<int64_t>> weights = constantsOf(op.getW());
    std::optional<SmallVector<int64_t>> wz = constantsOf(op.getWZeroPoint());
    std::optional<SmallVector<int64_t>> bias = constantsOf(op.getB());
    if (xz && xz->size() == 1 && weights && wz && bias) {
      smelt::IntegerConvolution conv{op,       adaptor.getX(), xUnsigned,
                                     xz->front(), *weights,   wType,
                                     wUnsigned, *wz,           *bias};
      acc = targetConvolution(options.hooks, rewriter, loc, conv, accType);
    }
    if (!acc) {
      Value x = centred(rewriter, loc, adaptor.getX(), adaptor.getXZeroPoint(),
                        xUnsigned, 1);
      Value w = centred(rewriter, loc, adaptor.getW(), adaptor.getWZeroPoint(),
                        wUnsigned, 0);
      acc = buildConvolution(rewriter, loc, op, x, w, adaptor.getB(), accType,
                             options.namedOps);
    }
    if (!acc)
      return rewriter.notifyMatchFailure(op, "unsupported window or groups");
    Value multiplier =
        runtimeMultiplier(rewriter, loc, adaptor.getXScale(),
                          adaptor.getWScale(), adaptor.getYScale());
    rewriter.replaceOp(
        op, requantize(rewriter, loc, acc, multiplier, adaptor.getYZeroPoint(),
                       resultType, isUnsignedElement(op.getY().getType()), 1));
    return success();
  }

  smelt::ONNXToLinalgOptions options;
};

/// QLinearMatMul: an int32 product of the centred operands (b's zero point
/// and scale per tensor or per column), requantized. With constant
/// parameters it is first converted to smelt.quantized_matmul.
struct QLinearMatMulLowering
    : OpConversionPattern<smelt::onnx::QLinearMatMulOp> {
  QLinearMatMulLowering(const TypeConverter &converter, MLIRContext *ctx,
                        const smelt::ONNXToLinalgOptions &options)
      : OpConversionPattern(converter, ctx), options(options) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::QLinearMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto aType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!resultType || !aType || !bType || !aType.hasStaticShape() ||
        !bType.hasStaticShape() || aType.getRank() < 2 || bType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs static operands of rank 2+");
    if (!innerDimensionsAgree(aType, bType))
      return rewriter.notifyMatchFailure(op, "the inner dimensions differ");
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    bool aUnsigned = isUnsignedElement(op.getA().getType());
    bool bUnsigned = isUnsignedElement(op.getB().getType());
    Value acc;
    std::optional<SmallVector<int64_t>> az = constantsOf(op.getAZeroPoint());
    std::optional<SmallVector<int64_t>> weights = constantsOf(op.getB());
    std::optional<SmallVector<int64_t>> bz = constantsOf(op.getBZeroPoint());
    if (az && az->size() == 1 && weights && bz) {
      smelt::IntegerMatMul mm{adaptor.getA(), aUnsigned, az->front(),
                              Value(),        *weights,  bType,
                              bUnsigned,      *bz};
      acc = targetMatMul(options.hooks, rewriter, loc, mm, accType);
    }
    if (!acc) {
      Value a = centred(rewriter, loc, adaptor.getA(), adaptor.getAZeroPoint(),
                        aUnsigned, aType.getRank() - 2);
      Value b = centred(rewriter, loc, adaptor.getB(), adaptor.getBZeroPoint(),
                        bUnsigned, bType.getRank() - 1);
      acc = buildMatMul(rewriter, loc, a, b, accType, false, options.namedOps);
    }
    Value multiplier =
        runtimeMultiplier(rewriter, loc, adaptor.getAScale(),
                          adaptor.getBScale(), adaptor.getYScale());
    rewriter.replaceOp(
        op, requantize(rewriter, loc, acc, multiplier, adaptor.getYZeroPoint(),
                       resultType, isUnsignedElement(op.getY().getType()),
                       rank - 1));
    return success();
  }

  smelt::ONNXToLinalgOptions options;
};

struct DynamicQuantizeLinearLowering
    : OpConversionPattern<smelt::onnx::DynamicQuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::DynamicQuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = dyn_cast<RankedTensorType>(x.getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!type || !type.hasStaticShape() || !resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type(), u8 = resultType.getElementType();
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    // The range always includes zero, so zero is exactly representable.
    Value zero = createScalarConstant(rewriter, loc, f32, 0.0);
    Value max = reduce(rewriter, loc, x, all, zero,
                       [](OpBuilder &b, Location l, Value e, Value acc) -> Value {
                         return arith::MaximumFOp::create(b, l, e, acc);
                       });
    Value min = reduce(rewriter, loc, x, all, zero,
                       [](OpBuilder &b, Location l, Value e, Value acc) -> Value {
                         return arith::MinimumFOp::create(b, l, e, acc);
                       });
    Value maxS = tensor::ExtractOp::create(rewriter, loc, max, ValueRange{});
    Value minS = tensor::ExtractOp::create(rewriter, loc, min, ValueRange{});
    Value scale = arith::DivFOp::create(
        rewriter, loc, arith::SubFOp::create(rewriter, loc, maxS, minS),
        createScalarConstant(rewriter, loc, f32, 255.0));
    Value zpFloat = math::RoundEvenOp::create(
        rewriter, loc,
        arith::SubFOp::create(rewriter, loc, zero,
                              arith::DivFOp::create(rewriter, loc, minS, scale)));
    Value zp = saturate(rewriter, loc, zpFloat, u8, /*isUnsigned=*/true);
    auto scalarF32 = RankedTensorType::get({}, f32);
    auto scalarU8 = RankedTensorType::get({}, u8);
    Value scaleTensor = tensor::FromElementsOp::create(rewriter, loc, scalarF32,
                                                       ValueRange{scale});
    Value zpTensor = tensor::FromElementsOp::create(rewriter, loc, scalarU8,
                                                    ValueRange{zp});
    Value y = buildBroadcastElementwise(
        rewriter, loc, resultType, ValueRange{x},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value q = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, a[0], scale));
          q = arith::AddFOp::create(b, l, q, zpFloat);
          return saturate(b, l, q, u8, true);
        });
    rewriter.replaceOp(op, ValueRange{y, scaleTensor, zpTensor});
    return success();
  }
};

} // namespace

void smelt::populateONNXQuantizationToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering>(converter, patterns.getContext());
  patterns.add<ConvIntegerLowering>(converter, patterns.getContext(),
                                    options.namedOps);
  patterns.add<QLinearConvLowering, QLinearMatMulLowering>(
      converter, patterns.getContext(), options);
}
