//===- VectorizeContractions.cpp - smelt-cpu-vectorize-contractions -------===//
//
// Register-blocked vector code for the contractions the onnx lowering
// produces: MatMul, Gemm, Einsum-like products and direct convolutions, all
// linalg.generic ops whose body is `out + a * b` on f32 buffers.
//
// The plan, for one contraction:
//  * n is the output's innermost dimension. One operand ("B") reads along n
//    contiguously (or with a constant stride: a strided convolution); the
//    other ("A") does not depend on n.
//  * m is a parallel dimension of the output that A reads and B does not
//    (output channels of a convolution, rows of a matmul). It may be absent.
//  * Every other parallel dimension is a batch loop; every reduction
//    dimension (k of a matmul; c, kh, kw of a convolution) is summed inside
//    the kernel.
// The kernel keeps an MR x (NV vectors of VL lanes) block of the output in
// registers while it walks the reduction dimensions: per step it loads NV
// vectors of B, broadcasts MR elements of A and issues MR * NV fused
// multiply-adds. Blocks at the edges use fewer rows and masked vectors, so
// any static shape works. Each output element still sums its terms in the
// order the loops nest, starting from what the buffer held (the bias or
// zero), as the generic op would.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "ContractionKernel.h"
#include "VectorizeElementwise.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace smelt {
#define GEN_PASS_DEF_CPUVECTORIZECONTRACTIONSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::detail;

