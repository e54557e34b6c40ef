//===- FuseElementwise.cpp - smelt-cpu-fuse-elementwise --------------------===//
//
// Upstream's elementwise fusion patterns under a control function that
// never makes code recompute a value: see the pass description.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUFUSEELEMENTWISEPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

bool hasReduction(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() > 0;
}

/// A widening elementwise op (a DequantizeLinear, a cast): every data
/// operand it reads element by element is narrower than its result, and
/// its body is a few arithmetic ops. Computing it again in each reader
/// reads fewer bytes than materializing its result once.
bool isCheapWidening(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 ||
      op.getBody()->getOperations().size() > 8)
    return false;
  auto resultType = dyn_cast<ShapedType>(op.getResult(0).getType());
  if (!resultType || !resultType.getElementType().isIntOrFloat())
    return false;
  unsigned resultBits = resultType.getElementTypeBitWidth();
  bool readsData = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isProjectedPermutation())
      return false;
    if (map.getNumResults() < op.getNumLoops())
      continue; // a broadcast parameter
    auto type = dyn_cast<ShapedType>(input->get().getType());
    if (!type || !type.getElementType().isIntOrFloat() ||
        type.getElementTypeBitWidth() >= resultBits)
      return false;
    readsData = true;
  }
  return readsData && !op.payloadUsesValueFromOperand(op.getDpsInitOperand(0));
}

/// Whether `op`'s body computes a function that is only fast on vectors
/// (math.exp, tanh, erf...: smelt-cpu-approximate-math expands them into
/// polynomials on vectors; on scalars they are libm calls) or divides.
bool hasVectorOnlyMath(linalg::GenericOp op) {
  return llvm::any_of(op.getBody()->getOperations(), [](Operation &inner) {
    Dialect *dialect = inner.getDialect();
    return isa<arith::DivFOp>(inner) ||
           (dialect && dialect->getNamespace() == "math");
  });
}

bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse() || hasReduction(producer))
    return false;
  Operation *consumer = fused->getOwner();
  // Into a reduction (a GlobalAveragePool, a Softmax's sum; a contraction's
  // operands are not permutations and never fuse) a transcendental does not
  // fuse: those reductions run as plain loops, one element at a time, where
  // the function would be a libm call per element. Left apart it runs in the
  // vectorized elementwise loops, and the reduction reads its result (one
  // more pass over memory, against a call per element: SiLU into an
  // efficientnet_b0 pooling took 0.74 ms of scalar exp on 1280x7x7).
  if (auto producerGeneric = dyn_cast<linalg::GenericOp>(producer))
    if (hasReduction(consumer) && hasVectorOnlyMath(producerGeneric))
      return false;
  // Into a widening op (a DequantizeLinear) nothing fuses: it fuses into its
  // readers instead, and what it reads then follows it there. Fused the
  // other way, the narrow value would be stored wide wherever the
  // widening's result is stored.
  if (auto generic = dyn_cast<linalg::GenericOp>(consumer))
    if (isCheapWidening(generic))
      return false;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(consumer)) {
    AffineMap map = linalgOp.getMatchingIndexingMap(fused);
    // A widening is cheaper to compute again than to read widened, in
    // elementwise readers (a contraction's operand stays a plain read, for
    // smelt-cpu-vectorize-contractions).
    if (auto generic = dyn_cast<linalg::GenericOp>(producer);
        generic && isCheapWidening(generic) && map.isProjectedPermutation() &&
        linalgOp.getNumReductionLoops() == 0)
      return true;
    // Each element of the producer is read once by the consumer.
    return map.isPermutation();
  }
  return true;
}

