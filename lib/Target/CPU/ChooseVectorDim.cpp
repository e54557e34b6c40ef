//===- ChooseVectorDim.cpp - smelt-cpu-choose-vector-dim -------------------===//
//
// The contraction kernels (smelt-cpu-vectorize-contractions) run their
// vectors along the output's innermost dimension. For a convolution in
// NCHW that is the output's width: a 7x7 map fills 7 of 16 lanes, a 14x14
// one 14 of 16, and a strided convolution reads its input at a stride
// there (two loads and a shuffle, or a gather). The output channels are
// usually a multiple of the lanes, and only the weights read them. This
// pass moves such a dimension innermost where it fills the lanes better:
// the weights are transposed (at compile time, by
// smelt-cpu-fold-constant-transposes), the contraction writes a transposed
// result, and one elementwise transpose (which fuses into the ops that read
// the result) restores the layout the rest of the graph expects.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "ContractionKernel.h"
#include "EntryFunction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUCHOOSEVECTORDIMPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// `out + a * b` on f32, in either order.
bool isMultiplyAdd(linalg::GenericOp op) {
  return smelt::detail::classifyBody(op) ==
         smelt::detail::Combiner::MultiplyAdd;
}

/// The share of the lanes along the output's width (discounted for a
/// stride) at or below which the kernel runs along the channels on a map of
/// any size. Measured on a Zen 4 core, 3x3 convolutions of 64-192 channels
/// along channels against along the width: 35x35 (35 of 48 lanes) 1.26-1.36x
/// faster, 33x33, 37x37, 40x40, 50x50, 54x54 (0.84) and 65x65 (0.81)
/// 1.13-1.35x, stride 2 onto 56x56 or 36x36 1.3x; 56x56 (0.875) 10% slower,
/// 71x71 (0.89) 4% and 147x147 (0.92) up to 16% slower.
constexpr double kPoorLaneUse = 0.85;

/// The share of vector lanes a loop of `extent` fills, in vectors of
/// `lanes`.
double laneUse(int64_t extent, int64_t lanes) {
  return static_cast<double>(extent) /
         static_cast<double>(llvm::divideCeil(extent, lanes) * lanes);
}

/// The coefficient of dimension `d` in `expr` when `expr` is linear in
/// the loops; 0 otherwise.
int64_t strideOf(AffineExpr expr, unsigned d, unsigned numDims) {
  auto coefficients = smelt::detail::linearCoefficients(expr, numDims);
  return coefficients ? (*coefficients)[d] : 0;
}

/// How well the kernel runs along the output's innermost dimension when
/// the input that reads it does so at `stride`: one load per vector at 1,
/// two loads and a shuffle at 2, a gather beyond.
double strideEfficiency(int64_t stride) {
  if (stride <= 1)
    return 1.0;
  return stride == 2 ? 0.7 : 0.3;
}

/// `input` with its dimensions in the order `order` (result dimension i is
/// input dimension order[i], as in linalg.transpose), as an elementwise
/// generic, which fusion folds into the ops that read or write it.
Value transposeElementwise(PatternRewriter &rewriter, Location loc, Value input,
                           ArrayRef<int64_t> order) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : order)
    shape.push_back(type.getDimSize(d));
  MLIRContext *context = rewriter.getContext();
  unsigned rank = order.size();
  // Loops run over the result; the input's dim order[i] is loop i.
  SmallVector<AffineExpr> inputExprs(rank);
  for (unsigned i = 0; i < rank; ++i)
    inputExprs[order[i]] = getAffineDimExpr(i, context);
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, inputExprs, context),
      AffineMap::getMultiDimIdentityMap(rank, context)};
  SmallVector<Value> sizes;
  for (unsigned i = 0; i < rank; ++i)
    if (ShapedType::isDynamic(shape[i]))
      sizes.push_back(tensor::DimOp::create(rewriter, loc, input, order[i]));
  Value init = tensor::EmptyOp::create(
      rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
      sizes);
  auto transpose = linalg::GenericOp::create(
      rewriter, loc, TypeRange{init.getType()}, ValueRange{input},
      ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(b, l, args[0]);
      });
  return transpose.getResult(0);
}

