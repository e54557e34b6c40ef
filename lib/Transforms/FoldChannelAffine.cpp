//===- FoldChannelAffine.cpp - smelt-fold-channel-affine -------------------===//
//
// Per-channel affine ops after a Conv folded into its weights and bias, as
// ONNX Runtime's graph optimizations do before its quantizer runs: the
// quantized Conv's integer output is then the folded value, with one
// rounding less, and the code after it has less to do.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Passes.h"

#include "QuantizeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace smelt {
#define GEN_PASS_DEF_SMELTFOLDCHANNELAFFINEPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {

Value makeConstant(OpBuilder &b, Location loc, ArrayRef<float> data,
                   ArrayRef<int64_t> shape, StringRef name) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return onnxConstant(b, loc, DenseElementsAttr::get(type, data), name);
}

/// A constant that broadcasts against a Conv's [N, M, ...] output with one
/// value per output channel (or one in all): its M values.
std::optional<std::vector<float>> perChannel(Value v, int64_t channels,
                                             int64_t outputRank) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  std::optional<std::vector<float>> data = readFloats(v.getDefiningOp());
  if (!type || !data || type.getRank() > outputRank)
    return std::nullopt;
  if (data->size() == 1)
    return std::vector<float>(channels, data->front());
  // Right-aligned against [N, M, spatial...]: M at position rank - (r - 1).
  int64_t channelDim = type.getRank() - (outputRank - 1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.getDimSize(d) != (d == channelDim ? channels : 1))
      return std::nullopt;
  return data;
}

/// One per-channel affine op that alone reads a Conv's (or an ungrouped
/// ConvTranspose's) output, folded into its weights and bias; applied
/// again while the next reader is one too.
struct FoldAffineIntoConv : RewritePattern {
  FoldAffineIntoConv(MLIRContext *ctx, StringRef convName)
      : RewritePattern(convName, 1, ctx) {}

