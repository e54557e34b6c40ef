//===- ContractionFusion.cpp - What a contraction kernel absorbs ----------===//
//
// The ops next to a contraction that its kernel takes over: the fill or
// broadcast that initializes its output (the kernel starts its registers
// from it) and the elementwise op that reads the finished output (applied
// to the registers before they are stored), with the aliasing checks that
// make moving them safe.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "BufferLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// Where a buffer lives: its root allocation (or argument, or global) and
/// its byte range there when known.
struct Extent {
  Value root;
  std::optional<std::pair<int64_t, int64_t>> bytes;
};

Extent extentOf(Value v) {
  Extent e{v, std::nullopt};
  auto type = dyn_cast<MemRefType>(v.getType());
  if (auto view = v.getDefiningOp<memref::ViewOp>()) {
    APInt offset;
    if (type && type.hasStaticShape() && type.getElementType().isF32() &&
        matchPattern(view.getByteShift(), m_ConstantInt(&offset))) {
      int64_t begin = offset.getSExtValue();
      e.bytes = {begin, begin + type.getNumElements() * 4};
    }
    e.root = extentOf(view.getSource()).root;
    return e;
  }
  if (auto viewLike = v.getDefiningOp<ViewLikeOpInterface>()) {
    Extent source = extentOf(viewLike.getViewSource());
    source.bytes = std::nullopt;
    return source;
  }
  if (auto global = v.getDefiningOp<memref::GetGlobalOp>())
    e.root = v; // distinct get_global ops of one global compare below
  return e;
}

bool sameGlobal(Value a, Value b) {
  auto ga = a.getDefiningOp<memref::GetGlobalOp>();
  auto gb = b.getDefiningOp<memref::GetGlobalOp>();
  return ga && gb && ga.getName() == gb.getName();
}

/// The box of `rootType` (static, in row-major order) that a view of it
/// covers, per dimension [first, end), when the view is a window of it:
/// same rank and strides, a static offset.
std::optional<SmallVector<std::pair<int64_t, int64_t>>>
windowOf(MemRefType viewType, MemRefType rootType) {
  SmallVector<int64_t> strides, rootStrides;
  int64_t offset, rootOffset;
  if (!viewType || !viewType.hasStaticShape() ||
      viewType.getRank() != rootType.getRank() ||
      failed(viewType.getStridesAndOffset(strides, offset)) ||
      failed(rootType.getStridesAndOffset(rootStrides, rootOffset)) ||
      strides != rootStrides || ShapedType::isDynamic(offset) ||
      rootOffset != 0)
    return std::nullopt;
  SmallVector<std::pair<int64_t, int64_t>> box;
  for (auto [d, stride] : llvm::enumerate(strides)) {
    int64_t first = offset / stride % rootType.getDimSize(d);
    if (first + viewType.getDimSize(d) > rootType.getDimSize(d))
      return std::nullopt; // not a window: it wraps around a row
    box.push_back({first, first + viewType.getDimSize(d)});
  }
  return box;
}

bool disjoint(ArrayRef<std::pair<int64_t, int64_t>> a,
              ArrayRef<std::pair<int64_t, int64_t>> b) {
  for (auto [x, y] : llvm::zip(a, b))
    if (x.second <= y.first || y.second <= x.first)
      return true;
  return false;
}