/// One copy of each cheap widening op per reader that is an elementwise
/// linalg op, so that each copy fuses into its reader.
bool duplicateCheapWidenings(func::FuncOp func) {
  SmallVector<linalg::GenericOp> candidates;
  func.walk([&](linalg::GenericOp op) {
    if (!op->getResult(0).hasOneUse() && isCheapWidening(op))
      candidates.push_back(op);
  });
  for (linalg::GenericOp op : candidates) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : op->getResult(0).getUses()) {
      // Through a reshape, the copy takes the reshape's shape first.
      if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(use.getOwner()))
        uses.push_back(&use);
      if (auto reader = dyn_cast<linalg::LinalgOp>(use.getOwner()))
        if (reader.getMatchingIndexingMap(&use).isPermutation())
          uses.push_back(&use);
    }
    // The first reader keeps the original (the others may be model
    // outputs, which read the value as it is).
    if (uses.size() < 2)
      continue;
    for (OpOperand *use : llvm::drop_begin(uses)) {
      OpBuilder b(use->getOwner());
      use->set(b.clone(*op)->getResult(0));
    }
  }
  return !candidates.empty();
}

/// The coarsest shape both `a` and `b` refine: the groups of consecutive
/// dims of each whose sizes multiply to the same numbers. None when the
/// element counts differ.
std::optional<std::pair<SmallVector<ReassociationIndices>,
                        SmallVector<ReassociationIndices>>>
commonGroups(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  SmallVector<ReassociationIndices> ga, gb;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    ReassociationIndices ra, rb;
    int64_t pa = 1, pb = 1;
    if (i < a.size())
      pa = a[i], ra.push_back(i++);
    if (j < b.size())
      pb = b[j], rb.push_back(j++);
    while (pa != pb) {
      if (pa < pb && i < a.size())
        pa *= a[i], ra.push_back(i++);
      else if (pb < pa && j < b.size())
        pb *= b[j], rb.push_back(j++);
      else
        return std::nullopt;
    }
    // Trailing unit dims join the last group.
    while (i < a.size() && a[i] == 1 && j == b.size())
      ra.push_back(i++);
    while (j < b.size() && b[j] == 1 && i == a.size())
      rb.push_back(j++);
    ga.push_back(ra);
    gb.push_back(rb);
  }
  return std::make_pair(ga, gb);
}

/// In the body of `conformed`, which iterates shape `cType` in place of an
/// op that iterated `eType` (the two shapes' dims grouped by `cGroups` and
/// `eGroups`), each linalg.index of the op's dims becomes its value from
/// the new dims: a group's dims of one shape hold the same linear position
/// as the group's dims of the other (a gather reading a residual at
/// [n, h, w, c] where the op now runs over [n, h, w, c / 32, c % 32]).
void recoverIndices(linalg::GenericOp conformed, RankedTensorType cType,
                    ArrayRef<ReassociationIndices> cGroups,
                    RankedTensorType eType,
                    ArrayRef<ReassociationIndices> eGroups) {
  Block &body = conformed.getRegion().front();
  SmallVector<linalg::IndexOp> indices(body.getOps<linalg::IndexOp>());
  if (indices.empty())
    return;
  Location loc = conformed.getLoc();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> eIndex(eType.getRank());
  for (auto [cg, eg] : llvm::zip(cGroups, eGroups)) {
    if (cg.size() == 1 && eg.size() == 1) {
      eIndex[eg[0]] = linalg::IndexOp::create(b, loc, cg[0]);
      continue;
    }
    Value linear;
    for (int64_t d : cg) {
      Value index = linalg::IndexOp::create(b, loc, d);
      linear = linear ? arith::AddIOp::create(
                            b, loc,
                            arith::MulIOp::create(
                                b, loc, linear, constant(cType.getDimSize(d))),
                            index)
                      : index;
    }
    if (!linear) // a group of no dims of the contraction's
      linear = constant(0);
    int64_t stride = 1;
    for (int64_t d : eg)
      stride *= eType.getDimSize(d);
    for (auto [i, d] : llvm::enumerate(eg)) {
      stride /= eType.getDimSize(d);
      Value index = linear;
      if (stride != 1)
        index = arith::DivUIOp::create(b, loc, index, constant(stride));
      if (i != 0)
        index = arith::RemUIOp::create(b, loc, index,
                                       constant(eType.getDimSize(d)));
      eIndex[d] = index;
    }
  }
  for (linalg::IndexOp index : indices) {
    index.replaceAllUsesWith(eIndex[index.getDim()]);
    index.erase();
  }
}