/// `input` transposed by `order`, the transpose moved above the pads and
/// reshapes that produce it: a pad of one constant commutes with it (its
/// low and high pads permuted), and so does a reshape whose groups `order`
/// keeps whole and in sequence. It then lands on the op that computes the
/// values, which fusion makes write them transposed, rather than on a
/// padded copy that would be transposed as a pass of its own.
Value transposeThrough(PatternRewriter &rewriter, Location loc, Value input,
                       ArrayRef<int64_t> order) {
  if (llvm::equal(order, llvm::seq<int64_t>(0, order.size())))
    return input;
  // A reshape of a reshape back to the same type (a unit dimension that
  // smelt's lowering added and linalg::dropUnitDims took out again).
  Operation *outer = input.getDefiningOp();
  if (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(outer)) {
    Operation *inner = outer->getOperand(0).getDefiningOp();
    if (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
            inner) &&
        inner->getOperand(0).getType() == input.getType())
      return transposeThrough(rewriter, loc, inner->getOperand(0), order);
  }
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    if (Value padding = pad.getConstantPaddingValue();
        padding && !pad.getNofold()) {
      Value source = transposeThrough(rewriter, loc, pad.getSource(), order);
      SmallVector<OpFoldResult> low, high;
      for (int64_t d : order) {
        low.push_back(pad.getMixedLowPad()[d]);
        high.push_back(pad.getMixedHighPad()[d]);
      }
      return tensor::PadOp::create(rewriter, loc, Type(), source, low, high,
                                   padding);
    }
  }
  // The groups of a reshape's expanded side, taken in `order`: each must
  // come whole and in sequence; the collapsed side is then permuted by
  // the groups' order.
  auto groupOrder = [&](ArrayRef<ReassociationIndices> groups)
      -> std::optional<std::pair<SmallVector<int64_t>,
                                 SmallVector<ReassociationIndices>>> {
    SmallVector<int64_t> groupOf(order.size());
    for (auto [g, group] : llvm::enumerate(groups))
      for (int64_t d : group)
        groupOf[d] = g;
    SmallVector<int64_t> outer;
    SmallVector<ReassociationIndices> permuted;
    for (size_t i = 0; i < order.size();) {
      const ReassociationIndices &group = groups[groupOf[order[i]]];
      if (i + group.size() > order.size() ||
          !llvm::equal(group, order.slice(i, group.size())))
        return std::nullopt;
      outer.push_back(groupOf[order[i]]);
      permuted.push_back(llvm::to_vector(
          llvm::seq<int64_t>(i, i + static_cast<int64_t>(group.size()))));
      i += group.size();
    }
    return std::make_pair(outer, permuted);
  };
  auto permutedType = [&](Value v, ArrayRef<int64_t> dims) {
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape;
    for (int64_t d : dims)
      shape.push_back(type.getDimSize(d));
    return RankedTensorType::get(shape, type.getElementType());
  };
  if (auto expand = input.getDefiningOp<tensor::ExpandShapeOp>();
      expand && expand.getResultType().hasStaticShape()) {
    if (auto found = groupOrder(expand.getReassociationIndices())) {
      Value source =
          transposeThrough(rewriter, loc, expand.getSrc(), found->first);
      return tensor::ExpandShapeOp::create(
          rewriter, loc, permutedType(input, order), source, found->second);
    }
  }
  if (auto collapse = input.getDefiningOp<tensor::CollapseShapeOp>();
      collapse && collapse.getSrcType().hasStaticShape()) {
    SmallVector<int64_t> sourceOrder;
    SmallVector<ReassociationIndices> groups;
    auto reassociation = collapse.getReassociationIndices();
    for (int64_t d : order) {
      groups.emplace_back();
      for (size_t j = 0; j < reassociation[d].size(); ++j) {
        groups.back().push_back(sourceOrder.size());
        sourceOrder.push_back(reassociation[d][j]);
      }
    }
    Value source =
        transposeThrough(rewriter, loc, collapse.getSrc(), sourceOrder);
    return tensor::CollapseShapeOp::create(rewriter, loc, source, groups);
  }
  return transposeElementwise(rewriter, loc, input, order);
}