/// The view whose bytes `v` covers: `v` itself, or what an expand_shape or
/// collapse_shape of it reshapes (the same bytes under another shape).
Value underReshapes(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// Whether the two buffers may share bytes. Distinct roots never do: the
/// entry function's arguments are distinct caller buffers.
bool mayOverlap(Value a, Value b) {
  a = underReshapes(a);
  b = underReshapes(b);
  Extent ea = extentOf(a), eb = extentOf(b);
  if (ea.root != eb.root && !sameGlobal(ea.root, eb.root))
    return false;
  // Two windows of one buffer (a Pad's border and its interior).
  if (auto rootType = dyn_cast<MemRefType>(ea.root.getType());
      rootType && rootType.hasStaticShape() &&
      rootType.getLayout().isIdentity()) {
    auto wa = windowOf(dyn_cast<MemRefType>(a.getType()), rootType);
    auto wb = windowOf(dyn_cast<MemRefType>(b.getType()), rootType);
    if (wa && wb)
      return !disjoint(*wa, *wb);
  }
  if (!ea.bytes || !eb.bytes)
    return true;
  return ea.bytes->first < eb.bytes->second &&
         eb.bytes->first < ea.bytes->second;
}

/// A load from a constant 1-D table (smelt-cpu-tabulate's) at an index
/// computed in the body: vector code gathers it.
bool isTableLookup(Operation *op, Block &body) {
  auto load = dyn_cast<memref::LoadOp>(op);
  if (!load || load.getIndices().size() != 1)
    return false;
  auto global = load.getMemRef().getDefiningOp<memref::GetGlobalOp>();
  Type element = load.getType();
  return global && global->getBlock() != &body &&
         (element.isF32() || element.isInteger(32));
}

/// Whether `v` is `c` seen through reshapes.
bool readsThroughReshapes(Value v, Value c) {
  while (v != c) {
    Operation *def = v.getDefiningOp();
    if (!isa_and_nonnull<memref::ReshapeOp, memref::CollapseShapeOp,
                         memref::ExpandShapeOp>(def))
      return false;
    v = def->getOperand(0);
  }
  return true;
}

/// When `input` is an expand_shape that adds only dimensions of size one
/// (a bias of C elements seen as [C, 1]), its source read through `map`
/// with those indices dropped: the same elements, the vector dimension
/// then innermost where it was followed only by unit dimensions.
void seeThroughUnitExpansion(Value &input, AffineMap &map) {
  auto expand = input.getDefiningOp<memref::ExpandShapeOp>();
  if (!expand)
    return;
  ArrayRef<int64_t> shape = expand.getResultType().getShape();
  SmallVector<AffineExpr> results;
  for (ReassociationIndices group : expand.getReassociationIndices()) {
    std::optional<int64_t> kept;
    for (int64_t r : group) {
      if (shape[r] == 1)
        continue;
      if (kept)
        return; // two dimensions of more than one element: not a unit split
      kept = r;
    }
    results.push_back(kept ? map.getResult(*kept)
                           : getAffineConstantExpr(0, map.getContext()));
  }
  input = expand.getSrc();
  map = AffineMap::get(map.getNumDims(), 0, results, map.getContext());
}

} // namespace

void smelt::detail::findPrologue(Contraction &k) {
  // The last op before the contraction that touches C; what runs in between
  // (the padding of its input, another branch of the graph) must neither
  // read nor write C, nor write what the prologue reads, since the kernel
  // takes the prologue's place.
  SmallVector<Operation *> between;
  Operation *prev = k.op->getPrevNode();
  auto touchesC = [&](Operation *op) {
    return llvm::any_of(op->getOperands(), [&](Value v) {
      return isa<MemRefType>(v.getType()) && mayOverlap(v, k.c);
    });
  };
  while (prev) {
    if (isMemoryEffectFree(prev) ||
        isa<ViewLikeOpInterface, memref::AllocOp>(prev)) {
      prev = prev->getPrevNode();
      continue;
    }
    if (touchesC(prev))
      break;
    if (!isa<linalg::LinalgOp, memref::CopyOp, memref::DeallocOp>(prev) ||
        prev->getNumRegions() > 1 || between.size() >= 16)
      return;
    between.push_back(prev);
    prev = prev->getPrevNode();
  }
  auto init = dyn_cast_or_null<linalg::LinalgOp>(prev);
  if (!init || !init.hasPureBufferSemantics() || init.getNumDpsInits() != 1 ||
      init.getDpsInitOperand(0)->get() != k.c ||
      init.getNumReductionLoops() != 0 ||
      !init.getMatchingIndexingMap(init.getDpsInitOperand(0)).isIdentity())
    return;
  // C is not read through some other name in between either (what ran
  // before the fill or broadcast, in a buffer bufferization shares, does
  // not matter: the fill writes all of C).
  for (Operation *user : k.c.getUsers())
    if (user != k.op && user != prev && prev->isBeforeInBlock(user) &&
        user->isBeforeInBlock(k.op) && !isa<memref::DeallocOp>(user))
      return;
  Type element = cast<MemRefType>(k.c.getType()).getElementType();
  if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
    if (fill.getInputs()[0].getType() != element)
      return;
    k.prologue = prev;
    return;
  }
  auto generic = dyn_cast<linalg::GenericOp>(prev);
  if (!generic || generic.getNumDpsInputs() != 1)
    return;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (!llvm::hasSingleElement(body) ||
      yield.getOperand(0) != body.getArgument(0))
    return;
  OpOperand *operand = generic.getDpsInputOperand(0);
  Value input = operand->get();
  AffineMap map = generic.getMatchingIndexingMap(operand);
  if (!map.isProjectedPermutation(/*allowZeroInResults=*/true))
    return;
  seeThroughUnitExpansion(input, map);
  auto inputType = dyn_cast<MemRefType>(input.getType());
  if (!inputType || inputType.getElementType() != element)
    return;
  // In the contraction's dimensions: C's index r is dimension cMap[r].
  AffineMap composed = map.compose(k.cMap);
  if (composed.getNumResults() > 0 &&
      composed.getResults().back().isFunctionOfDim(k.n)) {
    if (composed.getResults().back() !=
            getAffineDimExpr(k.n, k.op.getContext()) ||
        !hasUnitInnerStride(inputType))
      return;
  }
  for (unsigned r = 0; r + 1 < composed.getNumResults(); ++r)
    if (composed.getResult(r).isFunctionOfDim(k.n))
      return;
  // What the kernel reads in the prologue's place must hold the same
  // values there: nothing in between writes it, nor anything between the
  // contraction and its epilogue, where the kernel runs.
  SmallVector<Operation *> writers(between);
  if (k.epilogue)
    for (Operation *op = k.op->getNextNode(); op && op != k.epilogue;
         op = op->getNextNode())
      writers.push_back(op);
  for (Operation *op : writers) {
    if (isMemoryEffectFree(op) ||
        isa<ViewLikeOpInterface, memref::AllocOp, memref::DeallocOp>(op))
      continue;
    SmallVector<Value> written;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      written = linalgOp.getDpsInits();
    else if (auto copy = dyn_cast<memref::CopyOp>(op))
      written.push_back(copy.getTarget());
    else
      return;
    if (llvm::any_of(written, [&](Value v) { return mayOverlap(v, input); }))
      return;
  }
  k.prologue = prev;
  k.prologueInput = input;
  k.prologueMap = composed;
}

