//===- Loss.cpp - onnx NegativeLogLikelihoodLoss and SoftmaxCrossEntropy --===//
//
// loss[n, d...] = -input[n, target[n, d...], d...] * weight[target], zero
// where the target is ignore_index; then no reduction, a sum, or a mean
// weighted by the weights that took part. SoftmaxCrossEntropyLoss is the
// same after a LogSoftmax over the class dimension.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// One element per target position: the weighted loss, or the weight used.
Value perTarget(OpBuilder &b, Location loc, Value logProb, Value target,
                Value weight, std::optional<int64_t> ignoreIndex,
                bool wantWeight) {
  auto targetType = cast<RankedTensorType>(target.getType());
  Type element = cast<RankedTensorType>(logProb.getType()).getElementType();
  auto type = RankedTensorType::get(targetType.getShape(), element);
  int64_t rank = type.getRank();
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(), element);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{empty},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> idx;
               for (int64_t d = 0; d < rank; ++d)
                 idx.push_back(linalg::IndexOp::create(nb, l, d));
               Value t = tensor::ExtractOp::create(nb, l, target, idx);
               Value ignored = arith::ConstantOp::create(nb, l,
                                                         nb.getBoolAttr(false));
               if (ignoreIndex)
                 ignored = arith::CmpIOp::create(
                     nb, l, arith::CmpIPredicate::eq, t,
                     createScalarConstant(nb, l, t.getType(), *ignoreIndex));
               Value zeroT = createScalarConstant(nb, l, t.getType(), 0);
               Value safe = arith::SelectOp::create(nb, l, ignored, zeroT, t);
               Value cls =
                   arith::IndexCastOp::create(nb, l, nb.getIndexType(), safe);
               Value w = weight ? Value(tensor::ExtractOp::create(
                                      nb, l, weight, ValueRange{cls}))
                                : createScalarConstant(nb, l, element, 1.0);
               Value zero = createScalarConstant(nb, l, element, 0.0);
               w = arith::SelectOp::create(nb, l, ignored, zero, w);
               if (wantWeight) {
                 linalg::YieldOp::create(nb, l, w);
                 return;
               }
               SmallVector<Value> at = {idx[0], cls};
               at.append(idx.begin() + 1, idx.end());
               Value v = tensor::ExtractOp::create(nb, l, logProb, at);
               Value loss = arith::NegFOp::create(
                   nb, l, arith::MulFOp::create(nb, l, v, w));
               linalg::YieldOp::create(nb, l, loss);
             })
      .getResult(0);
}

Value sumAll(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    axes.push_back(d);
  return reduce(b, loc, v, axes,
                createScalarConstant(b, loc, type.getElementType(), 0.0),
                [](OpBuilder &nb, Location l, Value x, Value acc) -> Value {
                  return arith::AddFOp::create(nb, l, acc, x);
                });
}

/// The loss with its reduction applied; null for an unknown reduction.
Value reduceLoss(OpBuilder &b, Location loc, Value logProb, Value target,
                 Value weight, std::optional<int64_t> ignoreIndex,
                 StringRef reduction) {
  Value loss = perTarget(b, loc, logProb, target, weight, ignoreIndex, false);
  if (reduction == "none")
    return loss;
  Value total = sumAll(b, loc, loss);
  if (reduction == "sum")
    return total;
  if (reduction != "mean")
    return nullptr;
  Value weights =
      sumAll(b, loc, perTarget(b, loc, logProb, target, weight, ignoreIndex,
                               true));
  return buildBroadcastElementwise(
      b, loc, cast<RankedTensorType>(total.getType()),
      ValueRange{total, weights},
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        return arith::DivFOp::create(nb, l, a[0], a[1]);
      });
}

bool allStatic(ValueRange values) {
  return llvm::all_of(values, [](Value v) {
    auto t = dyn_cast_or_null<RankedTensorType>(v ? v.getType() : Type());
    return !v || (t && t.hasStaticShape());
  });
}

struct NLLLossLowering
    : OpConversionPattern<smelt::onnx::NegativeLogLikelihoodLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::NegativeLogLikelihoodLossOp op,
                  OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getLoss().getType());
    if (!resultType || !allStatic({adaptor.getInput(), adaptor.getTarget(),
                                   adaptor.getWeight()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    std::optional<int64_t> ignore;
    if (auto attr = op.getIgnoreIndexAttr())
      ignore = attr.getInt();
    Value loss = reduceLoss(rewriter, op.getLoc(), adaptor.getInput(),
                            adaptor.getTarget(), adaptor.getWeight(), ignore,
                            op.getReduction());
    if (!loss)
      return rewriter.notifyMatchFailure(op, "unknown reduction");
    rewriter.replaceOp(op, reshapeToStatic(rewriter, op.getLoc(), loss,
                                           resultType));
    return success();
  }
};

struct SoftmaxCrossEntropyLowering
    : OpConversionPattern<smelt::onnx::SoftmaxCrossEntropyLossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::SoftmaxCrossEntropyLossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    auto scoresType = dyn_cast<RankedTensorType>(adaptor.getScores().getType());
    if (!resultType || !scoresType || scoresType.getRank() < 2 ||
        !allStatic({adaptor.getScores(), adaptor.getLabels(),
                    adaptor.getWeights()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    Value logProb =
        buildSoftmax(rewriter, loc, adaptor.getScores(), 1, /*log=*/true);
    std::optional<int64_t> ignore;
    if (auto attr = op.getIgnoreIndexAttr())
      ignore = attr.getInt();
    Value loss = reduceLoss(rewriter, loc, logProb, adaptor.getLabels(),
                            adaptor.getWeights(), ignore, op.getReduction());
    if (!loss)
      return rewriter.notifyMatchFailure(op, "unknown reduction");
    SmallVector<Value> results = {
        reshapeToStatic(rewriter, loc, loss, resultType)};
    if (op.getLogProb())
      results.push_back(logProb);
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void smelt::populateONNXLossToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<NLLLossLowering, SoftmaxCrossEntropyLowering>(
      converter, patterns.getContext());
}