struct ChooseVectorDim : OpRewritePattern<linalg::GenericOp> {
  ChooseVectorDim(MLIRContext *context, int64_t lanes, double transposeCost,
                  int64_t maxPlane)
      : OpRewritePattern(context), lanes(lanes), transposeCost(transposeCost),
        maxPlane(maxPlane) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
      return rewriter.notifyMatchFailure(
          op, "not a contraction of two inputs into one tensor");
    if (!isMultiplyAdd(op))
      return rewriter.notifyMatchFailure(op, "its body is not out + a * b on f32");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    OpOperand *init = op.getDpsInitOperand(0);
    AffineMap cMap = op.getMatchingIndexingMap(init);
    if (!cMap.isProjectedPermutation() || cMap.getNumResults() < 2)
      return rewriter.notifyMatchFailure(
          op, "its output is not indexed by a permutation of two or more loops");
    // A dynamic batch (the output's first dimension) stays where it is;
    // every other loop must be static.
    for (auto [d, range] : llvm::enumerate(ranges))
      if (ShapedType::isDynamic(range) && cMap.getDimPosition(0) != d)
        return rewriter.notifyMatchFailure(
            op, "its loop ranges are not static past the batch");
    unsigned inner = cMap.getDimPosition(cMap.getNumResults() - 1);

    // The constant input (B after the change) and the computed one (A).
    OpOperand *inputs[2] = {op.getDpsInputOperand(0), op.getDpsInputOperand(1)};
    bool isConstant[2] = {
        static_cast<bool>(smelt::constantThroughReshapes(inputs[0]->get())),
        static_cast<bool>(smelt::constantThroughReshapes(inputs[1]->get()))};
    int constant = isConstant[0] ? 0 : isConstant[1] ? 1 : -1;
    if (constant < 0 || isConstant[1 - constant])
      return rewriter.notifyMatchFailure(
          op, "not one constant input and one computed");
    AffineMap bMap = op.getMatchingIndexingMap(inputs[constant]);
    AffineMap aMap = op.getMatchingIndexingMap(inputs[1 - constant]);
    if (bMap.isFunctionOfDim(inner))
      return rewriter.notifyMatchFailure(
          op, "the constant already reads the output's innermost dimension");
    if (!aMap.getNumResults() ||
        !aMap.getResults().back().isFunctionOfDim(inner))
      return rewriter.notifyMatchFailure(
          op, "the computed input is not read along the output's innermost "
              "dimension in its own innermost one");