void smelt::detail::findEpilogue(Contraction &k) {
  // The first op after the contraction that reads C; what runs in between
  // (another branch of the graph) must touch neither C, the contraction's
  // operands nor the epilogue's, since the kernel moves to the epilogue.
  SmallVector<Operation *> between;
  Operation *next = k.op->getNextNode();
  // (memref.reshape reads its shape operand, a constant; it writes nothing.)
  while (next) {
    if (isMemoryEffectFree(next) ||
        isa<ViewLikeOpInterface, memref::AllocOp>(next)) {
      next = next->getNextNode();
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(next);
    if (g && g.getNumDpsInputs() >= 1 &&
        readsThroughReshapes(g.getDpsInputOperand(0)->get(), k.c))
      break;
    if (!isa<linalg::LinalgOp, memref::CopyOp>(next) ||
        next->getNumRegions() > 1 || between.size() >= 16)
      return;
    between.push_back(next);
    next = next->getNextNode();
  }
  auto e = dyn_cast_or_null<linalg::GenericOp>(next);
  if (e)
    for (Operation *op : between)
      for (Value operand : op->getOperands()) {
        if (!isa<MemRefType>(operand.getType()))
          continue;
        if (mayOverlap(operand, k.c) || mayOverlap(operand, k.b) ||
            (k.a && mayOverlap(operand, k.a)))
          return;
        for (Value used : e->getOperands())
          if (isa<MemRefType>(used.getType()) && mayOverlap(operand, used))
            return;
      }
  if (!e || !e.hasPureBufferSemantics() || e.getNumDpsInputs() < 1 ||
      e.getNumDpsInits() != 1 || e.getNumReductionLoops() != 0 ||
      k.combiner != Combiner::MultiplyAdd)
    return;
  // The epilogue may read C through reshapes (a convolution's [N, G, M/G,
  // ...] result seen as [N, M, ...]): with all contiguous (one image of a
  // dynamic batch included: a view at a dynamic offset), elements still
  // pair up in order.
  auto cType = cast<MemRefType>(k.c.getType());
  Value read = e.getDpsInputOperand(0)->get();
  Operation *reshape = nullptr; // the one that reads C
  for (Value v = read; v != k.c;) {
    Operation *def = v.getDefiningOp();
    if (!isa_and_nonnull<memref::ReshapeOp, memref::CollapseShapeOp,
                         memref::ExpandShapeOp>(def) ||
        !v.hasOneUse() || !isContiguous(cast<MemRefType>(v.getType())))
      return;
    reshape = def;
    v = def->getOperand(0);
  }
  if (reshape && !isContiguous(cType))
    return;
  Value out = e.getDpsInitOperand(0)->get();
  auto outType = dyn_cast<MemRefType>(out.getType());
  auto readType = cast<MemRefType>(read.getType());
  if (!outType || outType.getShape() != readType.getShape() ||
      !outType.getElementType().isIntOrFloat() || !hasUnitInnerStride(outType) ||
      (reshape && !isContiguous(outType)))
    return;
  // Other inputs (scales, zero points) are read at C's indices, so the
  // epilogue must iterate C's own shape; each either does not vary along
  // the innermost dimension (one value per row) or runs along it.
  // Through a reshape, they must be read element for element too (a
  // residual): the kernel reads them with C's shape.
  bool sameShape = readType.getShape() == cType.getShape();
  if (e.getNumDpsInputs() > 1 && !sameShape) {
    if (!cType.getLayout().isIdentity() || !cType.hasStaticShape())
      return;
    for (unsigned i = 1; i < e.getNumDpsInputs(); ++i) {
      OpOperand *operand = e.getDpsInputOperand(i);
      auto type = dyn_cast<MemRefType>(operand->get().getType());
      if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity() ||
          type.getNumElements() != cType.getNumElements() ||
          !e.getMatchingIndexingMap(operand).isIdentity())
        return;
    }
    k.reshapedInputs = true;
  }
  unsigned rank = readType.getRank();
  for (OpOperand &operand : e->getOpOperands()) {
    AffineMap map = e.getMatchingIndexingMap(&operand);
    if (operand.getOperandNumber() == 0 || e.isDpsInit(&operand)) {
      if (!map.isIdentity())
        return;
      continue;
    }
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !map.isProjectedPermutation(/*allowZeroInResults=*/true))
      return;
    for (unsigned r = 0; r + 1 < map.getNumResults(); ++r)
      if (map.getResult(r).isFunctionOfDim(rank - 1))
        return;
    if (map.getNumResults() > 0 &&
        map.getResults().back().isFunctionOfDim(rank - 1) &&
        (map.getResults().back() !=
             getAffineDimExpr(rank - 1, e.getContext()) ||
         !hasUnitInnerStride(type)))
      return;
  }
  Block &body = e.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return;
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op) || isTableLookup(&op, body))
      continue;
    if (!op.hasTrait<OpTrait::Elementwise>() || op.getNumRegions() != 0 ||
        !llvm::all_of(op.getResultTypes(),
                      [](Type t) { return t.isIntOrIndexOrFloat(); }))
      return;
  }
  // C is a temporary: a result of the function (an out-parameter) must be
  // written even when an epilogue reads it.
  if (isa<BlockArgument>(extentOf(k.c).root))
    return;
  // Nothing reads C, or a view of it, after the epilogue (the deallocation
  // may follow) before something writes all of it anew (the buffer may be
  // shared with a later contraction's result): the kernel never writes C.
  SmallVector<Value> aliases = {k.c};
  Operation *firstAfter = nullptr;
  for (size_t i = 0; i < aliases.size(); ++i)
    for (Operation *user : aliases[i].getUsers()) {
      if (user->getBlock() != k.op->getBlock())
        return;
      if (user == k.op || user == e.getOperation() ||
          isa<memref::DeallocOp>(user))
        continue;
      if (isa<ViewLikeOpInterface, memref::ReshapeOp, memref::CollapseShapeOp,
              memref::ExpandShapeOp>(user)) {
        aliases.push_back(user->getResult(0));
        continue;
      }
      if (e->isBeforeInBlock(user) &&
          (!firstAfter || user->isBeforeInBlock(firstAfter)))
        firstAfter = user;
    }
  // An epilogue that writes C's own buffer in place (bufferization puts an
  // elementwise result there when C dies): later readers read its result.
  bool inPlace = extentOf(out).root == extentOf(k.c).root;
  if (firstAfter && !inPlace) {
    // A fill or broadcast into C itself, reading nothing of it.
    auto init = dyn_cast<linalg::LinalgOp>(firstAfter);
    if (!init || init.getNumDpsInits() != 1 ||
        init.getDpsInitOperand(0)->get() != k.c ||
        init.getNumReductionLoops() != 0 ||
        init.payloadUsesValueFromOperand(init.getDpsInitOperand(0)) ||
        !init.getMatchingIndexingMap(init.getDpsInitOperand(0)).isIdentity() ||
        llvm::any_of(init.getDpsInputs(),
                     [&](Value v) { return mayOverlap(v, k.c); }))
      return;
  }
  // The kernel now runs where the epilogue was, writing its output while it
  // reads A and B: they must not share bytes (the memory plan may have
  // given a dead input's bytes to the epilogue's output).
  if (mayOverlap(out, k.b) || (k.a && mayOverlap(out, k.a)))
    return;
  k.epilogue = e;
  k.epilogueOutput = out;
}

