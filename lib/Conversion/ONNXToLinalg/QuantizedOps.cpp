//===- QuantizedOps.cpp - Integer ops on quantized types to linalg ---------===//
//
// The integer form of a quantized model, with the scales and zero points
// read from `!quant.uniform` types: smelt.quantized_conv and
// smelt.quantized_matmul accumulate the centred integers in int32 (or in a
// target's layout, through the integer-contraction hooks), and
// smelt.requantize rounds as ONNX Runtime does:
//   y = saturate(round_half_even((x - x_zp) * m) + y_zp),
//   m = f32(x_scale) / f32(y_scale)
// with the multiplier computed here, once per channel. Upstream's casts
// lower too: quant.scast and tensor.bitcast change no bits (the converted
// types are the same signless storage), quant.dcast and quant.qcast are
// DequantizeLinear's and QuantizeLinear's arithmetic.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "Smelt/QuantizedTypes.h"
#include "Smelt/SmeltDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

quant::QuantizedType quantizedElement(Value v) {
  return cast<quant::QuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
}

/// The integers a quantized operand stores when they are constant: an
/// onnx.Constant seen through the casts that made it a quantized tensor.
std::optional<SmallVector<int64_t>> storedConstants(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<quant::StorageCastOp, tensor::BitcastOp>(def))
      break;
    v = def->getOperand(0);
  }
  return smelt::onnx::getConstantInts(v);
}

/// A constant tensor of `values` in `element`: rank 0 for one value, else
/// 1-D.
Value constantTensor(OpBuilder &b, Location loc, Type element,
                     ArrayRef<int64_t> values) {
  SmallVector<int64_t> shape;
  if (values.size() != 1)
    shape.push_back(values.size());
  auto type = RankedTensorType::get(shape, element);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(element.getIntOrFloatBitWidth(), v, /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ints));
}

