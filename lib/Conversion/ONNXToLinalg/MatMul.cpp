//===- MatMul.cpp - onnx MatMul and Gemm to linalg ------------------------===//
//
// Plain 2-D products become linalg.matmul (which the CPU pipeline tiles and
// vectorizes); batched products with numpy broadcasting and 1-D operands
// become the equivalent linalg.generic with a reduction dimension.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <map>

using namespace mlir;
using namespace smelt::detail;

namespace {

/// A zero tensor of `type`; `size(d)` gives its dynamic dimensions.
Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                 llvm::function_ref<Value(int64_t)> size) {
  Value init = emptyTensor(b, loc, type, size);
  Value zero = createScalarConstant(b, loc, type.getElementType(), 0.0);
  return linalg::FillOp::create(b, loc, zero, init).getResult(0);
}

/// acc + a * b, extending narrower integer operands to the accumulator.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value a, Value x,
                         Value acc, bool isUnsigned) {
  Type accType = acc.getType();
  auto widen = [&](Value v) -> Value {
    if (v.getType() == accType)
      return v;
    if (isa<FloatType>(accType))
      return arith::ExtFOp::create(b, loc, accType, v);
    if (isUnsigned)
      return arith::ExtUIOp::create(b, loc, accType, v);
    return arith::ExtSIOp::create(b, loc, accType, v);
  };
  a = widen(a);
  x = widen(x);
  if (isa<FloatType>(accType))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, a, x));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, a, x));
}

/// C[m, n] += A[m, k] * B[k, n] (either operand transposed), iterated as
/// (m, k, n): once lowered to loops, the innermost loop runs along a row of
/// B and of C with one element of A, which LLVM vectorizes; each C element
/// still sums over k in order.
Value buildMatMul2D(OpBuilder &b, Location loc, Value lhs, Value rhs,
                    Value init, bool transA, bool transB, bool isUnsigned) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m = b.getAffineDimExpr(0), k = b.getAffineDimExpr(1),
             n = b.getAffineDimExpr(2);
  SmallVector<AffineMap> maps = {
      AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{k, m}
                                  : ArrayRef<AffineExpr>{m, k}, ctx),
      AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{n, k}
                                  : ArrayRef<AffineExpr>{k, n}, ctx),
      AffineMap::get(3, 0, {m, n}, ctx)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
             ValueRange{init}, maps,
             {utils::IteratorType::parallel, utils::IteratorType::reduction,
              utils::IteratorType::parallel},
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl,
                   multiplyAccumulate(nb, nl, args[0], args[1], args[2],
                                      isUnsigned));
             })
      .getResult(0);
}

/// C = init + A * B for 2-D operands: linalg.matmul when `named` and the
/// operands are of C's element type, else buildMatMul2D's generic.
Value contract2D(OpBuilder &b, Location loc, Value lhs, Value rhs, Value init,
                 bool isUnsigned, bool named) {
  Type element = cast<RankedTensorType>(init.getType()).getElementType();
  if (named && cast<RankedTensorType>(lhs.getType()).getElementType() == element &&
      cast<RankedTensorType>(rhs.getType()).getElementType() == element)
    return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                    ValueRange{lhs, rhs}, ValueRange{init})
        .getResult(0);
  return buildMatMul2D(b, loc, lhs, rhs, init, false, false, isUnsigned);
}

} // namespace

