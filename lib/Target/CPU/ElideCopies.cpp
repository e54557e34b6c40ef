//===- ElideCopies.cpp - smelt-cpu-elide-copies ----------------------------===//
//
// A buffer computed only to be copied whole into a view of another buffer
// (a Concat's input into its slice of the result, a result into its
// out-parameter) is computed in that view instead, and the copy goes.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/RegionUtils.h"

namespace smelt {
#define GEN_PASS_DEF_CPUELIDECOPIESPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Whether `type` is a static buffer in row-major order without gaps.
bool isDense(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

/// Whether each index of `type` is at an offset known at compile time.
bool hasStaticLayout(MemRefType type) {
  if (!type || !type.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) &&
         !llvm::any_of(strides, ShapedType::isDynamic);
}

/// The ops that make a new view of their first operand's bytes.
bool isView(Operation *op) {
  return isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ReshapeOp, memref::CastOp>(op);
}

/// Whether `use` makes a view of the buffer it uses.
bool isViewUse(OpOperand &use) {
  return isView(use.getOwner()) && use.getOperandNumber() == 0;
}

/// Whether `use` is one whose effect on the buffer this pass knows: a view,
/// a linalg op, a load, store, transfer, copy, dim or deallocation. Any
/// other use (a call, a loop's or branch's operand, a view of another
/// kind) may make aliases the pass cannot follow.
bool isKnownUse(OpOperand &use) {
  return isViewUse(use) ||
         isa<linalg::LinalgOp, memref::LoadOp, memref::StoreOp, memref::CopyOp,
             memref::DimOp, memref::DeallocOp, vector::TransferReadOp,
             vector::TransferWriteOp>(use.getOwner());
}

/// The allocation of `top` that `view` reshapes, through dense views only,
/// with those views from the allocation out; null when it is anything else.
memref::AllocOp reshapedAllocation(Value view, Block &top,
                                   SmallVectorImpl<Operation *> &chain) {
  while (Operation *def = view.getDefiningOp()) {
    if (!isDense(view.getType()) || !cast<MemRefType>(view.getType()).getRank())
      return nullptr;
    if (auto alloc = dyn_cast<memref::AllocOp>(def)) {
      std::reverse(chain.begin(), chain.end());
      return alloc->getBlock() == &top ? alloc : nullptr;
    }
    if (!isView(def) || isa<memref::SubViewOp>(def))
      return nullptr;
    chain.push_back(def);
    view = def->getOperand(0);
  }
  return nullptr;
}

/// The buffer `view` is a view of (an allocation or an argument of `top`),
/// with those views from the buffer out; null when it is anything else.
Value rootOf(Value view, Block &top, SmallVectorImpl<Operation *> &chain) {
  while (Operation *def = view.getDefiningOp()) {
    if (isa<memref::AllocOp>(def)) {
      std::reverse(chain.begin(), chain.end());
      return def->getBlock() == &top ? view : Value();
    }
    if (!isView(def) || def->getBlock() != &top)
      return Value();
    chain.push_back(def);
    view = def->getOperand(0);
  }
  auto arg = dyn_cast<BlockArgument>(view);
  std::reverse(chain.begin(), chain.end());
  return arg && arg.getOwner() == &top ? view : Value();
}

/// The elements of a buffer that a view of it may touch, as an interval per
/// dimension of the buffer: the slice the view is taken from, or the whole
/// buffer.
struct Box {
  SmallVector<int64_t> first, last;

  bool isDisjointFrom(const Box &other) const {
    if (first.empty() || other.first.empty())
      return false; // the whole buffer
    for (size_t d = 0; d < first.size(); ++d)
      if (last[d] < other.first[d] || other.last[d] < first[d])
        return true;
    return false;
  }
};

/// The box of the buffer `root` that `view` (a view of it) may touch.
Box boxOf(Value view, Value root) {
  memref::SubViewOp slice;
  for (Value v = view; v != root; v = v.getDefiningOp()->getOperand(0))
    if (auto subview = v.getDefiningOp<memref::SubViewOp>())
      slice = subview;
  Box box;
  // Index boxes apart are bytes apart when the buffer's layout is the
  // identity (an allocation, an argument) and the slice's strides positive.
  if (!slice || slice.getSource() != root ||
      !cast<MemRefType>(root.getType()).getLayout().isIdentity() ||
      ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()) ||
      ShapedType::isDynamicShape(slice.getStaticStrides()))
    return box;
  for (auto [offset, size, stride] :
       llvm::zip(slice.getStaticOffsets(), slice.getStaticSizes(),
                 slice.getStaticStrides())) {
    if (stride <= 0)
      return Box();
    box.first.push_back(offset);
    box.last.push_back(offset + (size - 1) * stride);
  }
  return box;
}

/// Every use of `buffer` or of a view of it, but for views, with the
/// value used (a deallocation counts: it writes all of it, as far as
/// readers are concerned).
void collectAccesses(Value buffer,
                     SmallVectorImpl<std::pair<OpOperand *, Value>> &out) {
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isViewUse(use))
        worklist.push_back(user->getResult(0));
      else
        out.push_back({&use, v});
    }
  }
}

