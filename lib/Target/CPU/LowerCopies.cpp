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

/// How many of `type`'s innermost dimensions it holds without gaps, in
/// row-major order (dimensions of size 1 aside).
unsigned contiguousInner(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() ||
      failed(type.getStridesAndOffset(strides, offset)))
    return 0;
  int64_t expected = 1;
  unsigned depth = 0;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (type.getDimSize(d) != 1 && strides[d] != expected)
      break;
    expected *= type.getDimSize(d);
    ++depth;
  }
  return depth;
}

/// Elements in a run below which a copy's rows go element by element
/// rather than by memcpy, whose call costs about as much as copying them.
constexpr int64_t kMinMemcpyRun = 64;

/// A copy by the fastest means its layouts allow: one memcpy when both
/// sides are contiguous (a Concat's input into its channels of the result;
/// memref.copy of two such buffers becomes llvm.memcpy), loops over the
/// outer dimensions around a memcpy of each contiguous run of at least
/// kMinMemcpyRun elements, else loops (linalg.copy) down to the element.
void emitCopy(OpBuilder &b, Location loc, Value from, Value to) {
  auto fromType = cast<MemRefType>(from.getType());
  auto toType = cast<MemRefType>(to.getType());
  unsigned rank = toType.getRank();
  unsigned depth =
      std::min(contiguousInner(fromType), contiguousInner(toType));
  if (rank && depth == rank) {
    memref::CopyOp::create(b, loc, from, to);
    return;
  }
  int64_t run = 1;
  for (unsigned d = rank - depth; d < rank; ++d)
    run *= toType.getDimSize(d);
  if (!depth || run < kMinMemcpyRun) {
    linalg::CopyOp::create(b, loc, from, to);
    return;
  }
  // One loop per outer dimension, then the run.
  std::function<void(OpBuilder &, unsigned, Value, Value)> nest =
      [&](OpBuilder &b, unsigned d, Value from, Value to) {
        if (d == rank - depth) {
          memref::CopyOp::create(b, loc, from, to);
          return;
        }
        auto index = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(b, loc, v);
        };
        scf::ForOp::create(
            b, loc, index(0), index(toType.getDimSize(d)), index(1),
            ValueRange{},
            [&](OpBuilder &b, Location loc, Value iv, ValueRange) {
              Value fromSlice = sliceAt(b, loc, from, d, iv);
              Value toSlice = sliceAt(b, loc, to, d, iv);
              nest(b, d + 1, fromSlice, toSlice);
              scf::YieldOp::create(b, loc);
            });
      };
  nest(b, 0, from, to);
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
        emitCopy(rewriter, copy.getLoc(), copy.getSource(), copy.getTarget());
        rewriter.eraseOp(copy);
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
            emitCopy(b, loc, from, to);
          });
      rewriter.eraseOp(copy);
    }
  }
};

} // namespace