Value smelt::detail::buildMatMul(OpBuilder &b, Location loc, Value lhs,
                                 Value rhs, RankedTensorType resultType,
                                 bool isUnsigned, bool named) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  // Rows from the lhs, columns from the rhs, batch dimensions broadcast
  // from the two operands' batch parts.
  int64_t rank = resultType.getRank();
  bool lhsRows = lhsType.getRank() >= 2, rhsColumns = rhsType.getRank() >= 2;
  Value init = zeroFilled(b, loc, resultType, [&](int64_t d) -> Value {
    if (rhsColumns && d == rank - 1)
      return tensor::DimOp::create(b, loc, rhs, rhsType.getRank() - 1);
    if (lhsRows && d == rank - (rhsColumns ? 2 : 1))
      return tensor::DimOp::create(b, loc, lhs, lhsType.getRank() - 2);
    int64_t batchRank = rank - (lhsRows ? 1 : 0) - (rhsColumns ? 1 : 0);
    return broadcastSize(b, loc, ValueRange{lhs, rhs}, batchRank, d,
                         {lhsRows ? 2 : 1, rhsColumns ? 2 : 1});
  });
  if (lhsType.getRank() == 2 && rhsType.getRank() == 2)
    return contract2D(b, loc, lhs, rhs, init, isUnsigned, named);
  // One batch dimension, the same in both (no broadcasting).
  Type element = resultType.getElementType();
  if (named && lhsType.getRank() == 3 && rhsType.getRank() == 3 &&
      lhsType.getDimSize(0) == rhsType.getDimSize(0) &&
      lhsType.getElementType() == element &&
      rhsType.getElementType() == element)
    return linalg::BatchMatmulOp::create(b, loc, TypeRange{resultType},
                                         ValueRange{lhs, rhs}, ValueRange{init})
        .getResult(0);

  bool hasM = lhsType.getRank() >= 2, hasN = rhsType.getRank() >= 2;
  int64_t resultRank = resultType.getRank();
  int64_t batchRank = resultRank - (hasM ? 1 : 0) - (hasN ? 1 : 0);
  int64_t numDims = resultRank + 1; // plus the reduction dimension k
  int64_t mDim = batchRank, nDim = batchRank + (hasM ? 1 : 0);
  int64_t kDim = resultRank;
  MLIRContext *ctx = b.getContext();

  auto batchExprs = [&](RankedTensorType type, int64_t matrixDims) {
    SmallVector<AffineExpr> exprs;
    int64_t operandBatch = type.getRank() - matrixDims;
    int64_t offset = batchRank - operandBatch;
    for (int64_t i = 0; i < operandBatch; ++i) {
      bool broadcast = type.getDimSize(i) == 1 &&
                       resultType.getDimSize(offset + i) != 1;
      exprs.push_back(broadcast ? b.getAffineConstantExpr(0)
                                : b.getAffineDimExpr(offset + i));
    }
    return exprs;
  };
  SmallVector<AffineExpr> lhsExprs = batchExprs(lhsType, hasM ? 2 : 1);
  if (hasM)
    lhsExprs.push_back(b.getAffineDimExpr(mDim));
  lhsExprs.push_back(b.getAffineDimExpr(kDim));
  SmallVector<AffineExpr> rhsExprs = batchExprs(rhsType, hasN ? 2 : 1);
  rhsExprs.push_back(b.getAffineDimExpr(kDim));
  if (hasN)
    rhsExprs.push_back(b.getAffineDimExpr(nDim));
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < resultRank; ++i)
    outExprs.push_back(b.getAffineDimExpr(i));
  SmallVector<AffineMap> maps = {AffineMap::get(numDims, 0, lhsExprs, ctx),
                                 AffineMap::get(numDims, 0, rhsExprs, ctx),
                                 AffineMap::get(numDims, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(resultRank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl,
                   multiplyAccumulate(nb, nl, args[0], args[1], args[2],
                                      isUnsigned));
             })
      .getResult(0);
}

namespace {

struct MatMulLowering : OpConversionPattern<smelt::onnx::MatMulOp> {
  MatMulLowering(const TypeConverter &converter, MLIRContext *ctx,
                 bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getY().getType());
    auto lhsType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto rhsType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!resultType || !lhsType || !rhsType)
      return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    if (!innerDimensionsAgree(lhsType, rhsType))
      return rewriter.notifyMatchFailure(op, "the inner dimensions differ");
    rewriter.replaceOp(op, buildMatMul(rewriter, op.getLoc(), adaptor.getA(),
                                       adaptor.getB(), resultType,
                                       isUnsignedElement(op.getA().getType()),
                                       namedOps));
    return success();
  }

  bool namedOps;
};

