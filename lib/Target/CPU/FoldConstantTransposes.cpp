//===- FoldConstantTransposes.cpp - smelt-cpu-fold-constant-transposes ----===//
//
// Gemm with transB (every PyTorch Linear layer), recurrent weights and
// explicit Transposes of initializers transpose a constant at run time on
// every call. This pass does it once, at compile time, keeping the weights
// a dense resource blob.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUFOLDCONSTANTTRANSPOSESPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

struct FoldConstantTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    // On buffers the op has no result to replace.
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "transposes buffers");
    // A reshape of a constant has the constant's bytes.
    arith::ConstantOp source = smelt::constantThroughReshapes(op.getInput());
    if (!source)
      return rewriter.notifyMatchFailure(op, "the input is not a constant");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    auto value = dyn_cast<ElementsAttr>(source.getValue());
    if (!resultType || !resultType.hasStaticShape() || !value)
      return rewriter.notifyMatchFailure(op, "not static constant elements");
    if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && dense.isSplat()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, resultType, dense.resizeSplat(resultType));
      return success();
    }
    Type element = resultType.getElementType();
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
      return rewriter.notifyMatchFailure(op, "elements not whole bytes");
    int64_t width = element.getIntOrFloatBitWidth() / 8;
    if (!llvm::is_contained({1, 2, 4, 8, 16}, width))
      return rewriter.notifyMatchFailure(op, "elements of an odd width");
    ArrayRef<char> in = smelt::constantBytes(value);
    int64_t count = resultType.getNumElements();
    if (static_cast<int64_t>(in.size()) != count * width)
      return rewriter.notifyMatchFailure(op, "no blob of the type's size");

    auto inputType = cast<ShapedType>(op.getInput().getType());
    ArrayRef<int64_t> perm = op.getPermutation();
    int64_t rank = resultType.getRank();
    if (rank == 0)
      return rewriter.notifyMatchFailure(op, "rank 0: nothing to move");
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * inputType.getDimSize(d + 1);
    // Dense elements stay dense elements; a blob (the weights) stays a blob,
    // written in place.
    bool dense = isa<DenseElementsAttr>(value);
    std::vector<char> denseBytes;
    AsmResourceBlob blob;
    char *out;
    if (dense) {
      denseBytes.resize(in.size());
      out = denseBytes.data();
    } else {
      blob = HeapAsmResourceBlob::allocate(in.size(), alignof(std::max_align_t),
                                           /*dataIsMutable=*/true);
      out = blob.getMutableData().data();
    }
    // Output dim d is input dim perm[d]. One output row at a time (a
    // model's weights are tens of millions of elements): its elements are
    // `step` apart in the input, from `from`, which follows the row index.
    int64_t rowLength = resultType.getDimSize(rank - 1);
    int64_t step = inStrides[perm[rank - 1]];
    auto copyRows = [&](auto word) {
      using Word = decltype(word);
      const Word *source = reinterpret_cast<const Word *>(in.data());
      Word *target = reinterpret_cast<Word *>(out);
      SmallVector<int64_t> index(rank, 0);
      int64_t from = 0;
      for (int64_t row = 0; row < count / rowLength; ++row) {
        for (int64_t i = 0; i < rowLength; ++i)
          std::memcpy(target + row * rowLength + i, source + from + i * step,
                      sizeof(Word));
        for (int64_t d = rank - 2; d >= 0; --d) {
          from += inStrides[perm[d]];
          if (++index[d] < resultType.getDimSize(d))
            break;
          from -= index[d] * inStrides[perm[d]];
          index[d] = 0;
        }
      }
    };
    struct Bytes16 {
      char bytes[16];
    };
    if (count != 0) {
      switch (width) {
      case 1: copyRows(uint8_t()); break;
      case 2: copyRows(uint16_t()); break;
      case 4: copyRows(uint32_t()); break;
      case 8: copyRows(uint64_t()); break;
      default: copyRows(Bytes16()); break;
      }
    }
    TypedAttr folded;
    if (dense)
      folded = DenseElementsAttr::getFromRawBuffer(resultType,
                                                   ArrayRef<char>(denseBytes));
    else
      folded = DenseResourceElementsAttr::get(resultType, "transposed",
                                              std::move(blob));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, resultType, folded);
    return success();
  }
};

struct CPUFoldConstantTransposesPass
    : smelt::impl::CPUFoldConstantTransposesPassBase<
          CPUFoldConstantTransposesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConstantTranspose>(&getContext());
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
