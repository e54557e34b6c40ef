//===- SplitNarrowMasks.cpp - smelt-cpu-split-narrow-masks ------------------===//
//
// A masked load or store of bytes or 16-bit words on a target without
// AVX-512BW has no instruction: LLVM moves each active lane on its own (a
// 2x2 u8 max pooling on AVX2 ran 14 vpinsrb and 14 vpextrb per row). The
// kernels' masks are constant prefixes (a row's first p lanes), so each
// becomes the unmasked loads or stores of p's power-of-two pieces.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUSPLITNARROWMASKSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The number of leading true lanes of `mask` when it is a constant of
/// that form with at least one lane on and one off.
std::optional<int64_t> constantPrefix(Value mask) {
  DenseElementsAttr bits;
  if (!matchPattern(mask, m_Constant(&bits)))
    return std::nullopt;
  SmallVector<bool> lanes(bits.getValues<bool>());
  int64_t prefix = 0;
  while (prefix < static_cast<int64_t>(lanes.size()) && lanes[prefix])
    ++prefix;
  for (int64_t l = prefix; l < static_cast<int64_t>(lanes.size()); ++l)
    if (lanes[l])
      return std::nullopt;
  if (prefix == 0 || prefix == static_cast<int64_t>(lanes.size()))
    return std::nullopt;
  return prefix;
}

/// The active lanes of a masked access of `type` under `mask` when it is
/// split: one dimension of elements narrower than 32 bits, and a constant
/// prefix mask.
std::optional<int64_t> splitLanes(VectorType type, Value mask) {
  if (type.getRank() != 1 || type.isScalable() ||
      type.getElementTypeBitWidth() >= 32)
    return std::nullopt;
  return constantPrefix(mask);
}

/// The offsets and lengths of `prefix`'s power-of-two pieces, largest first.
SmallVector<std::pair<int64_t, int64_t>> pieces(int64_t prefix) {
  SmallVector<std::pair<int64_t, int64_t>> out;
  int64_t at = 0;
  for (int64_t size = llvm::PowerOf2Ceil(prefix + 1) / 2; size; size /= 2)
    if (prefix - at >= size) {
      out.push_back({at, size});
      at += size;
    }
  return out;
}

/// The access's indices with the innermost moved on by `offset`.
SmallVector<Value> shifted(OpBuilder &b, Location loc, ValueRange indices,
                           int64_t offset) {
  SmallVector<Value> at(indices.begin(), indices.end());
  if (offset)
    at.back() = arith::AddIOp::create(
        b, loc, at.back(), arith::ConstantIndexOp::create(b, loc, offset));
  return at;
}

struct SplitMaskedLoad : OpRewritePattern<vector::MaskedLoadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MaskedLoadOp op,
                                PatternRewriter &rewriter) const override {
    VectorType type = op.getVectorType();
    std::optional<int64_t> prefix = splitLanes(type, op.getMask());
    if (!prefix)
      return failure();
    Location loc = op.getLoc();
    Value result = op.getPassThru();
    for (auto [offset, size] : pieces(*prefix)) {
      Value piece = vector::LoadOp::create(
          rewriter, loc, VectorType::get({size}, type.getElementType()),
          op.getBase(), shifted(rewriter, loc, op.getIndices(), offset));
      result = vector::InsertStridedSliceOp::create(rewriter, loc, piece,
                                                    result, offset, 1);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SplitMaskedStore : OpRewritePattern<vector::MaskedStoreOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MaskedStoreOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<int64_t> prefix =
        splitLanes(op.getVectorType(), op.getMask());
    if (!prefix)
      return failure();
    Location loc = op.getLoc();
    for (auto [offset, size] : pieces(*prefix)) {
      Value piece = vector::ExtractStridedSliceOp::create(
          rewriter, loc, op.getValueToStore(), offset, size, 1);
      vector::StoreOp::create(rewriter, loc, piece, op.getBase(),
                              shifted(rewriter, loc, op.getIndices(), offset));
    }
    rewriter.eraseOp(op);
    return success();
  }
};

struct CPUSplitNarrowMasksPass
    : smelt::impl::CPUSplitNarrowMasksPassBase<CPUSplitNarrowMasksPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SplitMaskedLoad, SplitMaskedStore>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
