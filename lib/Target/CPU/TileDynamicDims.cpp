//===- TileDynamicDims.cpp - smelt-cpu-tile-dynamic-dims -------------------===//
//
// The CPU kernels are built for static shapes. Ops on buffers whose only
// dynamic dimension is a parallel one that every buffer they touch keeps
// first (a batch) run one batch element at a time: consecutive such ops
// over the same batch share one scf.for, and each reads and writes views of
// one element, of static shape (a window of every element, as a Pad's
// border fills and interior copy write, becomes that window of one). A
// batch buffer only the loop uses becomes one element's buffer, allocated
// in the loop, which the memory plan places like a batch of one's. The
// kernel passes then take them like any other, and the contraction kernels
// still absorb the fill before them and the activation after, which now
// sit next to them in the loop. An op that uses a buffer the run writes
// other than one element an iteration, the writer's (whole, or through a
// view that indexes it another way), starts a run of its own
// (RunBuffers). A large static batch of the entry function
// (static-batch-bytes) runs one element at a time the same way. Other ops with dynamic parallel
// dimensions are tiled by 1 along them alone (linalg's tiling).
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "llvm/ADT/MapVector.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace smelt {
#define GEN_PASS_DEF_CPUTILEDYNAMICDIMSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

Value batchSource(Value v);

/// Whether a subview keeps its source's dimension 0 whole (offset 0, stride
/// 1, the same size): a window of every batch element (a Pad's border
/// strip or interior), which a loop over the batch can cut per element.
bool keepsBatch(memref::SubViewOp view) {
  auto sourceType = view.getSourceType();
  if (view.getType().getRank() != sourceType.getRank() ||
      view.getStaticOffsets().front() != 0 ||
      view.getStaticStrides().front() != 1)
    return false;
  if (!ShapedType::isDynamic(view.getStaticSizes().front()))
    return !sourceType.isDynamicDim(0) &&
           view.getStaticSizes().front() == sourceType.getDimSize(0);
  Value size = view.getDynamicSizes().front();
  Value source = batchSource(view.getSource());
  if (auto dim = size.getDefiningOp<memref::DimOp>()) {
    std::optional<int64_t> index = dim.getConstantIndex();
    return index && *index == 0 && source &&
           batchSource(dim.getSource()) == source;
  }
  return source && size == source;
}

/// Whether `view` keeps each batch element its own, as element i of its
/// source is element i of it: a reshape keeping dimension 0 alone or a
/// window of every element (keepsBatch). A loop over the batch rebuilds
/// such a view on one element's view of its source.
bool keepsElements(Operation *view) {
  if (auto subview = dyn_cast_or_null<memref::SubViewOp>(view))
    return keepsBatch(subview);
  if (auto collapse = dyn_cast_or_null<memref::CollapseShapeOp>(view))
    return collapse.getReassociationIndices().front().size() == 1;
  if (auto expand = dyn_cast_or_null<memref::ExpandShapeOp>(view))
    return expand.getReassociationIndices().front().size() == 1;
  return false;
}

/// Where the size of dimension 0 of buffer `v` comes from: the value an
/// allocation was given, or the argument whose dimension it is, seen
/// through reshapes that keep dimension 0 alone, subviews that keep it
/// whole (keepsBatch), and memref.dim. Two buffers with the same source
/// have the same batch.
Value batchSource(Value v) {
  while (true) {
    Operation *def = v.getDefiningOp();
    if (isa_and_nonnull<memref::SubViewOp, memref::CollapseShapeOp,
                        memref::ExpandShapeOp>(def)) {
      if (!keepsElements(def))
        return Value();
      v = def->getOperand(0);
      continue;
    }
    if (auto alloc = dyn_cast_or_null<memref::AllocOp>(def)) {
      if (!alloc.getType().isDynamicDim(0))
        return Value();
      Value size = alloc.getDynamicSizes().front();
      if (auto dim = size.getDefiningOp<memref::DimOp>()) {
        std::optional<int64_t> index = dim.getConstantIndex();
        if (index && *index == 0) {
          v = dim.getSource();
          continue;
        }
      }
      return size;
    }
    if (isa<BlockArgument>(v))
      return v;
    return Value();
  }
}

