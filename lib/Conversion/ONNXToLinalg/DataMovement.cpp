//===- DataMovement.cpp - onnx rearrangements to linalg -------------------===//
//
// Ops that only move elements are one linalg.generic over the result whose
// body computes, from linalg.index, where each element comes from and
// reads it with tensor.extract. The result shape is static (ONNX's shape
// inference), so only offsets and steps need the ops' constant operands.
//
// Here: Expand, Tile, Trilu, DepthToSpace, SpaceToDepth, ReverseSequence
// and CastLike; the gathers, slices, generators and Resize have files of
// their own.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "DataMovementUtils.h"
#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

struct ExpandLowering : OpConversionPattern<smelt::onnx::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{adaptor.getInput()});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, buildBroadcastElementwise(
                               rewriter, op.getLoc(), resultType,
                               ValueRange{adaptor.getInput()},
                               [](OpBuilder &, Location, ValueRange a) {
                                 return a[0];
                               }));
    return success();
  }
};

struct TileLowering : OpConversionPattern<smelt::onnx::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(input.getType());
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src;
                           for (auto [d, i] : llvm::enumerate(idx))
                             src.push_back(arith::RemUIOp::create(
                                 b, l, i,
                                 indexConstant(b, l, type.getDimSize(d))));
                           return tensor::ExtractOp::create(b, l, input, src);
                         }));
    return success();
  }
};

struct CastLikeLowering : OpConversionPattern<smelt::onnx::CastLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::CastLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{adaptor.getInput()});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type from = elementTypeOf(op.getInput().getType());
    Type to = elementTypeOf(op.getOutput().getType());
    bool supported = true;
    Value result = buildBroadcastElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = convertScalar(b, l, a[0], from, to,
                                  resultType.getElementType());
          supported &= v != nullptr;
          return v ? v : a[0];
        });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "unsupported cast");
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TriluLowering : OpConversionPattern<smelt::onnx::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType || resultType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs static shapes, rank >= 2");
    // k is read when the model runs (it may be a graph input).
    Location loc = op.getLoc();
    Value k;
    if (Value kv = adaptor.getK()) {
      Value raw = tensor::ExtractOp::create(rewriter, loc, kv, ValueRange{});
      k = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                     raw);
    } else {
      k = indexConstant(rewriter, loc, 0);
    }
    bool upper = op.getUpper() != 0;
    int64_t rank = resultType.getRank();
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value row = idx[rank - 2], col = idx[rank - 1];
                           Value diff = arith::SubIOp::create(b, l, col, row);
                           Value keep = arith::CmpIOp::create(
                               b, l,
                               upper ? arith::CmpIPredicate::sge
                                     : arith::CmpIPredicate::sle,
                               diff, k);
                           Value v = tensor::ExtractOp::create(b, l, input, idx);
                           return arith::SelectOp::create(
                               b, l, keep, v,
                               createScalarConstant(b, l, element, 0.0));
                         }));
    return success();
  }
};

/// DepthToSpace (DCR and CRD) and SpaceToDepth on NCHW.
template <typename OpTy, bool toSpace>
struct DepthSpaceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*this->getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType || resultType.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "needs static NCHW");
    int64_t bs = op.getBlocksize();
    bool crd = false;
    if constexpr (toSpace)
      crd = op.getMode() == "CRD";
    int64_t outC = resultType.getDimSize(1);
    int64_t inC = cast<RankedTensorType>(input.getType()).getDimSize(1);
    rewriter.replaceOp(
        op,
        buildIndexed(
            rewriter, op.getLoc(), resultType,
            [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
              auto c = [&](int64_t v) { return indexConstant(b, l, v); };
              Value n = idx[0], ch = idx[1], h = idx[2], w = idx[3];
              Value bsV = c(bs);
              if (toSpace) {
                // out[n, ch, h, w] = in[n, channel(ch, h % bs, w % bs), h / bs, w / bs]
                Value bh = arith::RemUIOp::create(b, l, h, bsV);
                Value bw = arith::RemUIOp::create(b, l, w, bsV);
                Value ih = arith::DivUIOp::create(b, l, h, bsV);
                Value iw = arith::DivUIOp::create(b, l, w, bsV);
                Value block = arith::AddIOp::create(
                    b, l, arith::MulIOp::create(b, l, bh, bsV), bw);
                Value src;
                if (crd)
                  src = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, ch, c(bs * bs)), block);
                else
                  src = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, block, c(outC)), ch);
                return tensor::ExtractOp::create(b, l, input,
                                                 ValueRange{n, src, ih, iw});
              }
              // SpaceToDepth: out[n, ch, h, w] with ch = block * inC + c.
              Value block = arith::DivUIOp::create(b, l, ch, c(inC));
              Value ic = arith::RemUIOp::create(b, l, ch, c(inC));
              Value bh = arith::DivUIOp::create(b, l, block, bsV);
              Value bw = arith::RemUIOp::create(b, l, block, bsV);
              Value ih = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, h, bsV), bh);
              Value iw = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, w, bsV), bw);
              return tensor::ExtractOp::create(b, l, input,
                                               ValueRange{n, ic, ih, iw});
            }));
    return success();
  }
};

/// ReverseSequence: the first sequence_lens[b] steps of each batch entry
/// are reversed along the time axis; the rest stay.
struct ReverseSequenceLowering
    : OpConversionPattern<smelt::onnx::ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput(), lens = adaptor.getSequenceLens();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input, lens});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value len = arith::IndexCastOp::create(
                               b, l, b.getIndexType(),
                               tensor::ExtractOp::create(
                                   b, l, lens, ValueRange{idx[batchAxis]}));
                           Value t = idx[timeAxis];
                           Value inside = arith::CmpIOp::create(
                               b, l, arith::CmpIPredicate::slt, t, len);
                           Value mirrored = arith::SubIOp::create(
                               b, l,
                               arith::SubIOp::create(b, l, len,
                                                     indexConstant(b, l, 1)),
                               t);
                           SmallVector<Value> src(idx.begin(), idx.end());
                           src[timeAxis] =
                               arith::SelectOp::create(b, l, inside, mirrored, t);
                           return tensor::ExtractOp::create(b, l, input, src);
                         }));
    return success();
  }
};

} // namespace

void smelt::populateONNXDataMovementToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ExpandLowering, TileLowering, CastLikeLowering, TriluLowering,
               DepthSpaceLowering<smelt::onnx::DepthToSpaceOp, true>,
               DepthSpaceLowering<smelt::onnx::SpaceToDepthOp, false>,
               ReverseSequenceLowering>(converter, patterns.getContext());
}