namespace {

struct CPUVectorizeContractionsPass
    : smelt::impl::CPUVectorizeContractionsPassBase<
          CPUVectorizeContractionsPass> {
  using CPUVectorizeContractionsPassBase::CPUVectorizeContractionsPassBase;
  void runOnOperation() override {
    if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512) {
      getOperation().emitError("vector-bits must be 128, 256 or 512, not ")
          << static_cast<unsigned>(vectorBits);
      return signalPassFailure();
    }
    std::vector<Contraction> found;
    getOperation().walk([&](linalg::GenericOp op) {
      std::string notF32, notInt8;
      if (std::optional<Contraction> k = matchContraction(op, &notF32)) {
        findEpilogue(*k);
        findPrologue(*k);
        findPitchedStore(*k);
        found.push_back(*k);
        return;
      }
      if (std::optional<Contraction> k = matchInt8Contraction(op, &notInt8)) {
        findEpilogue(*k);
        findPrologue(*k);
        found.push_back(*k);
        return;
      }
      // A reduction that is no product of two inputs and that the
      // elementwise pass runs in vectors (a pooling, a LayerNorm's sums) is
      // on its fast path; a product's is the kernel's, and one that runs
      // as a vector reduction instead (a pooling of a product) says so.
      if (explain && op.getNumReductionLoops() > 0) {
        bool product = linalg::isaContractionOpInterface(op);
        bool inVectors = vectorizesElementwise(op, vectorBits);
        if (!product && inVectors)
          return;
        // The reason that matters is the one of the kernel for its type.
        bool integer = isa<IntegerType>(
            getElementTypeOrSelf(op.getDpsInits()[0].getType()));
        op.emitRemark() << (inVectors ? "no contraction kernel, a vector "
                                        "reduction instead: "
                                      : "no vector kernel, plain loops: ")
                        << (integer ? notInt8 : notF32);
      }
    });
    IRRewriter rewriter(&getContext());
    {
      SmallVector<linalg::GenericOp> packs;
      // The packing's shape (bufferization drops the lowering's marker):
      // i8 -> i8 [.., .., .., .., 4], written at (d0, d1, d3, d4, d2), a
      // plain copy of its input.
      getOperation().walk([&](linalg::GenericOp op) {
        if (op.getNumLoops() != 5 || op.getNumDpsInits() != 1 ||
            op.getNumDpsInputs() != 1)
          return;
        MLIRContext *ctx = op.getContext();
        auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
        AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
        Block &body = op.getRegion().front();
        auto yield = cast<linalg::YieldOp>(body.getTerminator());
        auto element = getElementTypeOrSelf(op.getDpsInits()[0].getType());
        // A copy of bytes, or bytes extended to 16-bit words.
        Value packed = yield.getOperand(0);
        Operation *ext = packed.getDefiningOp();
        bool copy = llvm::hasSingleElement(body) && element.isInteger(8) &&
                    packed == body.getArgument(0);
        bool widen = llvm::hasNItems(body, 2) && element.isInteger(16) &&
                     isa_and_nonnull<arith::ExtUIOp, arith::ExtSIOp>(ext) &&
                     ext->getOperand(0) == body.getArgument(0) &&
                     body.getArgument(0).getType().isInteger(8);
        if (outMap == AffineMap::get(5, 0, {d(0), d(1), d(3), d(4), d(2)}, ctx) &&
            (copy || widen))
          packs.push_back(op);
      });
      for (linalg::GenericOp op : packs) {
        rewriter.setInsertionPoint(op);
        if (succeeded(emitColumnPacking(op, rewriter, parallel,
                                        vectorBits / 32)))
          rewriter.eraseOp(op);
      }
    }
    for (Contraction &k : found) {
      // With an epilogue the kernel takes its place: everything between
      // the two is free of memory effects, and what the epilogue's body
      // captures is defined by then.
      rewriter.setInsertionPoint(k.epilogue ? k.epilogue : k.op);
      auto cType = cast<MemRefType>(k.c.getType());
      if (k.epilogue && cast<MemRefType>(k.epilogueOutput.getType())
                                .getShape() != cType.getShape()) {
        // The epilogue's output, contiguous, seen with C's shape.
        SmallVector<int64_t> strides(cType.getRank(), 1);
        for (int64_t d = cType.getRank() - 2; d >= 0; --d)
          strides[d] = strides[d + 1] * cType.getDimSize(d + 1);
        // From where the buffer starts: a view's offset (one image of a
        // dynamic batch) is read when the model runs.
        auto seenAsC = [&](Value v) -> Value {
          Location loc = k.op.getLoc();
          auto type = cast<MemRefType>(v.getType());
          Type element = type.getElementType();
          if (type.getLayout().isIdentity())
            return memref::ReinterpretCastOp::create(
                rewriter, loc, MemRefType::get(cType.getShape(), element), v,
                0, cType.getShape(), strides);
          Value offset =
              memref::ExtractStridedMetadataOp::create(rewriter, loc, v)
                  .getOffset();
          SmallVector<OpFoldResult> sizes, steps;
          for (auto [size, stride] : llvm::zip(cType.getShape(), strides)) {
            sizes.push_back(rewriter.getIndexAttr(size));
            steps.push_back(rewriter.getIndexAttr(stride));
          }
          auto layout = StridedLayoutAttr::get(
              rewriter.getContext(), ShapedType::kDynamic, strides);
          return memref::ReinterpretCastOp::create(
              rewriter, loc, MemRefType::get(cType.getShape(), element, layout),
              v, OpFoldResult(offset), sizes, steps);
        };
        k.epilogueOutput = seenAsC(k.epilogueOutput);
        if (k.reshapedInputs)
          for (unsigned i = 1; i < k.epilogue.getNumDpsInputs(); ++i)
            k.epilogueInputs.push_back(
                seenAsC(k.epilogue.getDpsInputOperand(i)->get()));
      }
      if (k.pitched) {
        // The view the kernel stores into, from its allocation on, moves up
        // to the kernel (findPitchedStore checked that it can).
        for (Operation *def : k.pitched->viewOps)
          if (k.epilogue->isBeforeInBlock(def))
            def->moveBefore(k.epilogue);
      }
      KernelEmitter(k, vectorBits, parallel, dot4).emit(rewriter);
      rewriter.eraseOp(k.op);
      if (k.epilogue)
        rewriter.eraseOp(k.epilogue);
      if (k.prologue)
        rewriter.eraseOp(k.prologue);
      if (k.pitched) {
        // The copy, its reshape and the buffer it copied go.
        Operation *expand = k.pitched->copy->getOperand(0).getDefiningOp();
        rewriter.eraseOp(k.pitched->copy);
        rewriter.eraseOp(expand);
        if (Operation *alloc = k.epilogueOutput.getDefiningOp();
            alloc && alloc->use_empty())
          rewriter.eraseOp(alloc);
      }
    }
  }
};

} // namespace