void smelt::detail::findPitchedStore(Contraction &k) {
  if (!k.epilogue || k.int8)
    return;
  Value out = k.epilogueOutput;
  auto outType = dyn_cast<MemRefType>(out.getType());
  auto cType = cast<MemRefType>(k.c.getType());
  MLIRContext *ctx = k.op.getContext();
  if (!outType || !outType.getElementType().isF32() ||
      !outType.getLayout().isIdentity() ||
      outType.getShape() != cType.getShape() ||
      !out.getDefiningOp<memref::AllocOp>() || k.cMap.getNumResults() == 0 ||
      k.cMap.getResults().back() != getAffineDimExpr(k.n, ctx))
    return;
  // The output's only reader: one reshape that splits n into [H, W], whose
  // only reader is the copy.
  memref::ExpandShapeOp expand;
  for (Operation *user : out.getUsers()) {
    if (user == k.epilogue.getOperation())
      continue;
    auto e = dyn_cast<memref::ExpandShapeOp>(user);
    if (!e || expand)
      return;
    expand = e;
  }
  unsigned rank = outType.getRank();
  if (!expand || !expand->hasOneUse() ||
      expand.getReassociationIndices().size() != rank ||
      expand.getReassociationIndices().back().size() != 2)
    return;
  for (unsigned r = 0; r + 1 < rank; ++r)
    if (expand.getReassociationIndices()[r].size() != 1)
      return;
  auto copy = dyn_cast<memref::CopyOp>(*expand->getUsers().begin());
  Block *block = k.op->getBlock();
  if (!copy || copy.getSource() != expand.getResult() ||
      copy->getBlock() != block || !k.epilogue->isBeforeInBlock(copy))
    return;
  Value view = copy.getTarget();
  auto viewType = cast<MemRefType>(view.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!viewType.hasStaticShape() ||
      failed(viewType.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic) || strides.back() != 1)
    return;
  // At most three rows in one vector of 16 lanes.
  int64_t width = viewType.getShape().back();
  int64_t pitch = strides[rank - 1];
  if (width < 8 || pitch < width)
    return;
  // The view comes from an allocation of this block by views of static
  // windows, which can move up to where the kernel runs.
  Value root = extentOf(view).root;
  auto alloc = root.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != block || alloc->getNumOperands() != 0 ||
      !alloc.getType().getLayout().isIdentity())
    return;
  SmallVector<Operation *> viewOps = {alloc};
  for (Value v = view; v != root;) {
    Operation *def = v.getDefiningOp();
    if (def->getBlock() != block || def->getNumOperands() != 1)
      return;
    viewOps.insert(viewOps.begin() + 1, def);
    v = def->getOperand(0);
  }
  std::optional<SmallVector<std::pair<int64_t, int64_t>>> interior =
      windowOf(viewType, alloc.getType());
  if (!interior)
    return;
  // Up to the copy, only fills of other windows touch the buffer (the
  // Pad's borders): the kernel may write the interior before them.
  for (Operation *op = k.epilogue->getNextNode(); op != copy.getOperation();
       op = op->getNextNode()) {
    if (isa<ViewLikeOpInterface>(op) || isMemoryEffectFree(op))
      continue;
    WalkResult touches = op->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands()) {
        if (!isa<MemRefType>(operand.getType()) ||
            extentOf(operand).root != root)
          continue;
        auto fill = dyn_cast<linalg::FillOp>(nested);
        std::optional<SmallVector<std::pair<int64_t, int64_t>>> box =
            fill && fill.getOutputs()[0] == operand
                ? windowOf(cast<MemRefType>(operand.getType()),
                           alloc.getType())
                : std::nullopt;
        if (!box || !disjoint(*box, *interior))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (touches.wasInterrupted())
      return;
  }
  // Nothing before the kernel uses the buffer, through any view.
  SmallVector<Value> aliases = {root};
  for (size_t i = 0; i < aliases.size(); ++i)
    for (Operation *user : aliases[i].getUsers()) {
      if (isa<ViewLikeOpInterface>(user)) {
        aliases.push_back(user->getResult(0));
        continue;
      }
      Operation *at = block->findAncestorOpInBlock(*user);
      if (!at || at->isBeforeInBlock(k.epilogue))
        return;
    }
  k.pitched = Contraction::PitchedStore{
      copy, view, width, pitch,
      SmallVector<int64_t>(strides.begin(), strides.begin() + rank - 1),
      std::move(viewOps)};
}