/// A static batch the pass also runs one element at a time (static-batch-
/// bytes): the entry's first input's dimension 0, `size` (at least 2), and
/// a value that stands for it as every such buffer's batch source.
struct StaticBatch {
  int64_t size = 0;
  Value marker;
};

/// The op's batch loop: its one dynamic loop dimension, if it has exactly
/// one; with a static batch and no dynamic loop, the loop that indexes
/// dimension 0 of its output, when that is the batch's size.
std::optional<unsigned> batchLoop(linalg::LinalgOp op,
                                  const StaticBatch &batch) {
  std::optional<unsigned> found;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (auto [d, range] : llvm::enumerate(ranges)) {
    if (!ShapedType::isDynamic(range))
      continue;
    if (found)
      return std::nullopt;
    found = d;
  }
  if (found || !batch.size || op.getNumDpsInits() != 1)
    return found;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() == 0)
    return std::nullopt;
  auto d = dyn_cast<AffineDimExpr>(out.getResult(0));
  if (!d || ranges[d.getPosition()] != batch.size)
    return std::nullopt;
  return d.getPosition();
}

/// Whether `operand` of `op` is indexed by the op's batch loop (as its
/// dimension 0: opBatch checked that).
bool isBatched(linalg::LinalgOp op, OpOperand &operand,
               const StaticBatch &staticBatch) {
  std::optional<unsigned> batch = batchLoop(op, staticBatch);
  AffineMap map = op.getMatchingIndexingMap(&operand);
  return batch && isa<MemRefType>(operand.get().getType()) &&
         map.getNumResults() > 0 &&
         map.getResult(0) == getAffineDimExpr(*batch, op.getContext());
}

/// Whether `v` is a view of a constant global (the weights).
bool isConstantBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto global = dyn_cast<memref::GetGlobalOp>(def)) {
      auto symbol = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          def, global.getNameAttr());
      return symbol && symbol.getConstant();
    }
    if (!isa<ViewLikeOpInterface>(def))
      return false;
    v = def->getOperand(0);
  }
  return false;
}

/// The batch an op runs over, when it can run one element at a time: its
/// batch loop is parallel, and every buffer operand either ignores it or
/// has it as dimension 0 (dynamic, or the static batch's size), with its
/// other dimensions static. Null otherwise.
Value opBatch(linalg::LinalgOp op, const StaticBatch &staticBatch) {
  std::optional<unsigned> batch = batchLoop(op, staticBatch);
  if (!batch || op.getIteratorTypesArray()[*batch] !=
                    utils::IteratorType::parallel)
    return Value();
  Value source;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!map.isFunctionOfDim(*batch)) {
      // An output every iteration would write whole.
      if (op.isDpsInit(&operand))
        return Value();
      // (A buffer read whole: RunBuffers keeps it out of a loop that
      // writes it.)
      continue;
    }
    if (map.getNumResults() == 0 || map.getResult(0) !=
                                        getAffineDimExpr(*batch, op.getContext()))
      return Value();
    for (unsigned r = 1; r < map.getNumResults(); ++r)
      if (map.getResult(r).isFunctionOfDim(*batch))
        return Value();
    if (llvm::any_of(type.getShape().drop_front(), ShapedType::isDynamic))
      return Value();
    Value s;
    if (type.isDynamicDim(0))
      s = batchSource(operand.get());
    else if (staticBatch.size && type.getDimSize(0) == staticBatch.size)
      s = staticBatch.marker;
    if (!s || (source && s != source))
      return Value();
    source = s;
  }
  return source;
}

/// Whether every use of the allocation `alloc`, through views that keep
/// its elements (keepsElements), is by an op of `run` reading or writing
/// one element an iteration (a batched operand), or a memref.dim: the loop over the batch is then
/// the only place its contents live, one element at a time, and each
/// iteration may use a buffer of one element instead.
bool privateToRun(memref::AllocOp alloc,
                  const llvm::SmallPtrSetImpl<Operation *> &run,
                  const StaticBatch &staticBatch) {
  SmallVector<Value> worklist = {alloc.getResult()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<memref::DimOp>(user))
        continue;
      if (run.contains(user)) {
        if (!isBatched(cast<linalg::LinalgOp>(user), use, staticBatch))
          return false;
        continue;
      }
      // Only views the loop rebuilds on the element's buffer.
      if (!keepsElements(user))
        return false;
      worklist.push_back(user->getResult(0));
    }
  }
  return true;
}