    // The output dimension the constant alone reads, as a whole index of
    // its own, that fills the lanes best.
    double current = laneUse(ranges[inner], lanes) *
                     strideEfficiency(strideOf(aMap.getResults().back(), inner,
                                               aMap.getNumDims()));
    // Those the computed input reads too (a depthwise convolution's
    // channels) only where none other is, and only as a whole index of its
    // own, which then moves innermost in that input as well.
    std::optional<unsigned> best;
    std::optional<unsigned> bestResult;
    std::optional<unsigned> aResult;
    double bestUse = 0;
    for (bool shared : {false, true}) {
      if (best)
        break;
      for (unsigned r = 0; r + 1 < cMap.getNumResults(); ++r) {
        unsigned d = cMap.getDimPosition(r);
        AffineExpr dim = getAffineDimExpr(d, op.getContext());
        std::optional<unsigned> inA;
        if (aMap.isFunctionOfDim(d)) {
          inA = aMap.getResultPosition(dim);
          if (!shared || !inA ||
              llvm::count_if(aMap.getResults(), [&](AffineExpr e) {
                return e.isFunctionOfDim(d);
              }) != 1)
            continue;
        } else if (shared) {
          continue;
        }
        std::optional<unsigned> at = bMap.getResultPosition(dim);
        if (ranges[d] < lanes || !at)
          continue;
        double use = laneUse(ranges[d], lanes);
        if (use > bestUse || (use == bestUse && ranges[d] > ranges[*best])) {
          best = d;
          bestResult = at;
          aResult = inA;
          bestUse = use;
        }
      }
    }
    if (!best)
      return rewriter.notifyMatchFailure(
          op, "no other output dimension of at least one vector is read by "
              "the constant as an index of its own");
    // The multiply-adds the kernel saves per output (in lanes of its
    // vectors: a reduction of K at `current` of the lanes takes K / current
    // lanes) against what the transpose back costs per output.
    int64_t reduction = 1;
    for (auto [d, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
      if (iterator == utils::IteratorType::reduction)
        reduction *= ranges[d];
    double saved = reduction * (1.0 / current - 1.0 / bestUse);
    if (!aResult && saved < transposeCost)
      return rewriter.notifyMatchFailure(
          op, "the lanes it would fill save less than the transpose back costs");
    // The kernel along `best` reads the computed input again for each tile
    // of columns, and its result is transposed back: on a large map (per
    // batch item and group) that costs more than the lanes it fills,
    // unless the innermost dimension fills them poorly (kPoorLaneUse).
    // A dimension the computed input reads too (a depthwise convolution's
    // channels) gains more than lanes, a register block of several rows
    // and channels where each channel ran alone, and moves on any map up to
    // max-plane, however well its width fills the lanes: measured on a Zen
    // 4 core over expand, SiLU, depthwise, SiLU, project blocks,
    // efficientnet_b0's shapes, channels against width 1.21x faster on
    // 7x7, 1.03-1.07x on 14x14, 1.06x on 28x28 and onto 14x14 or 28x28 at
    // stride 2 1.16-1.20x; 56x56 (3136 outputs) 6% and 112x112 onto 56x56
    // 19% slower.
    int64_t plane = 1;
    for (unsigned r = 1; r < cMap.getNumResults(); ++r) {
      unsigned d = cMap.getDimPosition(r);
      if (d != *best && !bMap.isFunctionOfDim(d))
        plane *= ranges[d];
    }
    if (plane > maxPlane && aResult)
      return rewriter.notifyMatchFailure(
          op, "its map is larger than max-plane outputs per channel, which "
              "both inputs read");
    if (plane > maxPlane && current > kPoorLaneUse)
      return rewriter.notifyMatchFailure(
          op, "its map is larger than max-plane outputs per channel, and "
              "its width fills the lanes well enough");

    // The output with `best` moved innermost, and the constant with the
    // index that reads it moved innermost. With columns of the kernel's
    // register block (kColumnVectors vectors) tiling it, `best` splits
    // into a loop over tiles (where it was) and one within a tile (a new,
    // innermost loop): each tile of the constant is then contiguous, and
    // the kernel streams one block of weights, not a strided panel of all
    // of them (one page per step: a TLB miss per multiply-add row).
    MLIRContext *context = op.getContext();
    int64_t extent = ranges[*best];
    int64_t tile = smelt::detail::kColumnVectors * lanes;
    bool split = !aResult && extent % tile == 0 && extent > tile;
    unsigned numLoops = ranges.size() + (split ? 1 : 0);
    unsigned outRank = cMap.getNumResults();
    unsigned outPos = *cMap.getResultPosition(getAffineDimExpr(*best, context));
    SmallVector<int64_t> outOrder;
    for (unsigned r = 0; r < outRank; ++r)
      if (r != outPos)
        outOrder.push_back(r);
    outOrder.push_back(outPos);
    AffineExpr within = getAffineDimExpr(numLoops - 1, context);

    Location loc = op.getLoc();
    Value b = inputs[constant]->get();
    auto bType = cast<RankedTensorType>(b.getType());
    SmallVector<AffineExpr> bExprs;
    SmallVector<int64_t> bOrder;
    if (split) {
      // [.., F, ..] -> [.., F / tile, tile, ..] -> [.., F / tile, .., tile].
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> groups;
      for (unsigned r = 0; r < bMap.getNumResults(); ++r) {
        groups.push_back({static_cast<int64_t>(shape.size())});
        if (r == *bestResult) {
          groups.back().push_back(shape.size() + 1);
          shape.append({extent / tile, tile});
        } else {
          shape.push_back(bType.getDimSize(r));
        }
      }
      b = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, bType.getElementType()),
          b, groups);
      for (unsigned r = 0; r < shape.size(); ++r)
        if (r != *bestResult + 1)
          bOrder.push_back(r);
      bOrder.push_back(*bestResult + 1);
      bExprs.assign(bMap.getResults().begin(), bMap.getResults().end());
      bExprs.push_back(within);
    } else {
      for (unsigned r = 0; r < bMap.getNumResults(); ++r)
        if (r != *bestResult)
          bOrder.push_back(r);
      bOrder.push_back(*bestResult);
      for (int64_t r : bOrder)
        bExprs.push_back(bMap.getResult(r));
    }
    auto expandedType = cast<RankedTensorType>(b.getType());
    SmallVector<int64_t> bShape;
    for (int64_t r : bOrder)
      bShape.push_back(expandedType.getDimSize(r));
    Value bEmpty =
        tensor::EmptyOp::create(rewriter, loc, bShape, bType.getElementType());
    Value bTransposed =
        linalg::TransposeOp::create(rewriter, loc, b, bEmpty, bOrder)
            ->getResult(0);