/// Y = alpha * A' * B' + beta * C, A' and B' optionally transposed.
struct GemmLowering : OpConversionPattern<smelt::onnx::GemmOp> {
  GemmLowering(const TypeConverter &converter, MLIRContext *ctx, bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getY().getType());
    if (!resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a ranked float result");
    Type element = resultType.getElementType();
    // A transposed operand would make the inner loop stride across rows;
    // transposing it first keeps every loop contiguous.
    auto transposed = [&](Value v) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      Value init = emptyTensor(
          rewriter, loc,
          RankedTensorType::get({type.getDimSize(1), type.getDimSize(0)},
                                type.getElementType()),
          [&](int64_t d) -> Value {
            return tensor::DimOp::create(rewriter, loc, v, 1 - d);
          });
      return linalg::TransposeOp::create(rewriter, loc, v, init,
                                         ArrayRef<int64_t>{1, 0})
          .getResult()[0];
    };
    Value a = op.getTransA() != 0 ? transposed(adaptor.getA()) : adaptor.getA();
    Value bMatrix =
        op.getTransB() != 0 ? transposed(adaptor.getB()) : adaptor.getB();
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    // Rows from A', columns from B'.
    auto productSize = [&](int64_t d) -> Value {
      return tensor::DimOp::create(rewriter, loc, d == 0 ? a : bMatrix, d);
    };
    Value c = adaptor.getC();
    auto cType = c ? dyn_cast<RankedTensorType>(c.getType()) : nullptr;
    if (alpha == 1.0f && cType && cType.hasStaticShape() && beta != 0.0f) {
      // The accumulator starts at beta * C (the bias), so that an activation
      // after the Gemm can fuse with the product's kernel.
      Value init = buildBroadcastElementwise(
          rewriter, loc, resultType, ValueRange{c},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            if (beta == 1.0f)
              return args[0];
            return arith::MulFOp::create(
                b, l, createScalarConstant(b, l, element, beta), args[0]);
          },
          productSize);
      rewriter.replaceOp(op, contract2D(rewriter, loc, a, bMatrix, init,
                                        false, namedOps));
      return success();
    }
    Value product = contract2D(rewriter, loc, a, bMatrix,
                               zeroFilled(rewriter, loc, resultType,
                                          productSize),
                               false,
                               namedOps);
    if (alpha == 1.0f && (!c || beta == 0.0f)) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> operands = {product};
    if (c && beta != 0.0f) {
      auto cType = dyn_cast<RankedTensorType>(c.getType());
      if (!cType || !cType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "needs a static C");
      operands.push_back(c);
    }
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value v = args[0];
          if (alpha != 1.0f)
            v = arith::MulFOp::create(
                b, l, createScalarConstant(b, l, element, alpha), v);
          if (args.size() > 1) {
            Value cv = args[1];
            if (beta != 1.0f)
              cv = arith::MulFOp::create(
                  b, l, createScalarConstant(b, l, element, beta), cv);
            v = arith::AddFOp::create(b, l, v, cv);
          }
          return v;
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  bool namedOps;
};