/// Whether `use` only reads the buffer it uses.
bool isRead(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(user))
    return linalgOp.isDpsInput(&use);
  if (auto copy = dyn_cast<memref::CopyOp>(user))
    return &use == &copy.getSourceMutable();
  return isa<memref::LoadOp, vector::TransferReadOp, memref::DimOp>(user);
}

/// Whether `use` is a linalg op of `before`'s block writing all of `root`
/// from scalars that are there before `before`, reading no memory.
bool isFreshWrite(OpOperand &use, Value root, Operation *before) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(use.getOwner());
  if (!linalgOp || use.get() != root || linalgOp->getBlock() != before->getBlock() ||
      linalgOp.getNumDpsInits() != 1 || !linalgOp.isDpsInit(&use) ||
      linalgOp.payloadUsesValueFromOperand(&use) ||
      linalgOp.getNumReductionLoops() != 0 ||
      !linalgOp.getMatchingIndexingMap(&use).isPermutation())
    return false;
  SetVector<Value> used;
  getUsedValuesDefinedAbove(linalgOp->getRegions(), used);
  used.insert(linalgOp->operand_begin(), linalgOp->operand_end());
  return llvm::all_of(used, [&](Value value) {
    if (value == root)
      return true;
    if (isa<BaseMemRefType>(value.getType()))
      return false;
    Operation *def = value.getDefiningOp();
    return !def || (def->getBlock() == before->getBlock() &&
                    def->isBeforeInBlock(before));
  });
}

/// `buffer` (dense) seen as a dense buffer of `type`, as many elements.
Value viewAs(OpBuilder &b, Location loc, Value buffer, MemRefType type) {
  auto from = cast<MemRefType>(buffer.getType());
  auto all = [](int64_t rank) {
    ReassociationIndices group;
    for (int64_t d = 0; d < rank; ++d)
      group.push_back(d);
    return SmallVector<ReassociationIndices>{group};
  };
  Value flat = buffer;
  if (from.getRank() != 1)
    flat = memref::CollapseShapeOp::create(b, loc, buffer, all(from.getRank()));
  if (type.getRank() == 1)
    return flat;
  return memref::ExpandShapeOp::create(b, loc, type, flat, all(type.getRank()));
}

