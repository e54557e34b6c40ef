//===- Elementwise.cpp - onnx elementwise ops to linalg.generic -----------===//
//
// Every elementwise op is the same linalg.generic with ONNX's broadcasting;
// only the scalar body differs. The bodies live in one table below.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <functional>

using namespace mlir;
using namespace smelt::detail;

namespace {

/// What a scalar body may need to know about the op it computes.
struct ScalarContext {
  Operation *op;
  /// ONNX element type of the first operand (carries signedness).
  Type operandElement;
  /// ONNX element type of the result, and its converted (signless) type.
  Type resultElement;
  Type convertedResultElement;

  bool isUnsigned() const { return isUnsignedElement(operandElement); }
  float floatAttr(StringRef name, float fallback) const {
    if (auto attr = op->getAttrOfType<FloatAttr>(name))
      return static_cast<float>(attr.getValueAsDouble());
    return fallback;
  }
  int64_t intAttr(StringRef name, int64_t fallback) const {
    if (auto attr = op->getAttrOfType<IntegerAttr>(name))
      return attr.getInt();
    return fallback;
  }
};

/// Computes one element; returns null for element types it does not handle.
using ScalarBody =
    std::function<Value(OpBuilder &, Location, ValueRange, const ScalarContext &)>;

class ElementwiseLowering : public ConversionPattern {
public:
  ElementwiseLowering(const TypeConverter &converter, MLIRContext *context,
                      StringRef opName, ScalarBody body)
      : ConversionPattern(converter, opName, /*benefit=*/1, context),
        body(std::move(body)) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return rewriter.notifyMatchFailure(op, "expected one result");
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    for (Value operand : operands)
      if (!isa<RankedTensorType>(operand.getType()))
        return rewriter.notifyMatchFailure(op, "needs ranked operands");
    // PRelu's slope of shape [C] against [N, C, ...] is the legacy
    // per-channel form (opset < 7 exports, converted): it broadcasts along
    // dimension 1, not numpy's trailing dimensions.
    SmallVector<Value> inputs(operands.begin(), operands.end());
    if (op->getName().getStringRef() == "onnx.PRelu" && inputs.size() == 2) {
      auto x = cast<RankedTensorType>(inputs[0].getType());
      auto slope = cast<RankedTensorType>(inputs[1].getType());
      if (x.getRank() > 2 && slope.getRank() == 1 &&
          slope.getDimSize(0) == x.getDimSize(1) &&
          slope.getDimSize(0) != x.getShape().back() &&
          slope.getDimSize(0) != 1) {
        SmallVector<int64_t> shape(x.getRank() - 1, 1);
        shape[0] = slope.getDimSize(0);
        inputs[1] = reshapeToStatic(
            rewriter, op->getLoc(), inputs[1],
            RankedTensorType::get(shape, slope.getElementType()));
      }
    }
    ScalarContext context{op, elementTypeOf(op->getOperand(0).getType()),
                          elementTypeOf(op->getResult(0).getType()),
                          resultType.getElementType()};
    bool supported = true;
    Value result = buildBroadcastElementwise(
        rewriter, op->getLoc(), resultType, inputs,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value v = body(b, loc, args, context);
          if (v)
            return v;
          supported = false;
          return args.empty() ? Value() : args.front();
        });
    if (!supported) {
      rewriter.eraseOp(result.getDefiningOp());
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    }
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  ScalarBody body;
};

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }
bool isInt(Value v) { return isa<IntegerType>(v.getType()); }

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return createScalarConstant(b, loc, like.getType(), value);
}

/// A body for float-only unary ops.
template <typename MathOp>
ScalarBody floatUnary() {
  return [](OpBuilder &b, Location loc, ValueRange a,
            const ScalarContext &) -> Value {
    return isFloat(a[0]) ? MathOp::create(b, loc, a[0]).getResult() : Value();
  };
}

