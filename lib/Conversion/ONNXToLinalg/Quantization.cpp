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

/// round_half_even(v) + zp, clamped to the integer type's range, as that type.
Value saturate(OpBuilder &b, Location loc, Value v, Type intType,
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
          Type f32 = b.getF32Type();
          if (!isa<FloatType>(x.getType()))
            x = arith::SIToFPOp::create(b, l, f32, x);
          Value q =
              math::RoundEvenOp::create(b, l, arith::DivFOp::create(b, l, x, scale));
          if (zp)
            q = arith::AddFOp::create(
                b, l, q,
                isUnsigned ? Value(arith::UIToFPOp::create(b, l, f32, zp))
                           : Value(arith::SIToFPOp::create(b, l, f32, zp)));
          return saturate(b, l, q, resultType.getElementType(), isUnsigned);
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
          Type f32 = b.getF32Type();
          auto toFloat = [&](Value v) -> Value {
            return isUnsigned ? Value(arith::UIToFPOp::create(b, l, f32, v))
                              : Value(arith::SIToFPOp::create(b, l, f32, v));
          };
          Value v = toFloat(x);
          if (zp)
            v = arith::SubFOp::create(b, l, v, toFloat(zp));
          return Value(arith::MulFOp::create(b, l, v, scale));
        });
    if (failed(result))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, *result);
    return success();
  }
};

/// A per-tensor ([] or [1]) or per-axis ([C]) parameter shaped to broadcast
/// along `axis` of a rank-`rank` tensor.
Value paramAlong(OpBuilder &b, Location loc, Value param, int64_t axis,
                 int64_t rank) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getRank() == 1 && type.getDimSize(0) == 1)
    param = reshapeToStatic(b, loc, param,
                            RankedTensorType::get({}, type.getElementType()));
  return alongAxis(b, loc, param, axis, rank);
}

/// int32(x) - int32(zero_point): the integer value a quantized tensor
/// stands for, the zero point per tensor or along `axis`.
Value centred(OpBuilder &b, Location loc, Value x, Value zeroPoint,
              bool isUnsigned, int64_t axis) {
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

} // namespace

Value smelt::detail::requantize(OpBuilder &b, Location loc, Value acc,
                                Value inScale, Value wScale, Value yScale,
                                Value yZeroPoint, RankedTensorType resultType,
                                bool isUnsigned, int64_t axis) {
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
    Value y = requantize(b, loc, flat, inScale, wScale, yScale, yZeroPoint,
                         resultType.clone(shape), isUnsigned, axis);
    return reshapeToStatic(b, loc, y, resultType);
  }
  int64_t rank = resultType.getRank();
  SmallVector<Value> operands = {acc, paramAlong(b, loc, inScale, axis, rank),
                                 paramAlong(b, loc, wScale, axis, rank),
                                 paramAlong(b, loc, yScale, axis, rank)};
  if (yZeroPoint)
    operands.push_back(paramAlong(b, loc, yZeroPoint, axis, rank));
  Type intType = resultType.getElementType();
  return buildBroadcastElementwise(
      b, loc, resultType, operands,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Type f32 = nb.getF32Type();
        Value scale = arith::DivFOp::create(
            nb, l, arith::MulFOp::create(nb, l, a[1], a[2]), a[3]);
        Value v = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, f32, a[0]), scale);
        v = math::RoundEvenOp::create(nb, l, v);
        if (a.size() > 4)
          v = arith::AddFOp::create(
              nb, l, v,
              isUnsigned ? Value(arith::UIToFPOp::create(nb, l, f32, a[4]))
                         : Value(arith::SIToFPOp::create(nb, l, f32, a[4])));
        return saturate(nb, l, v, intType, isUnsigned);
      });
}

namespace {

/// ConvInteger: an int32 convolution of the centred input and weights (the
/// weights' zero point per output channel or per tensor).
struct ConvIntegerLowering
    : OpConversionPattern<smelt::onnx::ConvIntegerOp> {
  using OpConversionPattern::OpConversionPattern;
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
    Value y = buildConvolution(rewriter, loc, op, x, w, Value(), resultType);
    if (!y)
      return rewriter.notifyMatchFailure(op, "unsupported window or groups");
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// QLinearConv: ConvInteger plus the int32 bias, requantized per output
/// channel.
struct QLinearConvLowering
    : OpConversionPattern<smelt::onnx::QLinearConvOp> {
  QLinearConvLowering(const TypeConverter &converter, MLIRContext *ctx,
                      const smelt::IntegerContractionHooks &hooks)
      : OpConversionPattern(converter, ctx), hooks(hooks) {}
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
    // A target's layout first (the CPU's packed int8 form), else the int32
    // convolution of the centred operands.
    Value acc = hooks.convolution
                    ? hooks.convolution(rewriter, op, adaptor.getX(), wType,
                                        accType)
                    : Value();
    if (!acc) {
      Value x = centred(rewriter, loc, adaptor.getX(), adaptor.getXZeroPoint(),
                        isUnsignedElement(op.getX().getType()), 1);
      Value w = centred(rewriter, loc, adaptor.getW(), adaptor.getWZeroPoint(),
                        isUnsignedElement(op.getW().getType()), 0);
      acc = buildConvolution(rewriter, loc, op, x, w, adaptor.getB(), accType);
    }
    if (!acc)
      return rewriter.notifyMatchFailure(op, "unsupported window or groups");
    rewriter.replaceOp(
        op, requantize(rewriter, loc, acc, adaptor.getXScale(),
                       adaptor.getWScale(), adaptor.getYScale(),
                       adaptor.getYZeroPoint(), resultType,
                       isUnsignedElement(op.getY().getType()), 1));
    return success();
  }

  smelt::IntegerContractionHooks hooks;
};

/// QLinearMatMul: an int32 product of the centred operands (b's zero point
/// and scale per tensor or per column), requantized.
struct QLinearMatMulLowering
    : OpConversionPattern<smelt::onnx::QLinearMatMulOp> {
  QLinearMatMulLowering(const TypeConverter &converter, MLIRContext *ctx,
                        const smelt::IntegerContractionHooks &hooks)
      : OpConversionPattern(converter, ctx), hooks(hooks) {}
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
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    auto accType = RankedTensorType::get(resultType.getShape(),
                                         rewriter.getI32Type());
    Value acc = hooks.matmul ? hooks.matmul(rewriter, loc, adaptor.getA(),
                                            op.getA(), op.getB(),
                                            op.getAZeroPoint(),
                                            op.getBZeroPoint(), accType,
                                            Value())
                             : Value();
    if (!acc) {
      Value a = centred(rewriter, loc, adaptor.getA(), adaptor.getAZeroPoint(),
                        isUnsignedElement(op.getA().getType()),
                        aType.getRank() - 2);
      Value b = centred(rewriter, loc, adaptor.getB(), adaptor.getBZeroPoint(),
                        isUnsignedElement(op.getB().getType()),
                        bType.getRank() - 1);
      acc = buildMatMul(rewriter, loc, a, b, accType, false);
    }
    rewriter.replaceOp(
        op, requantize(rewriter, loc, acc, adaptor.getAScale(),
                       adaptor.getBScale(), adaptor.getYScale(),
                       adaptor.getYZeroPoint(), resultType,
                       isUnsignedElement(op.getY().getType()), rank - 1));
    return success();
  }

  smelt::IntegerContractionHooks hooks;
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
    const IntegerContractionHooks &hooks) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering, ConvIntegerLowering>(
      converter, patterns.getContext());
  patterns.add<QLinearConvLowering, QLinearMatMulLowering>(
      converter, patterns.getContext(), hooks);
}
