//===- UnshareDestinations.cpp - smelt-cpu-unshare-destinations -----------===//
//
// One destination per writer before bufferization. CSE merges equal values
// that several ops then write into (DPS inits): every `tensor.empty` of one
// type, and the broadcasts that start contractions when their parameters
// are equal (a model whose biases are all zero). Bufferized, one writer
// gets the buffer and each other one a copy of it made first, and a buffer
// one value was computed in is reused for a later one, which keeps
// smelt-cpu-elide-copies from computing the first in its consumer's buffer.
// Each writer gets its own destination again here; the memory plan shares
// bytes between buffers whose lifetimes do not overlap anyway.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace smelt {
#define GEN_PASS_DEF_CPUUNSHAREDESTINATIONSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Whether `op` writes its one result from scratch out of values smaller
/// than it (a fill, a broadcast of a bias): as cheap to compute again as to
/// copy.
bool isCheapStart(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInits() != 1 || linalgOp.getNumReductionLoops() != 0 ||
      linalgOp.payloadUsesValueFromOperand(linalgOp.getDpsInitOperand(0)))
    return false;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape())
    return false;
  return llvm::all_of(linalgOp.getDpsInputs(), [&](Value input) {
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    return !inputType || (inputType.hasStaticShape() &&
                          inputType.getNumElements() < type.getNumElements());
  });
}

/// Whether `use` makes `value` the destination its owner writes into.
bool isDestination(OpOperand &use) {
  Operation *user = use.getOwner();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(user))
    return dps.isDpsInit(&use);
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(user))
    return &use == &insert.getDestMutable();
  return false;
}

/// The uses of `start`'s result, also through reshapes, as the chain of
/// reshapes to each: `destinations` those that write into it in its block,
/// `others` whether anything else reads it.
void collectUses(Operation *start,
                 SmallVectorImpl<std::pair<OpOperand *,
                                           SmallVector<Operation *>>> &destinations,
                 bool &others) {
  SmallVector<std::pair<Value, SmallVector<Operation *>>> worklist = {
      {start->getResult(0), {}}};
  while (!worklist.empty()) {
    auto [value, chain] = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(user) &&
          user->getBlock() == start->getBlock()) {
        SmallVector<Operation *> longer = chain;
        longer.push_back(user);
        worklist.push_back({user->getResult(0), longer});
      } else if (isDestination(use) && user->getBlock() == start->getBlock()) {
        destinations.push_back({&use, chain});
      } else {
        others = true;
      }
    }
  }
}

/// Whether `a`'s owner comes before `b`'s in their block (uses by one op
/// are in no order).
bool isBefore(OpOperand *a, OpOperand *b) {
  Operation *x = a->getOwner(), *y = b->getOwner();
  return x != y && x->isBeforeInBlock(y);
}

struct CPUUnshareDestinationsPass
    : smelt::impl::CPUUnshareDestinationsPassBase<CPUUnshareDestinationsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> starts, empties;
    getOperation().walk([&](Operation *op) {
      if (isa<tensor::EmptyOp>(op))
        empties.push_back(op);
      else if (isCheapStart(op))
        starts.push_back(op);
    });
    // The first writer keeps the original; each other one gets a copy of
    // the op, made where it writes. Starts before empties (their copies
    // read the same tensor.empty, unshared with the rest after), and the
    // last start first: one that writes into another (a broadcast into a
    // fill) is copied before the one it writes into, whose copies then go
    // to each of those as well.
    for (Operation *op : llvm::reverse(starts)) {
      SmallVector<std::pair<OpOperand *, SmallVector<Operation *>>> uses;
      bool others = false;
      collectUses(op, uses, others);
      llvm::sort(uses, [](const auto &a, const auto &b) {
        return isBefore(a.first, b.first);
      });
      // Where something only reads the value, it keeps the original.
      size_t kept = others ? 0 : 1;
      if (uses.size() <= kept)
        continue;
      for (auto &[use, chain] : llvm::drop_begin(uses, kept)) {
        OpBuilder b(use->getOwner());
        IRMapping mapping;
        Value copy = b.clone(*op, mapping)->getResult(0);
        for (Operation *reshape : chain) {
          mapping.map(reshape->getOperand(0), copy);
          copy = b.clone(*reshape, mapping)->getResult(0);
        }
        use->set(copy);
      }
    }
    for (Operation *op : empties) {
      SmallVector<OpOperand *> uses;
      Block *block = op->getBlock();
      for (OpOperand &use : op->getResult(0).getUses())
        if (use.getOwner()->getBlock() == block)
          uses.push_back(&use);
      if (uses.size() < 2)
        continue;
      llvm::sort(uses, isBefore);
      for (OpOperand *use : llvm::drop_begin(uses)) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*op)->getResult(0));
      }
    }
  }
};

} // namespace