    // The output: transposed, then its innermost dimension split in tiles.
    auto cType = cast<RankedTensorType>(init->get().getType());
    SmallVector<int64_t> cShape;
    for (int64_t r : outOrder)
      cShape.push_back(cType.getDimSize(r));
    SmallVector<int64_t> tiledShape(cShape);
    SmallVector<ReassociationIndices> tileGroups;
    for (unsigned r = 0; r < outRank; ++r)
      tileGroups.push_back({static_cast<int64_t>(r)});
    if (split) {
      tiledShape.back() = extent / tile;
      tiledShape.push_back(tile);
      tileGroups.back().push_back(outRank);
    }
    auto tiledType = RankedTensorType::get(tiledShape, cType.getElementType());
    Value c = init->get();
    Value cTiled;
    if (c.getDefiningOp<tensor::EmptyOp>()) {
      // Dimension 0 stays first (the batch, when dynamic).
      SmallVector<Value> sizes;
      if (ShapedType::isDynamic(tiledShape[0]))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, c, 0));
      cTiled = tensor::EmptyOp::create(rewriter, loc, tiledType, sizes);
    } else {
      cTiled = transposeElementwise(rewriter, loc, c, outOrder);
      if (split)
        cTiled = tensor::ExpandShapeOp::create(rewriter, loc, tiledType,
                                               cTiled, tileGroups);
    }

    SmallVector<AffineExpr> cExprs;
    for (int64_t r : outOrder)
      cExprs.push_back(cMap.getResult(r));
    if (split)
      cExprs.push_back(within);
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    for (AffineMap &map : maps)
      map = AffineMap::get(numLoops, 0, map.getResults(), context);
    maps[constant] = AffineMap::get(numLoops, 0, bExprs, context);
    maps[2] = AffineMap::get(numLoops, 0, cExprs, context);
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    if (split)
      iterators.push_back(utils::IteratorType::parallel);
    SmallVector<Value> newInputs = {inputs[0]->get(), inputs[1]->get()};
    newInputs[constant] = bTransposed;
    if (aResult) {
      // The computed input with `best` moved innermost too.
      SmallVector<int64_t> aOrder;
      for (unsigned r = 0; r < aMap.getNumResults(); ++r)
        if (r != *aResult)
          aOrder.push_back(r);
      aOrder.push_back(*aResult);
      SmallVector<AffineExpr> aExprs;
      for (int64_t r : aOrder)
        aExprs.push_back(aMap.getResult(r));
      maps[1 - constant] = AffineMap::get(numLoops, 0, aExprs, context);
      newInputs[1 - constant] =
          transposeThrough(rewriter, loc, newInputs[1 - constant], aOrder);
    }
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{tiledType}, newInputs, ValueRange{cTiled},
        maps, iterators);
    IRMapping mapping;
    op.getRegion().cloneInto(&contraction.getRegion(), mapping);
    Value result = contraction.getResult(0);
    if (split)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(cShape, cType.getElementType()),
          result, tileGroups);
    // Back: result dim i is the transposed result's dim outOrder^-1[i].
    SmallVector<int64_t> back(outRank);
    for (unsigned i = 0; i < outRank; ++i)
      back[outOrder[i]] = i;
    rewriter.replaceOp(op, transposeElementwise(rewriter, loc, result, back));
    return success();
  }

  int64_t lanes;
  double transposeCost;
  int64_t maxPlane;
};