/// The type of `target` seen through the inverse of `chain` (dense views
/// of a buffer, from it out), and with `b` that view built; none when a
/// view cannot be inverted on `target`'s layout.
FailureOr<Value> viewThroughInverse(OpBuilder *b, Location loc, Value target,
                                    ArrayRef<Operation *> chain,
                                    MemRefType &type) {
  Value current = target;
  type = cast<MemRefType>(target.getType());
  for (Operation *op : llvm::reverse(chain)) {
    auto sourceType = cast<MemRefType>(op->getOperand(0).getType());
    if (auto expand = dyn_cast<memref::ExpandShapeOp>(op)) {
      auto groups = expand.getReassociationIndices();
      if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
        return failure();
      type = memref::CollapseShapeOp::computeCollapsedType(type, groups);
      if (b)
        current = memref::CollapseShapeOp::create(*b, loc, current, groups);
    } else if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op)) {
      auto groups = collapse.getReassociationIndices();
      FailureOr<MemRefType> expanded = memref::ExpandShapeOp::computeExpandedType(
          type, sourceType.getShape(), groups);
      if (failed(expanded))
        return failure();
      type = *expanded;
      if (b)
        current = memref::ExpandShapeOp::create(*b, loc, sourceType.getShape(),
                                                current, groups);
    } else if (isa<memref::CastOp>(op)) {
      if (type.getShape() != sourceType.getShape())
        return failure();
    } else {
      // A reshape: a dense buffer is its elements in order, in any shape.
      if (!isDense(type))
        return failure();
      if (b)
        current = viewAs(*b, loc, current, sourceType);
      type = sourceType;
    }
  }
  return current;
}

/// The types the uses of `value` take when it becomes a value of `type`
/// (views recomputed for the new layout), in `types`; false when a use
/// cannot take a buffer of another layout.
bool retypedUses(Value value, MemRefType type,
                 SmallVectorImpl<std::pair<Value, MemRefType>> &types) {
  types.push_back({value, type});
  for (Operation *user : value.getUsers()) {
    if (isa<linalg::LinalgOp, memref::CopyOp, memref::DeallocOp,
            memref::LoadOp, memref::StoreOp, memref::DimOp,
            vector::TransferReadOp, vector::TransferWriteOp>(user))
      continue;
    MemRefType next;
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(user)) {
      auto groups = collapse.getReassociationIndices();
      if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
        return false;
      next = memref::CollapseShapeOp::computeCollapsedType(type, groups);
    } else if (auto expand = dyn_cast<memref::ExpandShapeOp>(user)) {
      FailureOr<MemRefType> expanded = memref::ExpandShapeOp::computeExpandedType(
          type, expand.getResultType().getShape(),
          expand.getReassociationIndices());
      if (failed(expanded))
        return false;
      next = *expanded;
    } else if (auto subview = dyn_cast<memref::SubViewOp>(user)) {
      next = memref::SubViewOp::inferRankReducedResultType(
          subview.getType().getShape(), type, subview.getMixedOffsets(),
          subview.getMixedSizes(), subview.getMixedStrides());
    } else {
      return false;
    }
    if (!retypedUses(user->getResult(0), next, types))
      return false;
  }
  return true;
}