/// A body for binary ops with a float and an integer form.
template <typename FloatOp, typename IntOp>
ScalarBody arithBinary() {
  return [](OpBuilder &b, Location loc, ValueRange a,
            const ScalarContext &) -> Value {
    if (isFloat(a[0]))
      return FloatOp::create(b, loc, a[0], a[1]);
    if (isInt(a[0]))
      return IntOp::create(b, loc, a[0], a[1]);
    return nullptr;
  };
}

/// Folds a variadic op's operands left to right.
ScalarBody variadic(ScalarBody pairwise) {
  return [pairwise](OpBuilder &b, Location loc, ValueRange a,
                    const ScalarContext &ctx) -> Value {
    Value acc = a[0];
    for (Value next : a.drop_front()) {
      acc = pairwise(b, loc, ValueRange{acc, next}, ctx);
      if (!acc)
        return nullptr;
    }
    return acc;
  };
}

ScalarBody comparison(arith::CmpFPredicate f, arith::CmpIPredicate s,
                      arith::CmpIPredicate u) {
  return [=](OpBuilder &b, Location loc, ValueRange a,
             const ScalarContext &ctx) -> Value {
    if (isFloat(a[0]))
      return arith::CmpFOp::create(b, loc, f, a[0], a[1]);
    if (isInt(a[0]))
      return arith::CmpIOp::create(b, loc, ctx.isUnsigned() ? u : s, a[0],
                                   a[1]);
    return nullptr;
  };
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = constantLike(b, loc, x, 1.0);
  Value negated = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negated);
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