Value constantTensor(OpBuilder &b, Location loc, ArrayRef<float> values) {
  SmallVector<int64_t> shape;
  if (values.size() != 1)
    shape.push_back(values.size());
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// A quantized tensor's zero points as a constant of its storage type, or
/// null when they are all zero (nothing to subtract).
Value zeroPointTensor(OpBuilder &b, Location loc, quant::QuantizedType type) {
  SmallVector<int64_t> storage;
  ArrayRef<int64_t> zeros = smelt::quantizedZeroPoints(type, storage);
  if (llvm::all_of(zeros, [](int64_t z) { return z == 0; }))
    return Value();
  return constantTensor(b, loc, type.getStorageType(), zeros);
}

struct QuantizedConvLowering : OpConversionPattern<smelt::QuantizedConvOp> {
  QuantizedConvLowering(const TypeConverter &converter, MLIRContext *ctx,
                        const smelt::ONNXToLinalgOptions &options)
      : OpConversionPattern(converter, ctx), options(options) {}
  LogicalResult
  matchAndRewrite(smelt::QuantizedConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType accType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    if (!accType || !xType || !wType || !xType.hasStaticShape() ||
        !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    quant::QuantizedType x = quantizedElement(op.getX());
    quant::QuantizedType w = quantizedElement(op.getW());
    SmallVector<int64_t> xs, ws;
    int64_t xZero = smelt::quantizedZeroPoints(x, xs).front();
    ArrayRef<int64_t> wZeros = smelt::quantizedZeroPoints(w, ws);

    // A target's layout first, where the weights and bias are constant.
    Value acc;
    std::optional<SmallVector<int64_t>> weights = storedConstants(op.getW());
    std::optional<SmallVector<int64_t>> bias =
        op.getBias() ? storedConstants(op.getBias())
                     : std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{});
    if (weights && bias) {
      smelt::IntegerConvolution conv{op,       adaptor.getX(), !x.isSigned(),
                                     xZero,    *weights,       wType,
                                     !w.isSigned(), wZeros,    *bias};
      acc = targetConvolution(options.hooks, rewriter, loc, conv, accType);
    }
    if (!acc) {
      Value xc = centred(rewriter, loc, adaptor.getX(),
                         zeroPointTensor(rewriter, loc, x), !x.isSigned(), 1);
      Value wc = centred(rewriter, loc, adaptor.getW(),
                         zeroPointTensor(rewriter, loc, w), !w.isSigned(), 0);
      acc = buildConvolution(rewriter, loc, op, xc, wc, adaptor.getBias(),
                             accType, options.namedOps);
    }
    if (!acc)
      return rewriter.notifyMatchFailure(op, "unsupported window or groups");
    rewriter.replaceOp(op, acc);
    return success();
  }

  smelt::ONNXToLinalgOptions options;
};

struct QuantizedMatMulLowering
    : OpConversionPattern<smelt::QuantizedMatMulOp> {
  QuantizedMatMulLowering(const TypeConverter &converter, MLIRContext *ctx,
                          const smelt::ONNXToLinalgOptions &options)
      : OpConversionPattern(converter, ctx), options(options) {}
  LogicalResult
  matchAndRewrite(smelt::QuantizedMatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType accType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    auto aType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!accType || !aType || !bType || !aType.hasStaticShape() ||
        !bType.hasStaticShape() || aType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs static operands of rank 2+");
    Location loc = op.getLoc();
    quant::QuantizedType a = quantizedElement(op.getA());
    quant::QuantizedType b = quantizedElement(op.getB());
    SmallVector<int64_t> as, bs;
    int64_t aZero = smelt::quantizedZeroPoints(a, as).front();
    ArrayRef<int64_t> bZeros = smelt::quantizedZeroPoints(b, bs);

    Value acc;
    if (std::optional<SmallVector<int64_t>> weights = storedConstants(op.getB())) {
      smelt::IntegerMatMul mm{adaptor.getA(), !a.isSigned(), aZero,
                              Value(),        *weights,      bType,
                              !b.isSigned(),  bZeros};
      acc = targetMatMul(options.hooks, rewriter, loc, mm, accType);
    }
    if (!acc) {
      Value ac = centred(rewriter, loc, adaptor.getA(),
                         zeroPointTensor(rewriter, loc, a), !a.isSigned(),
                         aType.getRank() - 2);
      Value bc = centred(rewriter, loc, adaptor.getB(),
                         zeroPointTensor(rewriter, loc, b), !b.isSigned(),
                         bType.getRank() - 1);
      acc = buildMatMul(rewriter, loc, ac, bc, accType, false,
                        options.namedOps);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }

  smelt::ONNXToLinalgOptions options;
};

/// The per-element scales of `type` along a dimension of `count` elements
/// (a per-tensor scale repeated).
SmallVector<double> scalesAlong(quant::QuantizedType type, size_t count) {
  SmallVector<double> storage;
  ArrayRef<double> scales = smelt::quantizedScales(type, storage);
  if (scales.size() == count)
    return SmallVector<double>(scales);
  return SmallVector<double>(count, scales.front());
}

struct RequantizeLowering : OpConversionPattern<smelt::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    auto inType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    if (!resultType || !inType || !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    quant::QuantizedType in = quantizedElement(op.getInput());
    quant::QuantizedType out = quantizedElement(op.getOutput());
    std::optional<int32_t> axis = smelt::quantizedAxis(in);
    if (!axis)
      axis = smelt::quantizedAxis(out);
    size_t count = axis ? resultType.getDimSize(*axis) : 1;

    // The input's integers in int32, centred on its zero point.
    Value acc = adaptor.getInput();
    Value inZero = zeroPointTensor(rewriter, loc, in);
    if (in.getStorageTypeIntegralWidth() < 32)
      acc = centred(rewriter, loc, acc, inZero, !in.isSigned(),
                    axis.value_or(0));
    else if (inZero)
      return rewriter.notifyMatchFailure(
          op, "an int32 input with a non-zero zero point");

    // m = f32(in_scale) / f32(out_scale), once per channel.
    SmallVector<double> inScales = scalesAlong(in, count);
    SmallVector<double> outScales = scalesAlong(out, count);
    SmallVector<float> multipliers;
    for (size_t i = 0; i < count; ++i)
      multipliers.push_back(static_cast<float>(inScales[i]) /
                            static_cast<float>(outScales[i]));
    Value multiplier = constantTensor(rewriter, loc, multipliers);
    SmallVector<int64_t> zs;
    ArrayRef<int64_t> outZeros = smelt::quantizedZeroPoints(out, zs);
    Value outZero;
    if (llvm::any_of(outZeros, [](int64_t z) { return z != 0; })) {
      SmallVector<int64_t> zeros(outZeros);
      if (zeros.size() != count)
        zeros.assign(count, outZeros.front());
      outZero = constantTensor(rewriter, loc, out.getStorageType(), zeros);
    }
    rewriter.replaceOp(
        op, requantize(rewriter, loc, acc, multiplier, outZero, resultType,
                       !out.isSigned(),
                       axis.value_or(resultType.getRank() - 1)));
    return success();
  }
};

/// quant.scast and tensor.bitcast between signs: the converted types are
/// one signless storage type, so the converted operand is the result.
template <typename CastOp>
struct ReinterpretLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern<CastOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, typename CastOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = this->getTypeConverter()->convertType(op.getType());
    Value input = adaptor.getOperands().front();
    if (!type || input.getType() != type)
      return rewriter.notifyMatchFailure(op, "changes the storage type");
    rewriter.replaceOp(op, input);
    return success();
  }
};