/// An elementwise op that reads a contraction's result through reshapes
/// (a convolution's [N, G, M/G, OH*OW] seen as [N, M, OH, OW]), rewritten
/// to iterate the contraction's own shape, its result reshaped back. The
/// contraction kernels fuse such an op as their epilogue, which must run
/// on their register blocks. Parameters read along the op's dims move to
/// the matching dims of the contraction; an op whose parameters vary inside
/// a group of dims that the contraction merges stays as it is.
void conformToContraction(linalg::GenericOp op, OpBuilder &b) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0 ||
      op.getNumDpsInputs() < 1 ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
    return;
  OpOperand *first = op.getDpsInputOperand(0);
  if (!op.getMatchingIndexingMap(first).isIdentity())
    return;
  Value c = first->get();
  while (Operation *def = c.getDefiningOp()) {
    if (!isa<tensor::ReshapeOp, tensor::CollapseShapeOp,
             tensor::ExpandShapeOp>(def))
      break;
    c = def->getOperand(0);
  }
  auto producer = c.getDefiningOp<linalg::LinalgOp>();
  auto cType = dyn_cast<RankedTensorType>(c.getType());
  auto eType = dyn_cast<RankedTensorType>(first->get().getType());
  if (c == first->get() || !producer || !hasReduction(producer) ||
      !cType || !cType.hasStaticShape() || !eType.hasStaticShape())
    return;
  auto groups = commonGroups(cType.getShape(), eType.getShape());
  if (!groups)
    return;
  auto [cGroups, eGroups] = *groups;
  // Each dim of the op, as a dim of the contraction (or none: a unit dim).
  MLIRContext *context = op.getContext();
  int64_t cRank = cType.getRank();
  SmallVector<std::optional<AffineExpr>> dimOf(eType.getRank());
  SmallVector<bool> merged(eType.getRank(), false);
  for (auto [cg, eg] : llvm::zip(cGroups, eGroups)) {
    SmallVector<int64_t> cDims, eDims;
    for (int64_t d : cg)
      if (cType.getDimSize(d) != 1)
        cDims.push_back(d);
    for (int64_t d : eg)
      if (eType.getDimSize(d) != 1)
        eDims.push_back(d);
    for (int64_t d : eg)
      if (eType.getDimSize(d) == 1)
        dimOf[d] = getAffineConstantExpr(0, context);
    if (cDims.size() == 1 && eDims.size() == 1)
      dimOf[eDims[0]] = getAffineDimExpr(cDims[0], context);
    else
      for (int64_t d : eDims)
        merged[d] = true;
  }
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(cRank,
                                                                   context)};
  SmallVector<OpOperand *> params(
      llvm::drop_begin(op.getDpsInputOperands()));
  for (OpOperand *input : params) {
    AffineMap map = op.getMatchingIndexingMap(input);
    SmallVector<AffineExpr> exprs;
    for (AffineExpr e : map.getResults()) {
      if (isa<AffineConstantExpr>(e)) {
        exprs.push_back(e);
        continue;
      }
      auto dim = dyn_cast<AffineDimExpr>(e);
      if (!dim || merged[dim.getPosition()] || !dimOf[dim.getPosition()])
        return;
      exprs.push_back(*dimOf[dim.getPosition()]);
    }
    maps.push_back(AffineMap::get(cRank, 0, exprs, context));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(cRank, context));

  b.setInsertionPoint(op);
  Location loc = op.getLoc();
  SmallVector<Value> inputs = {c};
  for (OpOperand *input : params)
    inputs.push_back(input->get());
  auto resultType = cast<RankedTensorType>(op.getResult(0).getType());
  Value init = tensor::EmptyOp::create(b, loc, cType.getShape(),
                                       resultType.getElementType());
  auto conformed = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      SmallVector<utils::IteratorType>(cRank, utils::IteratorType::parallel));
  IRMapping mapping;
  op.getRegion().cloneInto(&conformed.getRegion(), mapping);
  recoverIndices(conformed, cType, cGroups, eType, eGroups);
  // Back to the op's shape by the groups both shapes share: collapses and
  // expansions, which bufferize to views of any layout (a Concat computes
  // its inputs in slices of its result).
  Value reshaped = conformed.getResult(0);
  if (cGroups.size() != static_cast<size_t>(cRank))
    reshaped = tensor::CollapseShapeOp::create(b, loc, reshaped, cGroups);
  if (eGroups.size() != static_cast<size_t>(eType.getRank()))
    reshaped = tensor::ExpandShapeOp::create(b, loc, resultType, reshaped,
                                             eGroups);
  op.getResult(0).replaceAllUsesWith(reshaped);
  op.erase();
}

