//===- LowerCopies.cpp - smelt-cpu-lower-copies ----------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "ParallelCost.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace smelt {
#define GEN_PASS_DEF_CPULOWERCOPIESPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using smelt::detail::kParallelMinElements;
using smelt::detail::worthSplitting;

namespace {

/// The dimension a copy of `type` splits across threads along: the
/// outermost of two or more, when the copy is large enough.
std::optional<unsigned> splitDimension(MemRefType type) {
  if (!type.hasStaticShape())
    return std::nullopt;
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    if (size >= 2)
      return worthSplitting(type.getNumElements(), kParallelMinElements, size)
                 ? std::optional<unsigned>(d)
                 : std::nullopt;
  return std::nullopt;
}

/// `value`'s slice of size 1 at `at` along dimension `d`.
Value sliceAt(OpBuilder &b, Location loc, Value value, unsigned d, Value at) {
  auto type = cast<MemRefType>(value.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t size : type.getShape())
    sizes.push_back(b.getIndexAttr(size));
  offsets[d] = at;
  sizes[d] = b.getIndexAttr(1);
  return memref::SubViewOp::create(b, loc, value, offsets, sizes, strides);
}

struct CPULowerCopiesPass
    : smelt::impl::CPULowerCopiesPassBase<CPULowerCopiesPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    // Ranked copies only: linalg.copy of unranked memrefs has no loops to
    // become (the loop lowering would drop it).
    getOperation().walk([&](memref::CopyOp copy) {
      if (isa<MemRefType>(copy.getSource().getType()) &&
          isa<MemRefType>(copy.getTarget().getType()))
        copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      auto type = cast<MemRefType>(copy.getTarget().getType());
      std::optional<unsigned> d = splitDimension(type);
      // Parallel regions do not nest (ParallelCost.h).
      if (!parallel || !d || copy->getParentOfType<scf::ParallelOp>()) {
        rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                    copy.getTarget());
        continue;
      }
      Location loc = copy.getLoc();
      auto index = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(rewriter, loc, v);
      };
      scf::ParallelOp::create(
          rewriter, loc, ValueRange{index(0)},
          ValueRange{index(type.getDimSize(*d))}, ValueRange{index(1)},
          [&](OpBuilder &b, Location loc, ValueRange ivs) {
            Value from = sliceAt(b, loc, copy.getSource(), *d, ivs[0]);
            Value to = sliceAt(b, loc, copy.getTarget(), *d, ivs[0]);
            linalg::CopyOp::create(b, loc, from, to);
          });
      rewriter.eraseOp(copy);
    }
  }
};

} // namespace