/// Einsum: one linalg.generic whose dimensions are the equation's letters;
/// letters missing from the output are reduced. Ellipses are not supported.
struct EinsumLowering : OpConversionPattern<smelt::onnx::EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a static result");
    std::string equation;
    for (char ch : op.getEquation())
      if (ch != ' ')
        equation += ch;
    if (equation.find("...") != std::string::npos)
      return rewriter.notifyMatchFailure(op, "ellipses are not supported");
    StringRef eq(equation);
    auto [lhs, rhs] = eq.split("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    ValueRange inputs = adaptor.getInputs();
    if (terms.size() != inputs.size())
      return rewriter.notifyMatchFailure(op, "terms do not match the inputs");
    // Letters in order of first appearance; the implicit output is the
    // letters that appear once, sorted.
    std::string letters, output;
    std::map<char, int> counts;
    for (StringRef term : terms)
      for (char ch : term) {
        if (!counts[ch]++)
          letters += ch;
      }
    if (eq.contains("->")) {
      output = rhs.str();
    } else {
      for (auto [ch, n] : counts)
        if (n == 1)
          output += ch;
    }
    // Output letters first (parallel), then the reduced ones.
    std::string order = output;
    for (char ch : letters)
      if (output.find(ch) == std::string::npos)
        order += ch;
    std::map<char, int64_t> sizes;
    for (auto [term, input] : llvm::zip(terms, inputs)) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type || !type.hasStaticShape() ||
          type.getRank() != static_cast<int64_t>(term.size()))
        return rewriter.notifyMatchFailure(op, "needs static inputs");
      for (auto [i, ch] : llvm::enumerate(term))
        sizes[ch] = std::max(sizes[ch], type.getDimSize(i));
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t dims = order.size();
    auto mapOf = [&](StringRef term) {
      SmallVector<AffineExpr> exprs;
      for (char ch : term)
        exprs.push_back(getAffineDimExpr(order.find(ch), ctx));
      return AffineMap::get(dims, 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps;
    for (StringRef term : terms)
      maps.push_back(mapOf(term));
    maps.push_back(mapOf(output));
    SmallVector<utils::IteratorType> iterators;
    for (size_t i = 0; i < order.size(); ++i)
      iterators.push_back(i < output.size() ? utils::IteratorType::parallel
                                            : utils::IteratorType::reduction);
    Location loc = op.getLoc();
    Type element = resultType.getElementType();
    bool isFloat = isa<FloatType>(element);
    Value init = zeroFilled(rewriter, loc, resultType, nullptr);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init},
            maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value product = args[0];
              for (Value v : args.drop_front().drop_back())
                product = isFloat ? Value(arith::MulFOp::create(b, l, product, v))
                                  : Value(arith::MulIOp::create(b, l, product, v));
              Value acc = args.back();
              linalg::YieldOp::create(
                  b, l,
                  isFloat ? Value(arith::AddFOp::create(b, l, acc, product))
                          : Value(arith::AddIOp::create(b, l, acc, product)));
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// MatMulInteger: int32 products of (A - a_zero_point) and
/// (B - b_zero_point), zero points per tensor or per row / column.
struct MatMulIntegerLowering
    : OpConversionPattern<smelt::onnx::MatMulIntegerOp> {
  MatMulIntegerLowering(const TypeConverter &converter, MLIRContext *ctx,
                        const smelt::ONNXToLinalgOptions &options)
      : OpConversionPattern(converter, ctx), options(options) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::MatMulIntegerOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto aType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!resultType || !aType || !bType || !aType.hasStaticShape() ||
        !bType.hasStaticShape() || aType.getRank() != 2 ||
        bType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs static 2-D operands");
    if (!innerDimensionsAgree(aType, bType))
      return rewriter.notifyMatchFailure(op, "the inner dimensions differ");
    Location loc = op.getLoc();
    bool aUnsigned = isUnsignedElement(op.getA().getType());
    bool bUnsigned = isUnsignedElement(op.getB().getType());
    // A target's layout first (the CPU's packed int8 form), where B and
    // the zero points are constant or A's zero point is a run-time scalar
    // (DynamicQuantizeLinear's).
    auto constants = [](Value v) {
      return v ? smelt::onnx::getConstantInts(v)
               : std::optional<SmallVector<int64_t>>(SmallVector<int64_t>{0});
    };
    std::optional<SmallVector<int64_t>> weights =
        smelt::onnx::getConstantInts(op.getB());
    std::optional<SmallVector<int64_t>> az = constants(op.getAZeroPoint());
    std::optional<SmallVector<int64_t>> bz = constants(op.getBZeroPoint());
    Value runtimeZeroPoint;
    if (!az) {
      auto zpType =
          dyn_cast<RankedTensorType>(adaptor.getAZeroPoint().getType());
      if (zpType && zpType.hasStaticShape() && zpType.getNumElements() == 1 &&
          zpType.getElementType().isInteger(8)) {
        runtimeZeroPoint = adaptor.getAZeroPoint();
        az = SmallVector<int64_t>{0};
      }
    }
    if (weights && az && az->size() == 1 && bz) {
      smelt::IntegerMatMul mm{adaptor.getA(), aUnsigned, az->front(),
                              runtimeZeroPoint, *weights, bType,
                              bUnsigned,        *bz};
      if (Value y = targetMatMul(options.hooks, rewriter, loc, mm, resultType)) {
        rewriter.replaceOp(op, y);
        return success();
      }
    }
    Type i32 = resultType.getElementType();
    // Centre each operand in int32 first: x - zero_point.
    auto centre = [&](Value x, Value zp, bool isUnsigned, bool perRow) {
      auto type = cast<RankedTensorType>(x.getType());
      auto wide = RankedTensorType::get(type.getShape(), i32);
      SmallVector<Value> operands = {x};
      if (zp) {
        auto zpType = cast<RankedTensorType>(zp.getType());
        if (zpType.getRank() == 1 && zpType.getDimSize(0) > 1)
          zp = reshapeToStatic(
              rewriter, loc, zp,
              RankedTensorType::get(perRow ? ArrayRef<int64_t>{zpType.getDimSize(0), 1}
                                           : ArrayRef<int64_t>{1, zpType.getDimSize(0)},
                                    zpType.getElementType()));
        else if (zpType.getRank() == 1)
          zp = reshapeToStatic(rewriter, loc, zp,
                               RankedTensorType::get({}, zpType.getElementType()));
        operands.push_back(zp);
      }
      return buildBroadcastElementwise(
          rewriter, loc, wide, operands,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            auto extend = [&](Value v) -> Value {
              return isUnsigned ? Value(arith::ExtUIOp::create(b, l, i32, v))
                                : Value(arith::ExtSIOp::create(b, l, i32, v));
            };
            Value v = extend(a[0]);
            if (a.size() > 1)
              v = arith::SubIOp::create(b, l, v, extend(a[1]));
            return v;
          });
    };
    Value a = centre(adaptor.getA(), adaptor.getAZeroPoint(), aUnsigned, true);
    Value b = centre(adaptor.getB(), adaptor.getBZeroPoint(), bUnsigned, false);
    rewriter.replaceOp(op, buildMatMul(rewriter, loc, a, b, resultType, false,
                                       options.namedOps));
    return success();
  }

  smelt::ONNXToLinalgOptions options;
};

} // namespace

void smelt::populateONNXMatMulToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options) {
  patterns.add<EinsumLowering>(converter, patterns.getContext());
  patterns.add<MatMulLowering, GemmLowering>(converter, patterns.getContext(),
                                             options.namedOps);
  patterns.add<MatMulIntegerLowering>(converter, patterns.getContext(),
                                      options);
}
