//===- MatMul.cpp - onnx MatMul and Gemm to linalg ------------------------===//
//
// Plain 2-D products become linalg.matmul (which the CPU pipeline tiles and
// vectorizes); batched products with numpy broadcasting and 1-D operands
// become the equivalent linalg.generic with a reduction dimension.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
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

/// C[batch.., m, n] += A[batch.., m, k] * B[batch.., k, n] with numpy
/// broadcasting of the batch dimensions and ONNX's 1-D promotion rules.
Value buildMatMul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  RankedTensorType resultType, bool isUnsigned) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  Value init = zeroFilled(b, loc, resultType);
  if (lhsType.getRank() == 2 && rhsType.getRank() == 2 &&
      lhsType.getElementType() == resultType.getElementType() &&
      rhsType.getElementType() == resultType.getElementType())
    return linalg::MatmulOp::create(b, loc, TypeRange{resultType},
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

struct MatMulLowering : OpConversionPattern<smelt::onnx::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    auto lhsType = dyn_cast<RankedTensorType>(adaptor.getA().getType());
    auto rhsType = dyn_cast<RankedTensorType>(adaptor.getB().getType());
    if (!resultType || !lhsType || !rhsType || !lhsType.hasStaticShape() ||
        !rhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, buildMatMul(rewriter, op.getLoc(), adaptor.getA(),
                                       adaptor.getB(), resultType,
                                       isUnsignedElement(op.getA().getType())));
    return success();
  }
};

/// Y = alpha * A' * B' + beta * C, A' and B' optionally transposed.
struct GemmLowering : OpConversionPattern<smelt::onnx::GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!resultType || !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs a static float result");
    Type element = resultType.getElementType();
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = rewriter.getAffineDimExpr(0), n = rewriter.getAffineDimExpr(1),
               k = rewriter.getAffineDimExpr(2);
    bool transA = op.getTransA() != 0, transB = op.getTransB() != 0;
    SmallVector<AffineMap> maps = {
        AffineMap::get(3, 0, transA ? ArrayRef<AffineExpr>{k, m}
                                    : ArrayRef<AffineExpr>{m, k}, ctx),
        AffineMap::get(3, 0, transB ? ArrayRef<AffineExpr>{n, k}
                                    : ArrayRef<AffineExpr>{k, n}, ctx),
        AffineMap::get(3, 0, {m, n}, ctx)};
    Value product;
    if (!transA && !transB) {
      product = linalg::MatmulOp::create(
                    rewriter, loc, TypeRange{resultType},
                    ValueRange{adaptor.getA(), adaptor.getB()},
                    ValueRange{zeroFilled(rewriter, loc, resultType)})
                    .getResult(0);
    } else {
      product =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{resultType},
              ValueRange{adaptor.getA(), adaptor.getB()},
              ValueRange{zeroFilled(rewriter, loc, resultType)}, maps,
              {utils::IteratorType::parallel, utils::IteratorType::parallel,
               utils::IteratorType::reduction},
              [&](OpBuilder &nb, Location nl, ValueRange args) {
                linalg::YieldOp::create(
                    nb, nl,
                    multiplyAccumulate(nb, nl, args[0], args[1], args[2],
                                       false));
              })
              .getResult(0);
    }
    float alpha = op.getAlpha().convertToFloat();
    float beta = op.getBeta().convertToFloat();
    Value c = adaptor.getC();
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
};

} // namespace

void smelt::populateONNXMatMulToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<MatMulLowering, GemmLowering>(converter, patterns.getContext());
}