/// Merges the trailing loops of an elementwise op that every operand
/// reads contiguously or not at all ([N, C, H, W] with per-channel
/// parameters iterates [N, C, H*W]): the innermost loop is then long enough
/// to fill vectors (a 10 x 10 map's rows are not). A reduction merges its
/// trailing reduction loops the same way (a global pooling over H and W
/// reduces one run of H*W).
void collapseTrailingLoops(linalg::GenericOp op, RewriterBase &rewriter) {
  if (op.getNumLoops() < 3 || !op.hasPureTensorSemantics())
    return;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  bool reduces = op.getNumReductionLoops() != 0;
  if (reduces && !linalg::isReductionIterator(iterators.back()))
    return;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps, [](AffineMap m) { return m.isProjectedPermutation(); }) ||
      llvm::any_of(op.getBody()->getOperations(),
                   [](Operation &o) { return isa<linalg::IndexOp>(o); }))
    return;
  int64_t last = op.getNumLoops() - 1, first = last;
  // A broadcast (every input constant along the innermost loop) stays as
  // it is: it is a contraction's starting value, which its kernel loads as
  // registers when it writes the contraction's buffer itself.
  if (llvm::none_of(op.getDpsInputOperands(), [&](OpOperand *input) {
        return op.getMatchingIndexingMap(input).isFunctionOfDim(last);
      }))
    return;
  while (first > 1 && iterators[first - 1] == iterators[last]) {
    ReassociationIndices dims;
    for (int64_t d = first - 1; d <= last; ++d)
      dims.push_back(d);
    if (!linalg::areDimSequencesPreserved(maps, {dims}))
      break;
    --first;
  }
  // The merged loops must be static (a dynamic batch before them stays).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  while (first < last && llvm::any_of(ArrayRef(ranges).slice(first, last - first + 1),
                                      ShapedType::isDynamic))
    ++first;
  if (first == last)
    return;
  ReassociationIndices dims;
  for (int64_t d = first; d <= last; ++d)
    dims.push_back(d);
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, {dims}, rewriter);
  if (succeeded(collapsed))
    rewriter.replaceOp(op, collapsed->results);
}

struct CPUFuseElementwisePass
    : smelt::impl::CPUFuseElementwisePassBase<CPUFuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::ControlFusionFn control = shouldFuse;
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    FrozenRewritePatternSet frozen(std::move(patterns));
    // As upstream: a fixpoint not reached in the iteration limit is fine.
    (void)applyPatternsGreedily(getOperation(), frozen);
    // Once the reshapes have moved, the widenings that still have several
    // readers are copied into each and fused again.
    if (duplicateCheapWidenings(getOperation()))
      (void)applyPatternsGreedily(getOperation(), frozen);
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(context);
    for (linalg::GenericOp op : generics)
      collapseTrailingLoops(op, rewriter);
    generics.clear();
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    OpBuilder builder(context);
    for (linalg::GenericOp op : generics)
      conformToContraction(op, builder);
  }
};

} // namespace