struct CPUElideCopiesPass
    : smelt::impl::CPUElideCopiesPassBase<CPUElideCopiesPass> {
  using Base::Base;

  /// Computes the buffer that `copy` copies from in its target instead,
  /// when nothing can tell; returns whether it did.
  bool elide(memref::CopyOp copy, Block &top) {
    SmallVector<Operation *> sourceChain, targetChain, sourceViews;
    Value root = rootOf(copy.getTarget(), top, targetChain);
    // A copy of bytes onto themselves (a view of a buffer to the same view
    // of it, once its source was computed there) does nothing.
    auto sourceType = dyn_cast<MemRefType>(copy.getSource().getType());
    if (root && root == rootOf(copy.getSource(), top, sourceViews) &&
        sourceType == copy.getTarget().getType() && hasStaticLayout(sourceType)) {
      copy.erase();
      return true;
    }
    memref::AllocOp alloc =
        reshapedAllocation(copy.getSource(), top, sourceChain);
    if (!alloc)
      return false;
    auto targetType = dyn_cast<MemRefType>(copy.getTarget().getType());
    MemRefType type = alloc.getType();
    // Rank 0 has no flat view; a scalar's copy costs nothing anyway.
    if (!root || root == alloc.getResult() || !targetType ||
        !targetType.hasStaticShape() || !type.getRank() || !targetType.getRank() ||
        type.getElementType() != targetType.getElementType() ||
        type.getMemorySpace() != targetType.getMemorySpace())
      return false;
    // After the copy, the buffer is only read, and nothing writes the part
    // of the target it takes before the last of those reads. Before the
    // copy, nothing touches that part from the allocation on but a first
    // write of the whole target's buffer that reads nothing of it (a Pad's
    // fill): that one moves up to before the allocation.
    SmallVector<Value> views = {alloc.getResult()};
    Operation *lastRead = copy;
    for (size_t i = 0; i < views.size(); ++i)
      for (OpOperand &use : views[i].getUses()) {
        Operation *user = top.findAncestorOpInBlock(*use.getOwner());
        if (!user || !isKnownUse(use))
          return false;
        if (isa<memref::DeallocOp>(use.getOwner()))
          continue;
        if (isViewUse(use)) {
          views.push_back(use.getOwner()->getResult(0));
          continue;
        }
        if (copy->isBeforeInBlock(user)) {
          if (!isRead(use))
            return false;
          if (lastRead->isBeforeInBlock(user))
            lastRead = user;
        }
      }
    Box taken = boxOf(copy.getTarget(), root);
    SmallVector<std::pair<OpOperand *, Value>> accesses;
    collectAccesses(root, accesses);
    Operation *fill = nullptr;
    for (auto [use, value] : accesses) {
      Operation *user = top.findAncestorOpInBlock(*use->getOwner());
      // Returned at the end, it is read after everything else.
      if (isa<func::ReturnOp>(use->getOwner()) && user == use->getOwner())
        continue;
      if (!user || !isKnownUse(*use))
        return false;
      if (user == copy || user->isBeforeInBlock(alloc) ||
          boxOf(value, root).isDisjointFrom(taken))
        continue;
      if (copy->isBeforeInBlock(user)) {
        if (!lastRead->isBeforeInBlock(user) && !isRead(*use))
          return false;
        continue;
      }
      if (fill || !isFreshWrite(*use, root, alloc))
        return false;
      fill = user;
    }
    if (fill)
      for (auto [use, value] : accesses)
        if (Operation *user = top.findAncestorOpInBlock(*use->getOwner());
            user != fill && user->isBeforeInBlock(fill))
          return false;
    // The target's views must be there before the buffer is first written:
    // they move up, with the allocation they view, where it is later.
    SmallVector<Operation *> moved;
    if (Operation *def = root.getDefiningOp())
      moved.push_back(def);
    llvm::append_range(moved, targetChain);
    if (fill)
      moved.push_back(fill);
    for (Operation *op : moved) {
      if (op->isBeforeInBlock(alloc))
        continue;
      for (Value operand : op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def && llvm::is_contained(moved, def))
          continue;
        // What a moved op reads must not change in between (a reshape's
        // shape buffer may be written there).
        if (isa<BaseMemRefType>(operand.getType()) ||
            (def && !def->isBeforeInBlock(alloc)))
          return false;
      }
    }
    // A dry run first: the IR changes only once everything fits.
    MemRefType viewType;
    SmallVector<std::pair<Value, MemRefType>> types;
    if (failed(viewThroughInverse(nullptr, alloc.getLoc(), copy.getTarget(),
                                  sourceChain, viewType)) ||
        viewType.getShape() != type.getShape() ||
        (viewType != type && !retypedUses(alloc.getResult(), viewType, types)))
      return false;
    for (Operation *op : moved)
      if (!op->isBeforeInBlock(alloc))
        op->moveBefore(alloc);
    OpBuilder b(alloc);
    Value view = *viewThroughInverse(&b, alloc.getLoc(), copy.getTarget(),
                                     sourceChain, viewType);
    for (auto [value, newType] : types)
      if (value != alloc.getResult())
        value.setType(newType);
    // A view is not freed: the buffer it views is.
    for (Value v : views)
      for (Operation *user : llvm::make_early_inc_range(v.getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
    alloc.replaceAllUsesWith(view);
    alloc.erase();
    copy.erase();
    return true;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &top = func.getBody().front();
    SmallVector<memref::CopyOp> copies(top.getOps<memref::CopyOp>());
    for (memref::CopyOp copy : copies)
      elide(copy, top);
  }
};

} // namespace