/// The broadcast that initializes a contraction's output (its bias), its
/// two innermost dimensions merged the way the contraction's are about to
/// be: the kernel then starts its registers from the bias
/// (smelt::detail::findPrologue) instead of reading back a full-size
/// broadcast that a reshape hides from it, one write and one read of the
/// whole output saved. A fill needs nothing (upstream folds a reshape of a
/// fill); anything else read elsewhere or not a plain broadcast stays.
void collapseInitProducer(RewriterBase &rewriter, Value init, unsigned rank) {
  auto producer = init.getDefiningOp<linalg::GenericOp>();
  if (!producer || !producer->hasOneUse() || producer.getNumDpsInputs() != 1 ||
      producer.getNumReductionLoops() != 0 ||
      !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
           .isIdentity())
    return;
  Block &body = producer.getRegion().front();
  if (!llvm::hasSingleElement(body) ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return;
  ReassociationIndices rows = {static_cast<int64_t>(rank - 2),
                               static_cast<int64_t>(rank - 1)};
  SmallVector<int64_t> ranges = producer.getStaticLoopRanges();
  if (ShapedType::isDynamic(ranges[rank - 2]) ||
      ShapedType::isDynamic(ranges[rank - 1]) ||
      !linalg::areDimSequencesPreserved(producer.getIndexingMapsArray(),
                                        {rows}))
    return;
  rewriter.setInsertionPoint(producer);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(producer, {rows}, rewriter);
  if (succeeded(collapsed))
    rewriter.replaceOp(producer, collapsed->results);
}

/// A pointwise convolution's rows as one: its 1x1 window loops dropped
/// (they run once) and its output's two innermost loops merged where
/// every operand reads them as one contiguous run ([C, OH, OW] read at
/// (c, oh, ow)). A 56x56 map then runs 3136 outputs along the vectors, not
/// 56 at a time with a masked last vector; a 7x7 one 49, which the
/// channels may still beat.
void mergeRows(func::FuncOp func) {
  SmallVector<linalg::GenericOp> contractions;
  func.walk([&](linalg::GenericOp op) {
    if (op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
        op.getNumDpsInits() == 1 && op.getNumReductionLoops() > 0 &&
        isMultiplyAdd(op))
      contractions.push_back(op);
  });
  IRRewriter rewriter(func.getContext());
  for (linalg::GenericOp op : contractions) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<unsigned> unitReductions;
    for (auto [d, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
      if (iterator == utils::IteratorType::reduction && ranges[d] == 1)
        unitReductions.push_back(d);
    // At least one reduction of more than one step stays.
    if (!unitReductions.empty() &&
        unitReductions.size() < op.getNumReductionLoops()) {
      linalg::ControlDropUnitDims control;
      control.controlFn = [&](Operation *) { return unitReductions; };
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::DropUnitDimsResult> dropped =
          linalg::dropUnitDims(rewriter, op, control);
      if (succeeded(dropped)) {
        rewriter.replaceOp(op, dropped->replacements);
        op = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
      }
    }
    AffineMap cMap = op.getDpsInitOperand(0) ? op.getMatchingIndexingMap(
                                                   op.getDpsInitOperand(0))
                                             : AffineMap();
    unsigned rank = cMap.getNumResults();
    if (rank < 2 || !cMap.isProjectedPermutation())
      continue;
    unsigned outer = cMap.getDimPosition(rank - 2);
    unsigned inner = cMap.getDimPosition(rank - 1);
    // The rows merged must be static (a dynamic batch elsewhere stays).
    SmallVector<int64_t> merged = op.getStaticLoopRanges();
    if (ShapedType::isDynamic(merged[outer]) ||
        ShapedType::isDynamic(merged[inner]))
      continue;
    ReassociationIndices rows = {outer, inner};
    // Read as plain indices only (upstream's check passes over an index
    // such as a window's oh + kh, which a merged loop cannot compute).
    auto plainReads = [&](AffineMap map) {
      return llvm::all_of(map.getResults(), [&](AffineExpr e) {
        return isa<AffineDimExpr>(e) ||
               (!e.isFunctionOfDim(outer) && !e.isFunctionOfDim(inner));
      });
    };
    if (inner != outer + 1 ||
        !llvm::all_of(op.getIndexingMapsArray(), plainReads) ||
        !linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {rows}))
      continue;
    collapseInitProducer(rewriter, op.getDpsInitOperand(0)->get(), rank);
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, {rows}, rewriter);
    if (succeeded(collapsed))
      rewriter.replaceOp(op, collapsed->results);
  }
}

