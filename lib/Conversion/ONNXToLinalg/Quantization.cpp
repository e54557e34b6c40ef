//===- Quantization.cpp - onnx QuantizeLinear and friends to linalg -------===//
//
// The reference arithmetic of ONNX's quantization ops, elementwise:
//   QuantizeLinear    y = saturate(round_half_even(x / scale) + zero_point)
//   DequantizeLinear  y = (x - zero_point) * scale
// with per-tensor or per-axis scales. DynamicQuantizeLinear first finds the
// uint8 scale and zero point from the data's range (including zero).
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "LoweringUtils.h"

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

/// round_half_even(v) + zp, clamped to the integer type's range, as that type.
Value saturate(OpBuilder &b, Location loc, Value v, Type intType,
               bool isUnsigned) {
  unsigned width = intType.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                         : std::ldexp(1.0, width - 1) - 1;
  Type f = v.getType();
  v = arith::MaximumFOp::create(b, loc, v, createScalarConstant(b, loc, f, lo));
  v = arith::MinimumFOp::create(b, loc, v, createScalarConstant(b, loc, f, hi));
  if (isUnsigned)
    return arith::FPToUIOp::create(b, loc, intType, v);
  return arith::FPToSIOp::create(b, loc, intType, v);
}

struct QuantizeLinearLowering
    : OpConversionPattern<smelt::onnx::QuantizeLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::QuantizeLinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    if (!resultType || !inputType || !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    bool isUnsigned = isUnsignedElement(op.getY().getType());
    SmallVector<Value> operands = {
        adaptor.getX(),
        alongAxis(rewriter, loc, adaptor.getYScale(), axis, rank)};
    if (Value zp = adaptor.getYZeroPoint())
      operands.push_back(alongAxis(rewriter, loc, zp, axis, rank));
    Type intType = resultType.getElementType();
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Type f32 = b.getF32Type();
          Value x = a[0];
          if (!isa<FloatType>(x.getType()))
            x = arith::SIToFPOp::create(b, l, f32, x);
          Value q = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, x, a[1]));
          if (a.size() > 2) {
            Value zp = isUnsigned ? Value(arith::UIToFPOp::create(b, l, f32, a[2]))
                                  : Value(arith::SIToFPOp::create(b, l, f32, a[2]));
            q = arith::AddFOp::create(b, l, q, zp);
          }
          return saturate(b, l, q, intType, isUnsigned);
        });
    rewriter.replaceOp(op, result);
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
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    if (!resultType || !inputType || !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    int64_t rank = resultType.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    bool isUnsigned = isUnsignedElement(op.getX().getType());
    SmallVector<Value> operands = {
        adaptor.getX(),
        alongAxis(rewriter, loc, adaptor.getXScale(), axis, rank)};
    if (Value zp = adaptor.getXZeroPoint())
      operands.push_back(alongAxis(rewriter, loc, zp, axis, rank));
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Type f32 = b.getF32Type();
          auto toFloat = [&](Value v) -> Value {
            return isUnsigned ? Value(arith::UIToFPOp::create(b, l, f32, v))
                              : Value(arith::SIToFPOp::create(b, l, f32, v));
          };
          Value x = toFloat(a[0]);
          if (a.size() > 2)
            x = arith::SubFOp::create(b, l, x, toFloat(a[2]));
          return arith::MulFOp::create(b, l, x, a[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
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
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearLowering, DequantizeLinearLowering,
               DynamicQuantizeLinearLowering>(converter, patterns.getContext());
}
