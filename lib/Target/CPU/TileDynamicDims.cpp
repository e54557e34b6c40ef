//===- TileDynamicDims.cpp - smelt-cpu-tile-dynamic-dims -------------------===//
//
// The CPU kernels are built for static shapes. An op on buffers whose
// parallel dimensions include ones known only at run time is tiled by 1
// along them (linalg's tiling into scf.for): the op inside the loops reads
// and writes views of static shape, which the kernel passes then take like
// any other.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace smelt {
#define GEN_PASS_DEF_CPUTILEDYNAMICDIMSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

struct CPUTileDynamicDimsPass
    : smelt::impl::CPUTileDynamicDimsPassBase<CPUTileDynamicDimsPass> {
  using CPUTileDynamicDimsPassBase::CPUTileDynamicDimsPassBase;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() &&
          llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      SmallVector<int64_t> tiles(ranges.size(), 0);
      bool reducesDynamic = false;
      for (auto [d, range] : llvm::enumerate(ranges)) {
        if (!ShapedType::isDynamic(range))
          continue;
        if (iterators[d] != utils::IteratorType::parallel)
          reducesDynamic = true;
        tiles[d] = 1;
      }
      if (reducesDynamic) {
        explainLeft(op, "it reduces along a dimension known only at run time");
        continue;
      }
      linalg::LinalgTilingOptions options;
      options.setTileSizes(tiles).setLoopType(
          linalg::LinalgTilingLoopType::Loops);
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::TiledLinalgOp> tiled =
          linalg::tileLinalgOp(rewriter, op, options);
      if (failed(tiled)) {
        explainLeft(op, "linalg's tiling declined it");
        continue;
      }
      rewriter.eraseOp(op);
    }
  }

  void explainLeft(linalg::LinalgOp op, StringRef why) {
    if (explain)
      op->emitRemark() << "dynamic dimensions left in scalar loops: " << why;
  }
};

} // namespace