/// Whether `v` is known at compile time: a constant seen through reshapes,
/// or a transpose of one (Gemm's transB), which
/// smelt-cpu-fold-constant-transposes folds.
bool isWeight(Value v) {
  if (smelt::constantThroughReshapes(v))
    return true;
  auto transpose = v.getDefiningOp<linalg::TransposeOp>();
  return transpose && smelt::constantThroughReshapes(transpose.getInput());
}

/// A product whose constant operand B [K, N] the kernel reads along N (a
/// Gemm's or MatMul's weights) with its columns in panels: B becomes
/// [N / nr, K, nr] (folded at compile time) and the product gains a loop
/// over panels outside the kernel's columns. Each column block of the
/// kernel then streams one contiguous panel, where it read nr columns of
/// every row, a page apart on a wide matrix: a classifier's weights at
/// batch 1 stream from memory at the DRAM's pace, not its strided one's.
/// nr is the kernel's column block (lanes times its vectors per row for
/// this many rows) or the largest divisor of N below it; matrices that
/// stay in cache, or N in one panel, are left alone.
void packWeightPanels(func::FuncOp func, int64_t lanes) {
  SmallVector<linalg::GenericOp> products;
  func.walk([&](linalg::GenericOp op) {
    if (op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
        op.getNumDpsInits() == 1 && op.getNumReductionLoops() == 1 &&
        isMultiplyAdd(op))
      products.push_back(op);
  });
  IRRewriter rewriter(func.getContext());
  for (linalg::GenericOp op : products) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      continue;
    AffineMap cMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (!cMap.isProjectedPermutation() || cMap.getNumResults() == 0)
      continue;
    unsigned n = cMap.getDimPosition(cMap.getNumResults() - 1);
    unsigned k = 0;
    for (auto [d, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
      if (iterator == utils::IteratorType::reduction)
        k = d;
    MLIRContext *context = op.getContext();
    AffineMap kn = AffineMap::get(
        ranges.size(), 0,
        {getAffineDimExpr(k, context), getAffineDimExpr(n, context)},
        context);
    int b = -1;
    for (int i = 0; i < 2; ++i)
      if (op.getMatchingIndexingMap(op.getDpsInputOperand(i)) == kn &&
          isWeight(op.getDpsInputOperand(i)->get()))
        b = i;
    if (b < 0)
      continue;
    AffineMap aMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1 - b));
    if (aMap.isFunctionOfDim(n))
      continue;
    // The kernel's rows: the output dimension A reads and B does not.
    int64_t rows = 1;
    for (unsigned r = 0; r + 1 < cMap.getNumResults(); ++r)
      if (aMap.isFunctionOfDim(cMap.getDimPosition(r)))
        rows = std::max(rows, ranges[cMap.getDimPosition(r)]);
    int64_t kSize = ranges[k], nSize = ranges[n];
    int64_t vectors = (nSize + lanes - 1) / lanes;
    int64_t nv = std::min<int64_t>(
        vectors, rows >= 4 ? smelt::detail::kColumnVectors : 8 / rows);
    // The widest that divides N and fills its vectors to within an eighth
    // (125 of 128 columns, not 25 of 32).
    int64_t panel = 0;
    for (int64_t width = nv * lanes; width >= lanes && !panel; --width) {
      int64_t padded = (width + lanes - 1) / lanes * lanes;
      if (nSize % width == 0 && 8 * (padded - width) <= padded)
        panel = width;
    }
    if (!panel || panel == nSize || kSize * nSize < (int64_t(1) << 16))
      continue;

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value weights = op.getDpsInputOperand(b)->get();
    Type element = getElementTypeOrSelf(weights.getType());
    // From the initializer itself when B is its transpose ([N, K]: Gemm's
    // transB), so that one fold writes the panels and no [K, N] copy of
    // the weights is made on the way.
    auto transposed = weights.getDefiningOp<linalg::TransposeOp>();
    Value split, packed;
    Value panels = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{nSize / panel, kSize, panel}, element);
    if (transposed) {
      split = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({nSize / panel, panel, kSize}, element),
          transposed.getInput(), SmallVector<ReassociationIndices>{{0, 1}, {2}});
      packed = linalg::TransposeOp::create(rewriter, loc, split, panels,
                                           ArrayRef<int64_t>{0, 2, 1})
                   ->getResult(0);
    } else {
      split = tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({kSize, nSize / panel, panel}, element),
          weights, SmallVector<ReassociationIndices>{{0}, {1, 2}});
      packed = linalg::TransposeOp::create(rewriter, loc, split, panels,
                                           ArrayRef<int64_t>{1, 0, 2})
                   ->getResult(0);
    }
    // C with its last dimension split the same way.
    Value init = op.getDpsInitOperand(0)->get();
    auto cType = cast<RankedTensorType>(init.getType());
    SmallVector<int64_t> cShape(cType.getShape());
    cShape.back() = nSize / panel;
    cShape.push_back(panel);
    SmallVector<ReassociationIndices> cGroups;
    for (int64_t r = 0; r + 1 < cType.getRank(); ++r)
      cGroups.push_back({r});
    cGroups.push_back({cType.getRank() - 1, cType.getRank()});
    auto splitType = RankedTensorType::get(cShape, cType.getElementType());
    Value cSplit =
        tensor::ExpandShapeOp::create(rewriter, loc, splitType, init, cGroups);
    // Loop n now runs over panels; a new innermost loop within one.
    unsigned numLoops = ranges.size() + 1;
    AffineExpr within = getAffineDimExpr(numLoops - 1, context);
    auto widen = [&](AffineMap map) {
      return AffineMap::get(numLoops, 0, map.getResults(), context);
    };
    SmallVector<AffineExpr> cExprs(cMap.getResults().begin(),
                                   cMap.getResults().end());
    cExprs.push_back(within);
    SmallVector<AffineMap> maps(3);
    maps[1 - b] = widen(aMap);
    maps[b] = AffineMap::get(numLoops, 0,
                             {getAffineDimExpr(n, context),
                              getAffineDimExpr(k, context), within},
                             context);
    maps[2] = AffineMap::get(numLoops, 0, cExprs, context);
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    iterators.push_back(utils::IteratorType::parallel);
    SmallVector<Value> inputs = {op.getDpsInputOperand(0)->get(),
                                 op.getDpsInputOperand(1)->get()};
    inputs[b] = packed;
    auto product = linalg::GenericOp::create(
        rewriter, loc, TypeRange{splitType}, inputs, ValueRange{cSplit}, maps,
        iterators);
    IRMapping mapping;
    op.getRegion().cloneInto(&product.getRegion(), mapping);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, cType, product.getResult(0), cGroups);
    if (transposed && transposed->use_empty())
      rewriter.eraseOp(transposed);
  }
}

struct CPUChooseVectorDimPass
    : smelt::impl::CPUChooseVectorDimPassBase<CPUChooseVectorDimPass> {
  using Base::Base;
  void runOnOperation() override {
    mergeRows(getOperation());
    RewritePatternSet patterns(&getContext());
    smelt::populateCPUChooseVectorDimPatterns(patterns, vectorBits / 32,
                                              transposeCost, maxPlane);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    packWeightPanels(getOperation(), vectorBits / 32);
  }
};

} // namespace

void smelt::populateCPUChooseVectorDimPatterns(RewritePatternSet &patterns,
                                               int64_t lanes,
                                               double transposeCost,
                                               int64_t maxPlane) {
  patterns.add<ChooseVectorDim>(patterns.getContext(), lanes, transposeCost,
                                maxPlane);
}