std::vector<std::pair<const char *, ScalarBody>> elementwiseBodies() {
  using P = arith::CmpFPredicate;
  using I = arith::CmpIPredicate;
  std::vector<std::pair<const char *, ScalarBody>> table;
  auto add = [&](const char *name, ScalarBody body) {
    table.emplace_back(name, std::move(body));
  };

  // Arithmetic.
  add("onnx.Add", arithBinary<arith::AddFOp, arith::AddIOp>());
  add("onnx.Sub", arithBinary<arith::SubFOp, arith::SubIOp>());
  add("onnx.Mul", arithBinary<arith::MulFOp, arith::MulIOp>());
  add("onnx.Div", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &ctx) -> Value {
    if (isFloat(a[0]))
      return arith::DivFOp::create(b, loc, a[0], a[1]);
    if (ctx.isUnsigned())
      return arith::DivUIOp::create(b, loc, a[0], a[1]);
    return arith::DivSIOp::create(b, loc, a[0], a[1]);
  });
  add("onnx.Mod", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &ctx) -> Value {
    if (isFloat(a[0]))
      return arith::RemFOp::create(b, loc, a[0], a[1]); // fmod semantics
    if (ctx.isUnsigned())
      return arith::RemUIOp::create(b, loc, a[0], a[1]);
    if (ctx.intAttr("fmod", 0))
      return arith::RemSIOp::create(b, loc, a[0], a[1]);
    // Python's modulo: the result takes the divisor's sign.
    Value r = arith::RemSIOp::create(b, loc, a[0], a[1]);
    Value zero = constantLike(b, loc, r, 0);
    Value rNeg = arith::CmpIOp::create(b, loc, I::slt, r, zero);
    Value dNeg = arith::CmpIOp::create(b, loc, I::slt, a[1], zero);
    Value differ = arith::XOrIOp::create(b, loc, rNeg, dNeg);
    Value nonZero = arith::CmpIOp::create(b, loc, I::ne, r, zero);
    Value fix = arith::AndIOp::create(b, loc, differ, nonZero);
    return arith::SelectOp::create(b, loc, fix,
                                   arith::AddIOp::create(b, loc, r, a[1]), r);
  });
  add("onnx.Pow", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &ctx) -> Value {
    Value base = a[0], exponent = a[1];
    if (isFloat(base)) {
      if (!isFloat(exponent))
        exponent = arith::SIToFPOp::create(b, loc, base.getType(), exponent);
      else if (exponent.getType() != base.getType())
        exponent = convertScalar(b, loc, exponent, exponent.getType(),
                                 base.getType(), base.getType());
      return math::PowFOp::create(b, loc, base, exponent);
    }
    if (isInt(base) && isInt(exponent)) {
      if (exponent.getType() != base.getType())
        exponent = convertScalar(b, loc, exponent, exponent.getType(),
                                 base.getType(), base.getType());
      return math::IPowIOp::create(b, loc, base, exponent);
    }
    if (isInt(base) && isFloat(exponent)) {
      Value fb = arith::SIToFPOp::create(b, loc, exponent.getType(), base);
      Value r = math::PowFOp::create(b, loc, fb, exponent);
      return arith::FPToSIOp::create(b, loc, base.getType(), r);
    }
    return nullptr;
  });
  add("onnx.Max", variadic([](OpBuilder &b, Location loc, ValueRange a,
                              const ScalarContext &ctx) -> Value {
        return maxOf(b, loc, a[0], a[1], ctx.isUnsigned());
      }));
  add("onnx.Min", variadic([](OpBuilder &b, Location loc, ValueRange a,
                              const ScalarContext &ctx) -> Value {
        return minOf(b, loc, a[0], a[1], ctx.isUnsigned());
      }));
  add("onnx.Sum", variadic(arithBinary<arith::AddFOp, arith::AddIOp>()));
  add("onnx.Mean", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value acc = a[0];
    for (Value next : a.drop_front())
      acc = arith::AddFOp::create(b, loc, acc, next);
    return arith::DivFOp::create(
        b, loc, acc, constantLike(b, loc, acc, static_cast<double>(a.size())));
  });

  // Comparisons and logic.
  add("onnx.Equal", comparison(P::OEQ, I::eq, I::eq));
  add("onnx.Less", comparison(P::OLT, I::slt, I::ult));
  add("onnx.LessOrEqual", comparison(P::OLE, I::sle, I::ule));
  add("onnx.Greater", comparison(P::OGT, I::sgt, I::ugt));
  add("onnx.GreaterOrEqual", comparison(P::OGE, I::sge, I::uge));
  add("onnx.And", arithBinary<arith::AndIOp, arith::AndIOp>());
  add("onnx.Or", arithBinary<arith::OrIOp, arith::OrIOp>());
  add("onnx.Xor", arithBinary<arith::XOrIOp, arith::XOrIOp>());
  add("onnx.Not", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &) -> Value {
    return arith::XOrIOp::create(b, loc, a[0], constantLike(b, loc, a[0], 1));
  });
  add("onnx.Where", [](OpBuilder &b, Location loc, ValueRange a,
                       const ScalarContext &) -> Value {
    return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
  });
  add("onnx.BitShift", [](OpBuilder &b, Location loc, ValueRange a,
                          const ScalarContext &ctx) -> Value {
    auto direction = ctx.op->getAttrOfType<StringAttr>("direction");
    if (!isInt(a[0]) || !direction)
      return nullptr;
    if (direction.getValue() == "LEFT")
      return arith::ShLIOp::create(b, loc, a[0], a[1]);
    return arith::ShRUIOp::create(b, loc, a[0], a[1]);
  });

  // Unary math.
  add("onnx.Abs", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &ctx) -> Value {
    if (isFloat(a[0]))
      return math::AbsFOp::create(b, loc, a[0]);
    if (ctx.isUnsigned())
      return a[0];
    return math::AbsIOp::create(b, loc, a[0]);
  });
  add("onnx.Neg", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &) -> Value {
    if (isFloat(a[0]))
      return arith::NegFOp::create(b, loc, a[0]);
    return arith::SubIOp::create(b, loc, constantLike(b, loc, a[0], 0), a[0]);
  });
  add("onnx.Exp", floatUnary<math::ExpOp>());
  add("onnx.Log", floatUnary<math::LogOp>());
  add("onnx.Sqrt", floatUnary<math::SqrtOp>());
  add("onnx.Tanh", floatUnary<math::TanhOp>());
  add("onnx.Sin", floatUnary<math::SinOp>());
  add("onnx.Cos", floatUnary<math::CosOp>());
  add("onnx.Tan", floatUnary<math::TanOp>());
  add("onnx.Asin", floatUnary<math::AsinOp>());
  add("onnx.Acos", floatUnary<math::AcosOp>());
  add("onnx.Atan", floatUnary<math::AtanOp>());
  add("onnx.Sinh", floatUnary<math::SinhOp>());
  add("onnx.Cosh", floatUnary<math::CoshOp>());
  add("onnx.Asinh", floatUnary<math::AsinhOp>());
  add("onnx.Acosh", floatUnary<math::AcoshOp>());
  add("onnx.Atanh", floatUnary<math::AtanhOp>());
  add("onnx.Erf", floatUnary<math::ErfOp>());
  add("onnx.Ceil", floatUnary<math::CeilOp>());
  add("onnx.Floor", floatUnary<math::FloorOp>());
  add("onnx.Round", floatUnary<math::RoundEvenOp>()); // half to even
  add("onnx.Reciprocal", [](OpBuilder &b, Location loc, ValueRange a,
                            const ScalarContext &) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    return arith::DivFOp::create(b, loc, constantLike(b, loc, a[0], 1.0), a[0]);
  });
  add("onnx.Sign", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    Value zero = constantLike(b, loc, a[0], 0), one = constantLike(b, loc, a[0], 1),
          minus = constantLike(b, loc, a[0], -1);
    Value pos, neg;
    if (isFloat(a[0])) {
      pos = arith::CmpFOp::create(b, loc, P::OGT, a[0], zero);
      neg = arith::CmpFOp::create(b, loc, P::OLT, a[0], zero);
    } else {
      pos = arith::CmpIOp::create(b, loc, ctx.isUnsigned() ? I::ugt : I::sgt,
                                  a[0], zero);
      neg = ctx.isUnsigned()
                ? Value(arith::ConstantOp::create(b, loc, b.getBoolAttr(false)))
                : Value(arith::CmpIOp::create(b, loc, I::slt, a[0], zero));
    }
    Value r = arith::SelectOp::create(b, loc, neg, minus, zero);
    r = arith::SelectOp::create(b, loc, pos, one, r);
    // NaN keeps NaN.
    if (isFloat(a[0])) {
      Value nan = arith::CmpFOp::create(b, loc, P::UNO, a[0], a[0]);
      r = arith::SelectOp::create(b, loc, nan, a[0], r);
    }
    return r;
  });
  add("onnx.IsNaN", [](OpBuilder &b, Location loc, ValueRange a,
                       const ScalarContext &) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    return arith::CmpFOp::create(b, loc, P::UNO, a[0], a[0]);
  });
  add("onnx.IsInf", [](OpBuilder &b, Location loc, ValueRange a,
                       const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    auto type = cast<FloatType>(a[0].getType());
    Value inf = arith::ConstantOp::create(
        b, loc, b.getFloatAttr(type, APFloat::getInf(type.getFloatSemantics())));
    Value negInf = arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(type, APFloat::getInf(type.getFloatSemantics(), true)));
    Value isPos = arith::CmpFOp::create(b, loc, P::OEQ, a[0], inf);
    Value isNeg = arith::CmpFOp::create(b, loc, P::OEQ, a[0], negInf);
    Value f = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
    if (!ctx.intAttr("detect_positive", 1))
      isPos = f;
    if (!ctx.intAttr("detect_negative", 1))
      isNeg = f;
    return arith::OrIOp::create(b, loc, isPos, isNeg);
  });

  // Activations.
  add("onnx.Relu", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    Value zero = constantLike(b, loc, a[0], 0);
    if (!isFloat(a[0]))
      return maxOf(b, loc, a[0], zero, ctx.isUnsigned());
    // x < 0 ? 0 : x keeps NaN, and vectorizes to a compare and a blend.
    Value negative = arith::CmpFOp::create(b, loc, P::OLT, a[0], zero);
    return arith::SelectOp::create(b, loc, negative, zero, a[0]);
  });
  add("onnx.Sigmoid", [](OpBuilder &b, Location loc, ValueRange a,
                         const ScalarContext &) -> Value {
    return isFloat(a[0]) ? sigmoid(b, loc, a[0]) : Value();
  });
  add("onnx.LeakyRelu", [](OpBuilder &b, Location loc, ValueRange a,
                           const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha = constantLike(b, loc, a[0], ctx.floatAttr("alpha", 0.01f));
    Value neg = arith::CmpFOp::create(b, loc, P::OLT, a[0],
                                      constantLike(b, loc, a[0], 0));
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulFOp::create(b, loc, alpha, a[0]),
                                   a[0]);
  });
  add("onnx.PRelu", [](OpBuilder &b, Location loc, ValueRange a,
                       const ScalarContext &ctx) -> Value {
    Value zero = constantLike(b, loc, a[0], 0);
    if (isFloat(a[0])) {
      Value neg = arith::CmpFOp::create(b, loc, P::OLT, a[0], zero);
      return arith::SelectOp::create(
          b, loc, neg, arith::MulFOp::create(b, loc, a[1], a[0]), a[0]);
    }
    Value neg = arith::CmpIOp::create(b, loc, I::slt, a[0], zero);
    return arith::SelectOp::create(
        b, loc, neg, arith::MulIOp::create(b, loc, a[1], a[0]), a[0]);
  });
  add("onnx.Elu", [](OpBuilder &b, Location loc, ValueRange a,
                     const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha = constantLike(b, loc, a[0], ctx.floatAttr("alpha", 1.0f));
    Value one = constantLike(b, loc, a[0], 1.0);
    Value em1 = arith::SubFOp::create(b, loc,
                                      math::ExpOp::create(b, loc, a[0]), one);
    Value neg = arith::CmpFOp::create(b, loc, P::OLT, a[0],
                                      constantLike(b, loc, a[0], 0));
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulFOp::create(b, loc, alpha, em1),
                                   a[0]);
  });
  add("onnx.Selu", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha =
        constantLike(b, loc, a[0], ctx.floatAttr("alpha", 1.67326319217681884765625f));
    Value gamma =
        constantLike(b, loc, a[0], ctx.floatAttr("gamma", 1.05070102214813232421875f));
    Value one = constantLike(b, loc, a[0], 1.0);
    Value em1 = arith::SubFOp::create(b, loc,
                                      math::ExpOp::create(b, loc, a[0]), one);
    Value negPart = arith::MulFOp::create(b, loc, alpha, em1);
    Value pos = arith::CmpFOp::create(b, loc, P::OGT, a[0],
                                      constantLike(b, loc, a[0], 0));
    Value r = arith::SelectOp::create(b, loc, pos, a[0], negPart);
    return arith::MulFOp::create(b, loc, gamma, r);
  });
  add("onnx.HardSigmoid", [](OpBuilder &b, Location loc, ValueRange a,
                             const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha = constantLike(b, loc, a[0], ctx.floatAttr("alpha", 0.2f));
    Value beta = constantLike(b, loc, a[0], ctx.floatAttr("beta", 0.5f));
    Value v = arith::AddFOp::create(b, loc,
                                    arith::MulFOp::create(b, loc, alpha, a[0]),
                                    beta);
    v = arith::MaximumFOp::create(b, loc, v, constantLike(b, loc, v, 0));
    return arith::MinimumFOp::create(b, loc, v, constantLike(b, loc, v, 1));
  });
  add("onnx.HardSwish", [](OpBuilder &b, Location loc, ValueRange a,
                           const ScalarContext &) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value v = arith::AddFOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, constantLike(b, loc, a[0], 1.0 / 6.0),
                              a[0]),
        constantLike(b, loc, a[0], 0.5));
    v = arith::MaximumFOp::create(b, loc, v, constantLike(b, loc, v, 0));
    v = arith::MinimumFOp::create(b, loc, v, constantLike(b, loc, v, 1));
    return arith::MulFOp::create(b, loc, a[0], v);
  });
  add("onnx.Softplus", [](OpBuilder &b, Location loc, ValueRange a,
                          const ScalarContext &) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, a[0]));
  });
  add("onnx.Softsign", [](OpBuilder &b, Location loc, ValueRange a,
                          const ScalarContext &) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value denom = arith::AddFOp::create(b, loc, constantLike(b, loc, a[0], 1.0),
                                        math::AbsFOp::create(b, loc, a[0]));
    return arith::DivFOp::create(b, loc, a[0], denom);
  });
  add("onnx.ThresholdedRelu", [](OpBuilder &b, Location loc, ValueRange a,
                                 const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha = constantLike(b, loc, a[0], ctx.floatAttr("alpha", 1.0f));
    Value gt = arith::CmpFOp::create(b, loc, P::OGT, a[0], alpha);
    return arith::SelectOp::create(b, loc, gt, a[0],
                                   constantLike(b, loc, a[0], 0));
  });
  add("onnx.Celu", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value alpha = constantLike(b, loc, a[0], ctx.floatAttr("alpha", 1.0f));
    Value zero = constantLike(b, loc, a[0], 0);
    Value e = arith::SubFOp::create(
        b, loc,
        math::ExpOp::create(b, loc, arith::DivFOp::create(b, loc, a[0], alpha)),
        constantLike(b, loc, a[0], 1.0));
    Value negPart = arith::MinimumFOp::create(
        b, loc, zero, arith::MulFOp::create(b, loc, alpha, e));
    return arith::AddFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, zero, a[0]), negPart);
  });

  add("onnx.Shrink", [](OpBuilder &b, Location loc, ValueRange a,
                        const ScalarContext &ctx) -> Value {
    if (!isFloat(a[0]))
      return nullptr;
    Value lambd = constantLike(b, loc, a[0], ctx.floatAttr("lambd", 0.5f));
    Value bias = constantLike(b, loc, a[0], ctx.floatAttr("bias", 0.0f));
    Value negLambd = arith::NegFOp::create(b, loc, lambd);
    Value below = arith::CmpFOp::create(b, loc, P::OLT, a[0], negLambd);
    Value above = arith::CmpFOp::create(b, loc, P::OGT, a[0], lambd);
    Value r = arith::SelectOp::create(b, loc, above,
                                      arith::SubFOp::create(b, loc, a[0], bias),
                                      constantLike(b, loc, a[0], 0));
    return arith::SelectOp::create(
        b, loc, below, arith::AddFOp::create(b, loc, a[0], bias), r);
  });

  // Clip(x, min?, max?): the optional bounds are rank-0 operands.
  add("onnx.Clip", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    auto segments =
        ctx.op->getAttrOfType<DenseI32ArrayAttr>("operandSegmentSizes");
    Value v = a[0];
    unsigned next = 1;
    bool hasMin = segments ? segments[1] > 0 : a.size() > 1;
    bool hasMax = segments ? segments[2] > 0 : a.size() > 2;
    if (hasMin)
      v = maxOf(b, loc, v, a[next++], ctx.isUnsigned());
    if (hasMax)
      v = minOf(b, loc, v, a[next++], ctx.isUnsigned());
    return v;
  });

  add("onnx.Cast", [](OpBuilder &b, Location loc, ValueRange a,
                      const ScalarContext &ctx) -> Value {
    return convertScalar(b, loc, a[0], ctx.operandElement, ctx.resultElement,
                         ctx.convertedResultElement);
  });
  return table;
}

} // namespace

void smelt::populateONNXElementwiseToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  for (auto &[name, body] : elementwiseBodies())
    patterns.add<ElementwiseLowering>(converter, patterns.getContext(), name,
                                      body);
}