/// `type`'s scales (f32) and, unless all 0, zero points, shaped to
/// broadcast along its axis of `shaped`: operands of an elementwise
/// generic.
void appendParameters(OpBuilder &b, Location loc, quant::QuantizedType type,
                      RankedTensorType shaped, SmallVectorImpl<Value> &out) {
  std::optional<int32_t> axis = smelt::quantizedAxis(type);
  int64_t rank = shaped.getRank();
  SmallVector<float> scales;
  for (double s : scalesAlong(type, axis ? shaped.getDimSize(*axis) : 1))
    scales.push_back(static_cast<float>(s));
  out.push_back(paramAlong(b, loc, constantTensor(b, loc, scales),
                           axis.value_or(0), rank));
  if (Value zero = zeroPointTensor(b, loc, type))
    out.push_back(paramAlong(b, loc, zero, axis.value_or(0), rank));
}

/// quant.dcast: (x - zero_point) * scale in f32, per tensor or per axis.
struct DequantizeCastLowering : OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getResult().getType());
    auto inType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    if (!resultType || !inType || !inType.hasStaticShape() ||
        !resultType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "needs static f32 tensors");
    Location loc = op.getLoc();
    quant::QuantizedType type = quantizedElement(op.getInput());
    SmallVector<Value> operands = {adaptor.getInput()};
    appendParameters(rewriter, loc, type, resultType, operands);
    bool isUnsigned = !type.isSigned();
    rewriter.replaceOp(
        op, buildBroadcastElementwise(
                rewriter, loc, resultType, operands,
                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                  return dequantizeElement(b, l, a[0], a[1],
                                           a.size() > 2 ? a[2] : Value(),
                                           isUnsigned);
                }));
    return success();
  }
};

/// quant.qcast: saturate(round_half_even(x / scale) + zero_point).
struct QuantizeCastLowering : OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getResult().getType());
    auto inType = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
    if (!resultType || !inType || !inType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "needs static f32 input");
    Location loc = op.getLoc();
    quant::QuantizedType type = quantizedElement(op.getResult());
    SmallVector<Value> operands = {adaptor.getInput()};
    appendParameters(rewriter, loc, type, resultType, operands);
    bool isUnsigned = !type.isSigned();
    Type storage = resultType.getElementType();
    rewriter.replaceOp(
        op, buildBroadcastElementwise(
                rewriter, loc, resultType, operands,
                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                  return quantizeElement(b, l, a[0], a[1],
                                         a.size() > 2 ? a[2] : Value(),
                                         storage, isUnsigned);
                }));
    return success();
  }
};

} // namespace

void smelt::populateQuantizedTypesToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options) {
  patterns.add<QuantizedConvLowering, QuantizedMatMulLowering>(
      converter, patterns.getContext(), options);
  patterns.add<RequantizeLowering, ReinterpretLowering<quant::StorageCastOp>,
               ReinterpretLowering<tensor::BitcastOp>, DequantizeCastLowering,
               QuantizeCastLowering>(converter, patterns.getContext());
}