  LogicalResult matchAndRewrite(Operation *conv,
                                PatternRewriter &rewriter) const override {
    bool transposed = conv->getName().getStringRef() == "onnx.ConvTranspose";
    auto group = conv->getAttrOfType<IntegerAttr>("group");
    if (transposed && group && group.getInt() != 1)
      return rewriter.notifyMatchFailure(conv, "a grouped ConvTranspose");
    Value result = conv->getResult(0);
    if (!result.hasOneUse())
      return rewriter.notifyMatchFailure(
          conv, "the output has more than one reader");
    Value w = conv->getOperand(1);
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    auto outType = dyn_cast<RankedTensorType>(result.getType());
    std::optional<std::vector<float>> weights = readFloats(w.getDefiningOp());
    if (!wType || !outType || !weights || wType.getRank() < 3)
      return rewriter.notifyMatchFailure(
          conv, "weights not a constant f32 tensor of rank 3 or more");
    // Output channels: Conv's weights [M, C/G, K...], ConvTranspose's
    // [C, M, K...].
    int64_t channels = wType.getDimSize(transposed ? 1 : 0);
    int64_t inner = 1;
    for (int64_t d = transposed ? 2 : 1; d < wType.getRank(); ++d)
      inner *= wType.getDimSize(d);
    std::vector<float> bias(channels, 0.0f);
    bool hasBias = conv->getNumOperands() > 2 && conv->getOperand(2);
    if (hasBias) {
      std::optional<std::vector<float>> data =
          readFloats(conv->getOperand(2).getDefiningOp());
      if (!data || static_cast<int64_t>(data->size()) != channels)
        return rewriter.notifyMatchFailure(conv, "bias not constant");
      bias = *data;
    }

    Operation *user = *result.getUsers().begin();
    StringRef name = user->getName().getStringRef();
    int64_t rank = outType.getRank();
    std::vector<float> scale(channels, 1.0f), shift(channels, 0.0f);
    if ((name == "onnx.Mul" || name == "onnx.Add" || name == "onnx.Sub") &&
        user->getNumOperands() == 2) {
      Value other = user->getOperand(user->getOperand(0) == result ? 1 : 0);
      if (name == "onnx.Sub" && user->getOperand(0) != result)
        return rewriter.notifyMatchFailure(user, "subtracts the Conv's output");
      std::optional<std::vector<float>> c = perChannel(other, channels, rank);
      if (!c)
        return rewriter.notifyMatchFailure(
            user, "the other operand is not a per-channel constant");
      if (user->getResult(0).getType() != result.getType())
        return rewriter.notifyMatchFailure(user, "broadcasts the output");
      if (name == "onnx.Mul")
        scale = *c;
      else
        for (int64_t m = 0; m < channels; ++m)
          shift[m] = name == "onnx.Add" ? (*c)[m] : -(*c)[m];
    } else if (name == "onnx.BatchNormalization" &&
               user->getNumResults() == 1 && user->getNumOperands() == 5) {
      std::optional<std::vector<float>> gamma =
          perChannel(user->getOperand(1), channels, 2);
      std::optional<std::vector<float>> beta =
          perChannel(user->getOperand(2), channels, 2);
      std::optional<std::vector<float>> mean =
          perChannel(user->getOperand(3), channels, 2);
      std::optional<std::vector<float>> var =
          perChannel(user->getOperand(4), channels, 2);
      if (!gamma || !beta || !mean || !var)
        return rewriter.notifyMatchFailure(
            user, "parameters not per-channel constants");
      float epsilon = 1e-5f;
      if (auto attr = user->getAttrOfType<FloatAttr>("epsilon"))
        epsilon = attr.getValueAsDouble();
      for (int64_t m = 0; m < channels; ++m) {
        scale[m] = (*gamma)[m] / std::sqrt((*var)[m] + epsilon);
        shift[m] = (*beta)[m] - (*mean)[m] * scale[m];
      }
    } else {
      return rewriter.notifyMatchFailure(
          user, "not a per-channel Mul, Add, Sub or BatchNormalization");
    }

    for (int64_t i = 0; i < static_cast<int64_t>(weights->size()); ++i)
      (*weights)[i] *= scale[(i / inner) % channels];
    for (int64_t m = 0; m < channels; ++m)
      bias[m] = bias[m] * scale[m] + shift[m];
    std::string base = "conv";
    if (auto loc = dyn_cast<NameLoc>(conv->getLoc()))
      base = loc.getName().str();
    rewriter.setInsertionPoint(conv);
    Value newWeights = makeConstant(rewriter, w.getLoc(), *weights,
                                    wType.getShape(), base + "_folded_weights");
    Value newBias = makeConstant(rewriter, conv->getLoc(), bias, {channels},
                                 base + "_folded_bias");
    rewriter.modifyOpInPlace(conv, [&] {
      conv->setOperand(1, newWeights);
      if (hasBias)
        conv->setOperand(2, newBias);
      else
        conv->insertOperands(2, newBias);
    });
    rewriter.replaceOp(user, result);
    return success();
  }
};

struct FoldChannelAffinePass
    : smelt::impl::SmeltFoldChannelAffinePassBase<FoldChannelAffinePass> {
  void runOnOperation() override {
    FailureOr<func::FuncOp> func =
        entryFunction(getOperation(), "smelt-fold-channel-affine");
    if (failed(func))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateFoldChannelAffinePatterns(patterns);
    // Folding only; constants are not touched otherwise (the replaced
    // weights go below).
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(*func, std::move(patterns), config)))
      return signalPassFailure();
    eraseUnusedConstants(*func);
  }
};

} // namespace

void smelt::populateFoldChannelAffinePatterns(RewritePatternSet &patterns) {
  patterns.add<FoldAffineIntoConv>(patterns.getContext(), "onnx.Conv");
  patterns.add<FoldAffineIntoConv>(patterns.getContext(), "onnx.ConvTranspose");
}