/// Ops that may sit between the ops of one batch loop: they touch no
/// buffer's contents, so the loop may run after them.
bool movesPast(Operation *op) {
  return isMemoryEffectFree(op) ||
         isa<memref::AllocOp, memref::DimOp, ViewLikeOpInterface>(op);
}

/// What the ops of a run do to the buffers under their operands, by root
/// (the allocation or argument under the views): how they index each, and
/// whether one writes it. A loop over the batch runs op after op on one
/// element, so it keeps the ops' results only if each buffer the run
/// writes is used, by every op of the run, one element an iteration and
/// the same element: through its root, or views that keep elements
/// (keepsElements), or all through one view. Read whole, or through two
/// views that index it differently (a subview of one element, a transpose),
/// a buffer the run writes would be read before the loop has written it.
class RunBuffers {
public:
  explicit RunBuffers(const StaticBatch &batch) : staticBatch(batch) {}

  /// Adds `op`'s uses to the run's, unless that makes a conflict (then
  /// nothing changes).
  bool add(linalg::LinalgOp op) {
    llvm::MapVector<Value, Uses> merged;
    for (OpOperand &operand : op->getOpOperands()) {
      Value v = operand.get();
      if (!isa<MemRefType>(v.getType()) || isConstantBuffer(v))
        continue;
      auto [root, identity] = rootOf(v);
      auto it = merged.find(root);
      if (it == merged.end()) {
        auto known = roots.find(root);
        it = merged.insert({root, known == roots.end() ? Uses()
                                                       : known->second})
                 .first;
      }
      Uses &uses = it->second;
      if (!isBatched(op, operand, staticBatch))
        uses.whole = true;
      else
        uses.keys.insert(identity ? root : v);
      uses.written |= op.isDpsInit(&operand);
    }
    for (auto &[root, uses] : merged)
      if (uses.written && (uses.whole || uses.keys.size() > 1))
        return false;
    for (auto &[root, uses] : merged)
      roots[root] = uses;
    return true;
  }

  void clear() { roots.clear(); }

private:
  struct Uses {
    /// The values an op indexes it through, one element an iteration: the
    /// root, for views keeping elements; the view otherwise.
    llvm::SmallPtrSet<Value, 2> keys;
    bool whole = false;
    bool written = false;
  };

  /// The buffer under `v`'s views, and whether each view keeps elements.
  /// An op that makes a buffer of another without the view interface
  /// (memref.transpose) counts as a view of its first buffer operand.
  static std::pair<Value, bool> rootOf(Value v) {
    bool identity = true;
    while (Operation *def = v.getDefiningOp()) {
      Value source;
      if (auto view = dyn_cast<ViewLikeOpInterface>(def))
        source = view.getViewSource();
      else
        for (Value operand : def->getOperands())
          if (isa<BaseMemRefType>(operand.getType())) {
            source = operand;
            break;
          }
      if (!source)
        break;
      identity &= keepsElements(def);
      v = source;
    }
    return {v, identity};
  }

  const StaticBatch &staticBatch;
  llvm::DenseMap<Value, Uses> roots;
};

