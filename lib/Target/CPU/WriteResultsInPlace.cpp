//===- WriteResultsInPlace.cpp - smelt-cpu-write-results-in-place ---------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace smelt {
#define GEN_PASS_DEF_CPUWRITERESULTSINPLACEPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Whether `type` is a static buffer in row-major order without gaps.
bool isDense(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

/// The allocation of `top` that `view` reshapes, through dense views only;
/// null when it is anything else.
memref::AllocOp reshapedAllocation(Value view, Block &top) {
  while (Operation *def = view.getDefiningOp()) {
    if (!isDense(view.getType()))
      return nullptr;
    if (auto alloc = dyn_cast<memref::AllocOp>(def))
      return alloc->getBlock() == &top ? alloc : nullptr;
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
      view = def->getOperand(0);
    else if (auto reshape = dyn_cast<memref::ReshapeOp>(def))
      view = reshape.getSource();
    else if (auto cast = dyn_cast<memref::CastOp>(def))
      view = cast.getSource();
    else
      return nullptr;
  }
  return nullptr;
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

struct CPUWriteResultsInPlacePass
    : smelt::impl::CPUWriteResultsInPlacePassBase<CPUWriteResultsInPlacePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &top = func.getBody().front();
    SmallVector<memref::CopyOp> copies(top.getOps<memref::CopyOp>());
    for (memref::CopyOp copy : copies) {
      auto out = dyn_cast<BlockArgument>(copy.getTarget());
      if (!out || out.getOwner() != &top || !out.hasOneUse() ||
          !isDense(out.getType()))
        continue;
      memref::AllocOp alloc = reshapedAllocation(copy.getSource(), top);
      if (!alloc)
        continue;
      auto outType = cast<MemRefType>(out.getType());
      MemRefType type = alloc.getType();
      // Rank 0 has no flat view; a scalar's copy costs nothing anyway.
      if (type.getElementType() != outType.getElementType() ||
          type.getMemorySpace() != outType.getMemorySpace() ||
          type.getNumElements() != outType.getNumElements() ||
          !type.getRank() || !outType.getRank())
        continue;
      OpBuilder b(alloc);
      Value view = viewAs(b, alloc.getLoc(), out, type);
      alloc.replaceAllUsesWith(view);
      alloc.erase();
      copy.erase();
    }
  }
};

} // namespace
