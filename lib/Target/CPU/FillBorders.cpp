//===- FillBorders.cpp - smelt-cpu-fill-borders ----------------------------===//
//
// A Pad bufferizes to a fill of its whole buffer with the pad value and a
// write of the interior. The interior's part of the fill is overwritten
// before anything reads it: only the borders are filled.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace smelt {
#define GEN_PASS_DEF_CPUFILLBORDERSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The value a linalg op writes to every element of its one output when
/// it is a fill: linalg.fill, or an op with no inputs, parallel loops, an
/// identity output map and a body that yields a value from outside.
Value filledValue(linalg::LinalgOp op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op.getOperation()))
    return fill.getDpsInputOperand(0)->get();
  if (op.getNumDpsInputs() != 0 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() ||
      !op.getIndexingMapsArray().front().isIdentity() ||
      op->getNumRegions() != 1)
    return {};
  Block &body = op->getRegion(0).front();
  if (!llvm::hasSingleElement(body.getOperations()))
    return {};
  Value yielded = body.getTerminator()->getOperand(0);
  if (yielded.getParentRegion()->isProperAncestor(&op->getRegion(0)))
    return yielded;
  return {};
}

/// Whether `op` writes every element of `target` without reading any of
/// them: a copy into it, or a linalg op whose only output it is, whose
/// loops are parallel, whose output map is a permutation and whose body
/// does not read the output.
bool overwrites(Operation *op, Value target) {
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return copy.getTarget() == target;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getDpsInitOperand(0)->get() != target ||
      linalgOp.getNumLoops() != linalgOp.getNumParallelLoops() ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isPermutation())
    return false;
  if (isa<linalg::FillOp>(op))
    return true;
  return op->getNumRegions() == 1 &&
         linalgOp.getMatchingBlockArgument(linalgOp.getDpsInitOperand(0))
             .use_empty();
}

/// The ops that make a new view of their first operand's bytes.
bool isView(Operation *op) {
  return isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::CastOp>(op);
}

/// The buffer and its views, transitively.
SmallVector<Value> viewsOf(Value buffer) {
  SmallVector<Value> values = {buffer};
  for (size_t i = 0; i < values.size(); ++i)
    for (Operation *user : values[i].getUsers())
      if (isView(user))
        values.push_back(user->getResult(0));
  return values;
}

/// Replaces `fill` of `buffer` by fills of the parts of `buffer` outside
/// `interior` when the first op after it to touch the buffer overwrites
/// the interior.
void fillBordersOnly(linalg::LinalgOp fill) {
  Value value = filledValue(fill);
  if (!value || !fill.hasPureBufferSemantics())
    return;
  Value buffer = fill.getDpsInitOperand(0)->get();
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || !type.getLayout().isIdentity())
    return;
  // Each dim's size: static, or (a dynamic batch) the allocation's operand.
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!type.hasStaticShape() && !alloc)
    return;
  SmallVector<OpFoldResult> extents;
  for (int64_t d = 0, dynamic = 0; d < type.getRank(); ++d)
    extents.push_back(type.isDynamicDim(d)
                          ? OpFoldResult(alloc.getDynamicSizes()[dynamic++])
                          : OpFoldResult(IntegerAttr::get(
                                IndexType::get(fill.getContext()),
                                type.getDimSize(d))));
  // The first op of the fill's block after it that uses the buffer (or a
  // view of it) other than to make a view.
  Block *block = fill->getBlock();
  Operation *first = nullptr;
  SmallVector<Value> views = viewsOf(buffer);
  for (Value view : views)
    for (Operation *user : view.getUsers()) {
      if (user == fill.getOperation() || isView(user))
        continue;
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor || ancestor->isBeforeInBlock(fill))
        continue;
      if (!first || ancestor->isBeforeInBlock(first))
        first = ancestor;
    }
  if (!first)
    return;
  // The interior: a subview of the buffer itself with unit strides, which
  // that op overwrites (directly, or through reshapes of the subview: an
  // activation iterating its convolution's [N, C, 1, H, W]), reading
  // nothing else of the buffer.
  memref::SubViewOp interior;
  Value written;
  for (Value operand : first->getOperands()) {
    Value v = operand;
    while (isa_and_nonnull<memref::ExpandShapeOp, memref::CollapseShapeOp>(
        v.getDefiningOp()))
      v = v.getDefiningOp()->getOperand(0);
    auto subview = v.getDefiningOp<memref::SubViewOp>();
    if (subview && subview.getSource() == buffer &&
        overwrites(first, operand)) {
      interior = subview;
      written = operand;
    }
  }
  if (!interior || !interior.hasUnitStride() ||
      ShapedType::isDynamicShape(interior.getStaticOffsets()) ||
      interior.getSourceType().getRank() != interior.getType().getRank())
    return;
  // A dynamic dim of the buffer the interior covers whole (at offset 0,
  // with the allocation's own size); the interior's other sizes static.
  SmallVector<OpFoldResult> interiorSizes = interior.getMixedSizes();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    bool dynamicSize = ShapedType::isDynamic(interior.getStaticSizes()[d]);
    if (type.isDynamicDim(d)
            ? (interior.getStaticOffsets()[d] != 0 ||
               interiorSizes[d] != extents[d])
            : dynamicSize)
      return;
  }
  for (Value operand : first->getOperands())
    if (operand != written && llvm::is_contained(views, operand))
      return;
  // The complement of the interior box, one slab per side of each dim:
  // dims before d at the interior's extent, dim d before or after it, dims
  // after d whole.
  // (A dynamic dim has no slabs: the interior covers it.)
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  ArrayRef<int64_t> sizes = interior.getStaticSizes();
  OpBuilder b(fill);
  Location loc = fill.getLoc();
  int64_t rank = type.getRank();
  auto index = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  for (int64_t d = 0; d < rank; ++d) {
    if (type.isDynamicDim(d))
      continue;
    for (bool before : {true, false}) {
      int64_t begin = before ? 0 : offsets[d] + sizes[d];
      int64_t end = before ? offsets[d] : shape[d];
      if (end <= begin)
        continue;
      SmallVector<OpFoldResult> slabOffsets, slabSizes;
      for (int64_t k = 0; k < rank; ++k) {
        slabOffsets.push_back(index(k < d ? offsets[k] : k == d ? begin : 0));
        slabSizes.push_back(k < d    ? interiorSizes[k]
                            : k == d ? index(end - begin)
                                     : extents[k]);
      }
      SmallVector<OpFoldResult> ones(rank, index(1));
      Value slab = memref::SubViewOp::create(b, loc, buffer, slabOffsets,
                                             slabSizes, ones);
      linalg::FillOp::create(b, loc, value, slab);
    }
  }
  fill->erase();
}

struct CPUFillBordersPass
    : smelt::impl::CPUFillBordersPassBase<CPUFillBordersPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> fills;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (filledValue(op))
        fills.push_back(op);
    });
    for (linalg::LinalgOp fill : fills)
      fillBordersOnly(fill);
  }
};

} // namespace