struct CPUTileDynamicDimsPass
    : smelt::impl::CPUTileDynamicDimsPassBase<CPUTileDynamicDimsPass> {
  using CPUTileDynamicDimsPassBase::CPUTileDynamicDimsPassBase;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    func::FuncOp func = getOperation();
    // (One pass instance may run on several functions.)
    staticBatch = StaticBatch();
    noElementView = false;
    loops.clear();
    // A static batch (the entry's first input's dimension 0), when asked
    // for.
    if (staticBatchBytes > 0 && func.getName() == smelt::kONNXEntryName &&
        func.getNumArguments() > 0 && !func.isExternal()) {
      auto type = dyn_cast<MemRefType>(func.getArgument(0).getType());
      if (type && type.getRank() > 0 && !type.isDynamicDim(0) &&
          type.getDimSize(0) >= 2) {
        staticBatch.size = type.getDimSize(0);
        rewriter.setInsertionPointToStart(&func.getBody().front());
        staticBatch.marker = arith::ConstantIndexOp::create(
            rewriter, func.getLoc(), staticBatch.size);
      }
    }
    // Copies of dynamic shape (a pad's interior, a concatenation's parts),
    // and of the static batch's, as linalg.copy, so that they run per
    // batch element too.
    getOperation().walk([&](memref::CopyOp copy) {
      auto type = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (!type || !target ||
          (type.hasStaticShape() &&
           !(staticBatch.size && type.getRank() > 0 &&
             type.getDimSize(0) == staticBatch.size &&
             target.getDimSize(0) == staticBatch.size)))
        return;
      rewriter.setInsertionPoint(copy);
      auto converted = rewriter.replaceOpWithNewOp<linalg::CopyOp>(
          copy, copy.getSource(), copy.getTarget());
      if (type.hasStaticShape())
        converted->setAttr(kStaticBatchCopy, rewriter.getUnitAttr());
    });
    // Runs of ops over one batch, in each block of the function.
    SmallVector<SmallVector<linalg::LinalgOp>> runs;
    getOperation().walk([&](Block *block) {
      SmallVector<linalg::LinalgOp> run;
      Value runBatch;
      RunBuffers buffers(staticBatch);
      auto close = [&] {
        if (!run.empty())
          runs.push_back(run);
        run.clear();
        runBatch = Value();
        buffers.clear();
      };
      for (Operation &op : *block) {
        auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
        Value batch = linalgOp && linalgOp.hasPureBufferSemantics()
                          ? opBatch(linalgOp, staticBatch)
                          : Value();
        if (batch && (!runBatch || batch == runBatch) &&
            buffers.add(linalgOp)) {
          run.push_back(linalgOp);
          runBatch = batch;
          continue;
        }
        if (!batch && movesPast(&op))
          continue;
        close();
        // A new run, unless the op alone uses a buffer it writes
        // differently (then it is left whole).
        if (batch && buffers.add(linalgOp)) {
          run.push_back(linalgOp);
          runBatch = batch;
        }
      }
      close();
    });
    for (ArrayRef<linalg::LinalgOp> run : runs)
      if (worthLooping(run))
        loopOverBatch(rewriter, run);
    if (noElementView)
      return signalPassFailure();
    // The static batch's copies: those of a loop stay linalg.copy ops of
    // one element; those of runs left whole are memref.copy again.
    SmallVector<linalg::CopyOp> marked;
    getOperation().walk([&](linalg::CopyOp copy) {
      if (copy->hasAttr(kStaticBatchCopy))
        marked.push_back(copy);
    });
    for (linalg::CopyOp copy : marked) {
      copy->removeAttr(kStaticBatchCopy);
      if (loops.contains(copy->getParentOp()))
        continue;
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<memref::CopyOp>(
          copy, copy.getDpsInputs()[0], copy.getDpsInits()[0]);
    }
    if (staticBatch.marker && staticBatch.marker.use_empty())
      rewriter.eraseOp(staticBatch.marker.getDefiningOp());

    // What is left: tiled by 1 along its dynamic parallel dimensions.
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() &&
          llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      tileAlone(rewriter, op);
  }

  /// Whether a run goes one element at a time: always over a dynamic
  /// batch; over the static one when the batch's largest buffer the run
  /// touches (N times one element's) is past static-batch-bytes, where
  /// the run, layer by layer over the whole batch, would stream its
  /// activations through memory (mobilenet_v2 at batch 64 ran 2x slower
  /// than one image at a time; at batch 3, 10-15% faster).
  bool worthLooping(ArrayRef<linalg::LinalgOp> run) {
    if (!staticBatch.size || opBatch(run.front(), staticBatch) !=
                                 staticBatch.marker)
      return true;
    int64_t largest = 0;
    for (linalg::LinalgOp op : run)
      for (OpOperand &operand : op->getOpOperands())
        if (isBatched(op, operand, staticBatch)) {
          auto type = cast<MemRefType>(operand.get().getType());
          Type element = type.getElementType();
          int64_t bytes = element.isIntOrFloat()
                              ? (element.getIntOrFloatBitWidth() + 7) / 8
                              : 8;
          largest = std::max<int64_t>(largest,
                                      type.getNumElements() * bytes);
        }
    return largest > staticBatchBytes;
  }

  StaticBatch staticBatch;
  /// Set when a view of one batch element could not be made.
  bool noElementView = false;
  /// The loops over the batch this pass made.
  llvm::SmallPtrSet<Operation *, 16> loops;
  /// Marks the static batch's copies made linalg.copy ops.
  static constexpr llvm::StringLiteral kStaticBatchCopy =
      "smelt.static_batch_copy";

  /// One scf.for over the batch, after the run's last op, holding each op
  /// of the run on views of one batch element.
  void loopOverBatch(IRRewriter &rewriter, ArrayRef<linalg::LinalgOp> run) {
    linalg::LinalgOp last = run.back();
    Location loc = run.front()->getLoc();
    rewriter.setInsertionPoint(last);
    // The batch size: dimension 0 of a buffer the first op runs over it.
    Value sized;
    for (OpOperand &operand : run.front()->getOpOperands())
      if (isBatched(run.front(), operand, staticBatch))
        sized = operand.get();
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = memref::DimOp::create(rewriter, loc, sized, 0);
    auto loop = scf::ForOp::create(rewriter, loc, zero, count, one);
    loops.insert(loop);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value index = loop.getInductionVar();
    llvm::SmallPtrSet<Operation *, 32> inRun;
    for (linalg::LinalgOp op : run)
      inRun.insert(op);
    // Batch buffers the run alone uses become one element's buffer,
    // allocated in the loop right before its first use: static, so the
    // memory plan places them and shares their bytes along one iteration
    // as for a batch of one (allocated at the loop's start, all of them
    // would be live at once: mobilenet_v2 at batch 1 ran 1.3x slower), and
    // the element's working set stays in cache from layer to layer.
    SmallVector<memref::AllocOp> privatized;
    // One view per buffer and iteration: an op and the one that reads its
    // result see the same value, as the kernels' fusion asks.
    llvm::DenseMap<Value, Value> views;
    std::function<Value(Value)> element = [&](Value v) -> Value {
      if (Value known = views.lookup(v))
        return known;
      auto type = cast<MemRefType>(v.getType());
      Value view;
      // A reshape keeping dimension 0 alone: the same reshape of the
      // source's element, so that reshapes between a kernel and its
      // activation stay reshapes.
      if (auto collapse = v.getDefiningOp<memref::CollapseShapeOp>();
          collapse && collapse.getReassociationIndices().front().size() == 1) {
        Value source = element(collapse.getSrc());
        view = memref::CollapseShapeOp::create(
            rewriter, loc, source, collapse.getReassociationIndices());
      } else if (auto expand = v.getDefiningOp<memref::ExpandShapeOp>();
                 expand &&
                 expand.getReassociationIndices().front().size() == 1) {
        Value source = element(expand.getSrc());
        SmallVector<int64_t> shape(type.getShape());
        shape[0] = 1;
        auto resultType = memref::ExpandShapeOp::computeExpandedType(
            cast<MemRefType>(source.getType()), shape,
            expand.getReassociationIndices());
        if (failed(resultType)) {
          // (The element's view of a source an expand_shape took is laid
          // out as the source is: this does not happen.)
          expand->emitError("smelt-cpu-tile-dynamic-dims: no view of one "
                            "batch element of this expand_shape");
          noElementView = true;
          return v;
        }
        view = memref::ExpandShapeOp::create(rewriter, loc, *resultType,
                                             source,
                                             expand.getReassociationIndices());
      }
      // A window of every element (keepsBatch): the same window of this
      // element.
      if (auto window = v.getDefiningOp<memref::SubViewOp>();
          window && keepsBatch(window)) {
        Value source = element(window.getSource());
        SmallVector<OpFoldResult> offsets = window.getMixedOffsets();
        SmallVector<OpFoldResult> sizes = window.getMixedSizes();
        offsets[0] = rewriter.getIndexAttr(0);
        sizes[0] = rewriter.getIndexAttr(1);
        view = memref::SubViewOp::create(rewriter, loc, source, offsets,
                                         sizes, window.getMixedStrides());
      }
      if (auto alloc = v.getDefiningOp<memref::AllocOp>();
          !view && alloc && type.getLayout().isIdentity() &&
          (alloc.getDynamicSizes().size() == 1 ||
           (staticBatch.size && type.hasStaticShape() &&
            type.getDimSize(0) == staticBatch.size)) &&
          privateToRun(alloc, inRun, staticBatch)) {
        SmallVector<int64_t> shape(type.getShape());
        shape[0] = 1;
        view = memref::AllocOp::create(
            rewriter, alloc.getLoc(),
            MemRefType::get(shape, type.getElementType()),
            alloc.getAlignmentAttr());
        privatized.push_back(alloc);
      }
      if (!view) {
        SmallVector<OpFoldResult> offsets(type.getRank(),
                                          rewriter.getIndexAttr(0));
        offsets[0] = index;
        SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(1)};
        for (int64_t d : type.getShape().drop_front())
          sizes.push_back(rewriter.getIndexAttr(d));
        SmallVector<OpFoldResult> strides(type.getRank(),
                                          rewriter.getIndexAttr(1));
        view = memref::SubViewOp::create(rewriter, loc, v, offsets, sizes,
                                         strides);
      }
      views[v] = view;
      return view;
    };
    for (linalg::LinalgOp op : run) {
      IRMapping mapping;
      for (OpOperand &operand : op->getOpOperands())
        if (isBatched(op, operand, staticBatch))
          mapping.map(operand.get(), element(operand.get()));
      rewriter.clone(*op, mapping);
    }
    for (linalg::LinalgOp op : run)
      rewriter.eraseOp(op);
    // The batch buffers that went private: their views are dead, their
    // sizes read from what they were allocated with.
    for (memref::AllocOp alloc : privatized) {
      rewriter.setInsertionPoint(alloc);
      Value size = alloc.getDynamicSizes().empty()
                       ? Value(arith::ConstantIndexOp::create(
                             rewriter, alloc.getLoc(),
                             alloc.getType().getDimSize(0)))
                       : alloc.getDynamicSizes().front();
      SmallVector<Operation *> dead;
      SmallVector<Value> worklist = {alloc.getResult()};
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (Operation *user : llvm::make_early_inc_range(v.getUsers())) {
          if (auto dim = dyn_cast<memref::DimOp>(user)) {
            std::optional<int64_t> d = dim.getConstantIndex();
            auto vType = cast<MemRefType>(v.getType());
            rewriter.setInsertionPoint(dim);
            if (d && !vType.isDynamicDim(*d))
              rewriter.replaceOp(dim, arith::ConstantIndexOp::create(
                                          rewriter, dim.getLoc(),
                                          vType.getDimSize(*d))
                                          .getResult());
            else if (d && *d == 0)
              rewriter.replaceOp(dim, size);
            continue;
          }
          // (privateToRun let only dims and views keeping elements use
          // it.)
          if (user->getNumResults() != 1)
            continue;
          dead.push_back(user);
          worklist.push_back(user->getResult(0));
        }
      }
      for (Operation *op : llvm::reverse(dead))
        if (op->use_empty())
          rewriter.eraseOp(op);
      if (alloc->use_empty())
        rewriter.eraseOp(alloc);
    }
  }

  void tileAlone(IRRewriter &rewriter, linalg::LinalgOp op) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> tiles(ranges.size(), 0);
    for (auto [d, range] : llvm::enumerate(ranges)) {
      if (!ShapedType::isDynamic(range))
        continue;
      if (iterators[d] != utils::IteratorType::parallel)
        return explainLeft(
            op, "it reduces along a dimension known only at run time");
      tiles[d] = 1;
    }
    linalg::LinalgTilingOptions options;
    options.setTileSizes(tiles).setLoopType(
        linalg::LinalgTilingLoopType::Loops);
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::TiledLinalgOp> tiled =
        linalg::tileLinalgOp(rewriter, op, options);
    if (failed(tiled))
      return explainLeft(op, "linalg's tiling declined it");
    rewriter.eraseOp(op);
  }

  void explainLeft(linalg::LinalgOp op, StringRef why) {
    if (explain)
      op->emitRemark() << "dynamic dimensions left in scalar loops: " << why;
  }
};

} // namespace
