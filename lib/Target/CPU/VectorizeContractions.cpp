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

#include "BufferLayout.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace smelt {
#define GEN_PASS_DEF_CPUVECTORIZECONTRACTIONSPASS
#define GEN_PASS_DEF_CPUSELECTVNNIPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Coefficients of a linear affine expression: one per dimension, then the
/// constant. None for anything else (mod, floordiv, symbols).
std::optional<SmallVector<int64_t>> linearCoefficients(AffineExpr expr,
                                                       unsigned numDims) {
  SmallVector<int64_t> coefficients(numDims + 1, 0);
  std::function<bool(AffineExpr, int64_t)> visit = [&](AffineExpr e,
                                                       int64_t scale) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      coefficients[dim.getPosition()] += scale;
      return true;
    }
    if (auto constant = dyn_cast<AffineConstantExpr>(e)) {
      coefficients[numDims] += scale * constant.getValue();
      return true;
    }
    auto binary = dyn_cast<AffineBinaryOpExpr>(e);
    if (!binary)
      return false;
    if (binary.getKind() == AffineExprKind::Add)
      return visit(binary.getLHS(), scale) && visit(binary.getRHS(), scale);
    if (binary.getKind() == AffineExprKind::Mul) {
      if (auto c = dyn_cast<AffineConstantExpr>(binary.getRHS()))
        return visit(binary.getLHS(), scale * c.getValue());
      if (auto c = dyn_cast<AffineConstantExpr>(binary.getLHS()))
        return visit(binary.getRHS(), scale * c.getValue());
    }
    return false;
  };
  if (!visit(expr, 1))
    return std::nullopt;
  return coefficients;
}

using smelt::detail::hasUnitInnerStride;

/// What the body does with the elements it reads and the accumulator.
enum class Combiner {
  MultiplyAdd,
  Add,
  Maximum,
  Minimum,
  // Window reductions of integers (max pooling of quantized tensors).
  MaxSigned,
  MaxUnsigned,
  MinSigned,
  MinUnsigned,
};

/// How one contraction maps onto the kernel.
struct Contraction {
  mutable linalg::GenericOp op;
  Combiner combiner;
  /// A is null for a window reduction.
  Value a, b, c;
  AffineMap aMap, bMap, cMap;
  SmallVector<int64_t> ranges;
  int64_t n;
  std::optional<int64_t> m;
  SmallVector<int64_t> batch, reductions;
  /// An elementwise op that reads the result right after it is complete
  /// (an activation): applied to the registers before they are stored, to
  /// `epilogueOutput` instead of C.
  mutable linalg::GenericOp epilogue;
  Value epilogueOutput;
  /// The op that last wrote all of C before the contraction, when it is a
  /// fill or a broadcast (the bias): the kernel starts its registers from
  /// the fill value or from `prologueInput` read through `prologueMap` (in
  /// the contraction's dimensions) instead of from C.
  Operation *prologue = nullptr;
  Value prologueInput;
  AffineMap prologueMap;
  /// Distance between consecutive n in B's innermost dimension.
  int64_t bStride = 1;
  /// An 8-bit product into int32 (u8 x s8): B is packed [ceil(K/4), N, 4],
  /// A read four k at a time, one AVX-512 VNNI dot product per vector.
  bool int8 = false;
  /// Which operand is the unsigned one (A, or else B).
  bool aUnsigned = false;
};

/// `out + a * b` (either operand order) or, for a window reduction (pooling:
/// the second input only gives the window its extent), `op(x, out)` with op
/// addf, maximumf or minimumf; all on f32.
std::optional<Combiner> classifyBody(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3)
    return std::nullopt;
  // Integer window reductions: max/min of i8 or i32 values.
  if (llvm::hasNItems(body, 2) && body.getArgument(1).use_empty() &&
      body.getArgument(0).getType() == body.getArgument(2).getType() &&
      (body.getArgument(0).getType().isSignlessInteger(8) ||
       body.getArgument(0).getType().isSignlessInteger(32))) {
    Operation *last = body.getTerminator()->getOperand(0).getDefiningOp();
    Value a = body.getArgument(0), acc = body.getArgument(2);
    if (!last || last->getNumOperands() != 2 ||
        !((last->getOperand(0) == a && last->getOperand(1) == acc) ||
          (last->getOperand(0) == acc && last->getOperand(1) == a)))
      return std::nullopt;
    if (isa<arith::MaxSIOp>(last))
      return Combiner::MaxSigned;
    if (isa<arith::MaxUIOp>(last))
      return Combiner::MaxUnsigned;
    if (isa<arith::MinSIOp>(last))
      return Combiner::MinSigned;
    if (isa<arith::MinUIOp>(last))
      return Combiner::MinUnsigned;
    return std::nullopt;
  }
  if (!llvm::all_of(body.getArgumentTypes(),
                    [](Type t) { return t.isF32(); }))
    return std::nullopt;
  Value a = body.getArgument(0), b = body.getArgument(1),
        acc = body.getArgument(2);
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return std::nullopt;
  Operation *last = yield.getOperand(0).getDefiningOp();
  auto hasOperands = [](Operation *op, Value x, Value y) {
    return op && op->getNumOperands() == 2 &&
           ((op->getOperand(0) == x && op->getOperand(1) == y) ||
            (op->getOperand(0) == y && op->getOperand(1) == x));
  };
  if (llvm::hasNItems(body, 3)) {
    auto mul = dyn_cast<arith::MulFOp>(&body.front());
    if (mul && isa_and_nonnull<arith::AddFOp>(last) &&
        hasOperands(mul, a, b) && hasOperands(last, acc, mul.getResult()))
      return Combiner::MultiplyAdd;
    return std::nullopt;
  }
  if (!llvm::hasNItems(body, 2) || !b.use_empty() || !hasOperands(last, a, acc))
    return std::nullopt;
  if (isa<arith::AddFOp>(last))
    return Combiner::Add;
  if (isa<arith::MaximumFOp>(last))
    return Combiner::Maximum;
  if (isa<arith::MinimumFOp>(last))
    return Combiner::Minimum;
  return std::nullopt;
}

/// m: the longest output dimension that A reads and B does not (nearest n
/// among equals); every other parallel dimension but n is a batch loop.
void assignRowsAndBatches(Contraction &k,
                          ArrayRef<utils::IteratorType> iterators) {
  for (int r = k.cMap.getNumResults() - 2; r >= 0; --r) {
    unsigned d = k.cMap.getDimPosition(r);
    if (k.aMap.isFunctionOfDim(d) && !k.bMap.isFunctionOfDim(d) &&
        k.ranges[d] > 1 && (!k.m || k.ranges[d] > k.ranges[*k.m]))
      k.m = d;
  }
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (iterators[d] == utils::IteratorType::parallel &&
        static_cast<int64_t>(d) != k.n && (!k.m || d != *k.m))
      k.batch.push_back(d);
}

std::optional<Contraction> matchContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  std::optional<Combiner> combiner = classifyBody(op);
  if (!combiner)
    return std::nullopt;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0)
      return std::nullopt;
  }
  Contraction k;
  k.op = op;
  k.combiner = *combiner;
  k.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(k.ranges, ShapedType::isDynamic))
    return std::nullopt;
  unsigned numDims = k.ranges.size();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < numDims; ++d)
    if (iterators[d] == utils::IteratorType::reduction)
      k.reductions.push_back(d);
  if (k.reductions.empty())
    return std::nullopt;

  OpOperand *init = op.getDpsInitOperand(0);
  k.c = init->get();
  k.cMap = op.getMatchingIndexingMap(init);
  if (!k.cMap.isProjectedPermutation() ||
      !hasUnitInnerStride(cast<MemRefType>(k.c.getType())))
    return std::nullopt;
  // The output covers exactly the parallel dimensions.
  for (unsigned d = 0; d < numDims; ++d)
    if (k.cMap.isFunctionOfDim(d) !=
        (iterators[d] == utils::IteratorType::parallel))
      return std::nullopt;
  k.n = k.cMap.getDimPosition(k.cMap.getNumResults() - 1);

  // B reads along n in its innermost dimension, and only there.
  // (A window reduction has no A: its second input is only a shape.)
  OpOperand *inputs[2] = {op.getDpsInputOperand(0), op.getDpsInputOperand(1)};
  int bIndex = -1;
  for (int i = 0; i < (k.combiner == Combiner::MultiplyAdd ? 2 : 1); ++i) {
    AffineMap map = op.getMatchingIndexingMap(inputs[i]);
    if (map.getNumResults() > 0 &&
        map.getResult(map.getNumResults() - 1).isFunctionOfDim(k.n))
      bIndex = i;
  }
  if (bIndex < 0)
    return std::nullopt;
  k.b = inputs[bIndex]->get();
  k.bMap = op.getMatchingIndexingMap(inputs[bIndex]);
  k.aMap = AffineMap::get(numDims, 0, op.getContext());
  if (k.combiner == Combiner::MultiplyAdd) {
    k.a = inputs[1 - bIndex]->get();
    k.aMap = op.getMatchingIndexingMap(inputs[1 - bIndex]);
  }
  if (k.aMap.isFunctionOfDim(k.n) ||
      !hasUnitInnerStride(cast<MemRefType>(k.b.getType())))
    return std::nullopt;
  for (unsigned r = 0; r + 1 < k.bMap.getNumResults(); ++r)
    if (k.bMap.getResult(r).isFunctionOfDim(k.n))
      return std::nullopt;
  for (AffineMap map : {k.aMap, k.bMap})
    for (AffineExpr expr : map.getResults())
      if (!linearCoefficients(expr, numDims))
        return std::nullopt;
  k.bStride = (*linearCoefficients(
      k.bMap.getResult(k.bMap.getNumResults() - 1), numDims))[k.n];
  if (k.bStride < 1)
    return std::nullopt;

  assignRowsAndBatches(k, iterators);
  return k;
}

/// `acc + ext(a) * ext(b)` on i8 into i32, one extension unsigned and the
/// other signed, with B read through the packed map (k floordiv 4, n,
/// k mod 4): the form buildPackedInt8MatMul produces.
std::optional<Contraction> matchInt8Contraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1)
    return std::nullopt;
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3 || !llvm::hasNItems(body, 5))
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || !add.getType().isInteger(32))
    return std::nullopt;
  Value accArg = body.getArgument(2);
  Value product = add.getLhs() == accArg ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul || (add.getLhs() != accArg && add.getRhs() != accArg))
    return std::nullopt;
  // Which argument each extension reads, and whether it is unsigned.
  std::optional<bool> unsignedOf[2];
  for (Value v : {mul.getLhs(), mul.getRhs()}) {
    Operation *ext = v.getDefiningOp();
    if (!isa_and_nonnull<arith::ExtUIOp, arith::ExtSIOp>(ext))
      return std::nullopt;
    auto arg = dyn_cast<BlockArgument>(ext->getOperand(0));
    if (!arg || arg.getArgNumber() > 1 || !arg.getType().isInteger(8))
      return std::nullopt;
    unsignedOf[arg.getArgNumber()] = isa<arith::ExtUIOp>(ext);
  }
  if (!unsignedOf[0] || !unsignedOf[1] || *unsignedOf[0] == *unsignedOf[1])
    return std::nullopt;
  Contraction k;
  k.op = op;
  k.combiner = Combiner::MultiplyAdd;
  k.int8 = true;
  k.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(k.ranges, ShapedType::isDynamic))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned numDims = k.ranges.size();
  for (unsigned d = 0; d < numDims; ++d)
    if (iterators[d] == utils::IteratorType::reduction)
      k.reductions.push_back(d);
  int64_t kDim = k.reductions.front();
  OpOperand *init = op.getDpsInitOperand(0);
  k.c = init->get();
  k.cMap = op.getMatchingIndexingMap(init);
  auto cType = dyn_cast<MemRefType>(k.c.getType());
  if (!cType || !cType.hasStaticShape() || !k.cMap.isProjectedPermutation() ||
      !hasUnitInnerStride(cType))
    return std::nullopt;
  k.n = k.cMap.getDimPosition(k.cMap.getNumResults() - 1);
  MLIRContext *ctx = op.getContext();
  AffineExpr kExpr = getAffineDimExpr(kDim, ctx);
  // The packed operand: [batch..., ceil(K/4), N, 4] read at (batch dims...,
  // k floordiv 4, n, k mod 4).
  int packed = -1;
  for (int i = 0; i < 2; ++i) {
    AffineMap map = op.getMatchingIndexingMap(op.getDpsInputOperand(i));
    auto type = dyn_cast<MemRefType>(op.getDpsInputs()[i].getType());
    unsigned r = map.getNumResults();
    if (r < 3 || !type || !type.getLayout().isIdentity() ||
        !type.hasStaticShape() || type.getShape().back() != 4 ||
        map.getResult(r - 3) != kExpr.floorDiv(4) ||
        map.getResult(r - 2) != getAffineDimExpr(k.n, ctx) ||
        map.getResult(r - 1) != kExpr % 4)
      continue;
    bool leadingDims = true;
    for (unsigned j = 0; j + 3 < r; ++j)
      leadingDims &= isa<AffineDimExpr>(map.getResult(j)) &&
                     !map.getResult(j).isFunctionOfDim(kDim);
    if (leadingDims)
      packed = i;
  }
  if (packed < 0)
    return std::nullopt;
  k.b = op.getDpsInputs()[packed];
  k.bMap = op.getMatchingIndexingMap(op.getDpsInputOperand(packed));
  k.a = op.getDpsInputs()[1 - packed];
  k.aMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1 - packed));
  k.aUnsigned = *unsignedOf[1 - packed];
  auto aType = dyn_cast<MemRefType>(k.a.getType());
  if (!aType || !aType.hasStaticShape() || !hasUnitInnerStride(aType) ||
      k.aMap.getResults().back() != kExpr || k.aMap.isFunctionOfDim(k.n))
    return std::nullopt;
  for (unsigned r = 0; r + 1 < k.aMap.getNumResults(); ++r)
    if (!isa<AffineDimExpr, AffineConstantExpr>(k.aMap.getResult(r)) ||
        k.aMap.getResult(r).isFunctionOfDim(kDim))
      return std::nullopt;
  assignRowsAndBatches(k, iterators);
  return k;
}

class KernelEmitter {
public:
  KernelEmitter(const Contraction &k, unsigned vectorBits, bool parallel)
      : k(k), parallelPending(parallel),
        lanes(std::max<int64_t>(
            4, vectorBits / std::max<int64_t>(
                                8, cast<MemRefType>(k.c.getType())
                                       .getElementTypeBitWidth()))),
        // Accumulators that fit the vector registers beside the operands:
        // 32 registers with AVX-512, 16 otherwise.
        registers(vectorBits >= 512 ? 24 : 12) {}

  void emit(OpBuilder &b) {
    Location loc = k.op->getLoc();
    int64_t nSize = k.ranges[k.n];
    int64_t mSize = k.m ? k.ranges[*k.m] : 1;
    int64_t vectors = (nSize + lanes - 1) / lanes;
    // Few rows: more vectors per row, so enough independent chains hide the
    // multiply-add latency.
    int64_t nv = std::min<int64_t>(vectors, mSize >= 4 ? 2 : 8 / mSize);
    dims.assign(k.ranges.size(), Value());
    auto columns = [&](OpBuilder &b) {
      int64_t nr = nv * lanes;
      int64_t nFull = nSize / nr * nr;
      forRange(b, loc, 0, nFull, nr, [&](OpBuilder &b, Value n0) {
        rows(b, loc, mSize, rowBlock(mSize, nv), n0, nv, 0);
      });
      if (int64_t rest = nSize - nFull) {
        Value n0 = arith::ConstantIndexOp::create(b, loc, nFull);
        int64_t restVectors = (rest + lanes - 1) / lanes;
        rows(b, loc, mSize, rowBlock(mSize, restVectors), n0, restVectors,
             rest % lanes);
      }
    };
    // A long single reduction (a matmul's k) runs in blocks of kBlock, each
    // over all columns: a block of B stays in L1 and one of A in L2 while
    // they are reused. Outputs go back to C between blocks, still summing
    // in order; the epilogue runs in the last block only.
    int64_t kSize = k.ranges[k.reductions.front()];
    bool blocked =
        !k.int8 && k.reductions.size() == 1 && kSize > 2 * kBlock;
    if (k.int8) {
      // The packed operand as [batch..., ceil(K/4), N * 4]: 16 columns'
      // groups of four are one 64-byte vector.
      auto type = cast<MemRefType>(k.b.getType());
      int64_t rank = type.getRank();
      SmallVector<int64_t> shape(type.getShape().drop_back(2));
      shape.push_back(type.getDimSize(rank - 2) * 4);
      SmallVector<ReassociationIndices> groups;
      for (int64_t i = 0; i + 2 < rank; ++i)
        groups.push_back({i});
      groups.push_back({rank - 2, rank - 1});
      packedRows = memref::CollapseShapeOp::create(
          b, loc, MemRefType::get(shape, type.getElementType()), k.b, groups);
    }
    loops(b, loc, 0, [&](OpBuilder &b) {
      if (!blocked)
        return columns(b);
      // The reduction blocks run in order (the first starts from the
      // prologue, the last applies the epilogue); within each, the columns
      // may run in parallel unless a batch loop already does.
      bool armed = parallelPending;
      int64_t lastStart = (kSize - 1) / kBlock * kBlock;
      kBlockLength = kBlock;
      firstBlock = true;
      finalBlock = false;
      kBlockStart = arith::ConstantIndexOp::create(b, loc, 0);
      columns(b);
      firstBlock = false;
      parallelPending = armed;
      forRange(
          b, loc, kBlock, lastStart, kBlock,
          [&](OpBuilder &b, Value k0) {
            kBlockStart = k0;
            columns(b);
          },
          /*mayBeParallel=*/false);
      parallelPending = armed;
      finalBlock = true;
      kBlockLength = kSize - lastStart;
      kBlockStart = arith::ConstantIndexOp::create(b, loc, lastStart);
      columns(b);
    });
  }

private:
  /// Rows per register block for `nv` vectors per row: as many as the
  /// registers hold (at most 12), evened out so the last block is not tiny.
  int64_t rowBlock(int64_t mSize, int64_t nv) {
    int64_t cap = std::max<int64_t>(1, std::min<int64_t>(12, registers / nv));
    int64_t blocks = (mSize + cap - 1) / cap;
    return (mSize + blocks - 1) / blocks;
  }

  /// Loops over the batch dimensions, outermost first, then `body`.
  void loops(OpBuilder &b, Location loc, size_t i,
             function_ref<void(OpBuilder &)> body) {
    if (i == k.batch.size())
      return body(b);
    forRange(b, loc, 0, k.ranges[k.batch[i]], 1, [&](OpBuilder &b, Value iv) {
      dims[k.batch[i]] = iv;
      loops(b, loc, i + 1, body);
    });
  }

  /// `body(iv)` for iv in [lb, ub) by `step`; inline when it runs once.
  void forRange(OpBuilder &b, Location loc, int64_t lb, int64_t ub,
                int64_t step, function_ref<void(OpBuilder &, Value)> body,
                bool mayBeParallel = true) {
    if (lb >= ub)
      return;
    if (ub - lb <= step)
      return body(b, arith::ConstantIndexOp::create(b, loc, lb));
    Value lbv = arith::ConstantIndexOp::create(b, loc, lb);
    Value ubv = arith::ConstantIndexOp::create(b, loc, ub);
    Value stepv = arith::ConstantIndexOp::create(b, loc, step);
    if (parallelPending && mayBeParallel) {
      // The outermost loop that runs more than once: its iterations write
      // disjoint blocks of the output, so they may run on several threads.
      parallelPending = false;
      scf::ParallelOp::create(
          b, loc, ValueRange{lbv}, ValueRange{ubv}, ValueRange{stepv},
          [&](OpBuilder &nb, Location, ValueRange ivs) { body(nb, ivs[0]); });
      return;
    }
    scf::ForOp::create(b, loc, lbv, ubv, stepv, ValueRange{},
                       [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                         body(nb, iv);
                         scf::YieldOp::create(nb, loc);
                       });
  }

  /// All rows of one column block: full blocks of `mr`, then the rest.
  void rows(OpBuilder &b, Location loc, int64_t mSize, int64_t mr, Value n0,
            int64_t nv, int64_t tailLanes) {
    int64_t mFull = mSize / mr * mr;
    forRange(b, loc, 0, mFull, mr, [&](OpBuilder &b, Value m0) {
      kernel(b, loc, m0, mr, n0, nv, tailLanes);
    });
    if (mSize > mFull)
      kernel(b, loc, arith::ConstantIndexOp::create(b, loc, mFull),
             mSize - mFull, n0, nv, tailLanes);
  }

  Value plus(OpBuilder &b, Location loc, Value v, int64_t c) {
    if (c == 0)
      return v;
    return arith::AddIOp::create(b, loc, v,
                                 arith::ConstantIndexOp::create(b, loc, c));
  }

  SmallVector<Value> indices(OpBuilder &b, Location loc, AffineMap map) {
    SmallVector<Value> result;
    Value zero;
    for (AffineExpr expr : map.getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
        result.push_back(dims[dim.getPosition()]);
        continue;
      }
      if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
        result.push_back(
            arith::ConstantIndexOp::create(b, loc, constant.getValue()));
        continue;
      }
      // Dimensions the expression does not use may be unset here.
      SmallVector<Value> operands;
      for (unsigned d = 0; d < dims.size(); ++d) {
        if (expr.isFunctionOfDim(d)) {
          operands.push_back(dims[d]);
          continue;
        }
        if (!zero)
          zero = arith::ConstantIndexOp::create(b, loc, 0);
        operands.push_back(zero);
      }
      result.push_back(affine::AffineApplyOp::create(
          b, loc, AffineMap::get(map.getNumDims(), 0, expr), operands));
    }
    return result;
  }

  Value mask(OpBuilder &b, Location loc, int64_t active) {
    SmallVector<bool> bits(lanes, false);
    for (int64_t i = 0; i < active; ++i)
      bits[i] = true;
    auto type = VectorType::get({lanes}, b.getI1Type());
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, ArrayRef(bits)));
  }

  /// One register block: rows m0..m0+mr, vectors n0..n0+nv*lanes, the last
  /// vector cut to `tailLanes` lanes when that is not zero.
  void kernel(OpBuilder &b, Location loc, Value m0, int64_t mr, Value n0,
              int64_t nv, int64_t tailLanes) {
    auto vectorType = VectorType::get(
        {lanes}, cast<MemRefType>(k.c.getType()).getElementType());
    Value zeros = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(b.getZeroAttr(vectorType)));
    Value tailMask = tailLanes ? mask(b, loc, tailLanes) : Value();
    auto isTail = [&](int64_t j) { return tailLanes && j == nv - 1; };
    auto setBlock = [&](int64_t i, int64_t j) {
      if (k.m)
        dims[*k.m] = plus(b, loc, m0, i);
      dims[k.n] = plus(b, loc, n0, j * lanes);
    };

    SmallVector<Value> acc;
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t j = 0; j < nv; ++j) {
        setBlock(i, j);
        if (k.prologue && firstBlock) {
          acc.push_back(startValue(b, loc, vectorType, isTail(j) ? tailMask
                                                                 : Value(),
                                   zeros));
          continue;
        }
        SmallVector<Value> at = indices(b, loc, k.cMap);
        acc.push_back(isTail(j) ? Value(vector::MaskedLoadOp::create(
                                      b, loc, vectorType, k.c, at, tailMask,
                                      zeros))
                                : Value(vector::LoadOp::create(
                                      b, loc, vectorType, k.c, at)));
      }

    Value strideIndices;
    if (k.bStride != 1) {
      SmallVector<int32_t> offsets;
      for (int64_t l = 0; l < lanes; ++l)
        offsets.push_back(static_cast<int32_t>(l * k.bStride));
      auto type = VectorType::get({lanes}, b.getI32Type());
      strideIndices = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, ArrayRef(offsets)));
    }
    Value fullMask = k.bStride != 1 ? mask(b, loc, lanes) : Value();

    if (k.int8) {
      SmallVector<Value> sums = int8Reduction(b, loc, m0, mr, n0, nv,
                                              tailLanes, acc, tailMask);
      store(b, loc, m0, mr, n0, nv, tailLanes, tailMask, sums);
      return;
    }

    // The reduction loops, outermost first, carrying the accumulators.
    std::function<SmallVector<Value>(OpBuilder &, size_t, ValueRange)> reduce =
        [&](OpBuilder &b, size_t r, ValueRange carried) -> SmallVector<Value> {
      if (r == k.reductions.size())
        return step(b, loc, m0, mr, n0, nv, tailLanes, carried, zeros,
                    tailMask, fullMask, strideIndices);
      Value lb = arith::ConstantIndexOp::create(b, loc, 0);
      Value ub =
          arith::ConstantIndexOp::create(b, loc, k.ranges[k.reductions[r]]);
      if (r == 0 && kBlockLength) {
        lb = kBlockStart;
        ub = plus(b, loc, kBlockStart, kBlockLength);
      }
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      auto loop = scf::ForOp::create(
          b, loc, lb, ub, one, carried,
          [&](OpBuilder &nb, Location, Value iv, ValueRange inner) {
            dims[k.reductions[r]] = iv;
            scf::YieldOp::create(nb, loc, reduce(nb, r + 1, inner));
          });
      return SmallVector<Value>(loop.getResults());
    };
    SmallVector<Value> sums = reduce(b, 0, acc);
    for (int64_t r : k.reductions)
      dims[r] = Value();
    store(b, loc, m0, mr, n0, nv, tailLanes, tailMask, sums);
  }

  /// The register block back to C (through the epilogue in the last
  /// reduction block).
  void store(OpBuilder &b, Location loc, Value m0, int64_t mr, Value n0,
             int64_t nv, int64_t tailLanes, Value tailMask,
             ArrayRef<Value> sums) {
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t j = 0; j < nv; ++j) {
        if (k.m)
          dims[*k.m] = plus(b, loc, m0, i);
        dims[k.n] = plus(b, loc, n0, j * lanes);
        SmallVector<Value> at = indices(b, loc, k.cMap);
        Value v = sums[i * nv + j];
        Value target = k.c;
        if (k.epilogue && finalBlock) {
          v = applyEpilogue(b, loc, v, at,
                            tailLanes && j == nv - 1 ? tailMask : Value());
          target = k.epilogueOutput;
        }
        if (tailLanes == 1 && j == nv - 1) {
          // One lane as a scalar: LLVM 22's x86 backend stores a masked
          // store of one lane of a truncated vector (i32 -> i8) as the
          // whole untruncated 32-bit lane, over the next three bytes.
          Value lane = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0});
          memref::StoreOp::create(b, loc, lane, target, at);
        } else if (tailLanes && j == nv - 1)
          vector::MaskedStoreOp::create(b, loc, target, at, tailMask, v);
        else
          vector::StoreOp::create(b, loc, v, target, at);
      }
  }

  /// acc + the sums of four adjacent u8 x s8 products, per int32 lane, as
  /// plain vector ops (extend, multiply, reduce groups of four) that any
  /// target runs; smelt-cpu-select-vnni turns this exact form into one
  /// vpdpbusd late in the pipeline, where the target has it.
  Value dot4(OpBuilder &b, Location loc, Value acc, Value u, Value sgn) {
    auto wide = VectorType::get({lanes * 4}, b.getI32Type());
    Value product = arith::MulIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, wide, u),
        arith::ExtSIOp::create(b, loc, wide, sgn));
    Value grouped = vector::ShapeCastOp::create(
        b, loc, VectorType::get({lanes, 4}, b.getI32Type()), product);
    return vector::MultiDimReductionOp::create(
        b, loc, grouped, acc, ArrayRef<bool>{false, true},
        vector::CombiningKind::ADD);
  }

  /// The int8 reduction: over groups of four k, NV 64-byte vectors of the
  /// packed B, MR broadcasts of four bytes of A, MR * NV VNNI dot products
  /// (u8 x s8, sums of four into each int32 lane). A last group of fewer
  /// than four k reads A masked (B is zero there).
  SmallVector<Value> int8Reduction(OpBuilder &b, Location loc, Value m0,
                                   int64_t mr, Value n0, int64_t nv,
                                   int64_t tailLanes, ValueRange acc,
                                   Value tailMask) {
    int64_t kDim = k.reductions.front();
    int64_t kSize = k.ranges[kDim];
    int64_t full = kSize / 4, rest = kSize % 4;
    auto groupStep = [&](OpBuilder &b, Value group, ValueRange carried,
                         int64_t aBytes) -> SmallVector<Value> {
      auto bytes = VectorType::get({lanes * 4}, b.getI8Type());
      auto words = VectorType::get({lanes}, b.getI32Type());
      dims[kDim] = arith::MulIOp::create(
          b, loc, group, arith::ConstantIndexOp::create(b, loc, 4));
      SmallVector<Value> bv;
      for (int64_t j = 0; j < nv; ++j) {
        Value column = arith::MulIOp::create(
            b, loc, plus(b, loc, n0, j * lanes),
            arith::ConstantIndexOp::create(b, loc, 4));
        // The packed map's leading (batch) indices, then group and column.
        SmallVector<Value> at;
        for (unsigned r = 0; r + 3 < k.bMap.getNumResults(); ++r)
          at.push_back(dims[k.bMap.getDimPosition(r)]);
        at.push_back(group);
        at.push_back(column);
        if (tailLanes && j == nv - 1) {
          SmallVector<bool> bits(lanes * 4, false);
          for (int64_t l = 0; l < tailLanes * 4; ++l)
            bits[l] = true;
          Value byteMask = arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(
                  VectorType::get({lanes * 4}, b.getI1Type()), ArrayRef(bits)));
          Value none = arith::ConstantOp::create(
              b, loc, cast<TypedAttr>(b.getZeroAttr(bytes)));
          bv.push_back(vector::MaskedLoadOp::create(b, loc, bytes, packedRows,
                                                    at, byteMask, none));
        } else {
          bv.push_back(vector::LoadOp::create(b, loc, bytes, packedRows, at));
        }
      }
      auto four = VectorType::get({4}, b.getI8Type());
      SmallVector<Value> result;
      for (int64_t i = 0; i < mr; ++i) {
        if (k.m)
          dims[*k.m] = plus(b, loc, m0, i);
        SmallVector<Value> at = indices(b, loc, k.aMap);
        Value quad;
        if (aBytes == 4) {
          quad = vector::LoadOp::create(b, loc, four, k.a, at);
        } else {
          SmallVector<bool> bits(4, false);
          for (int64_t l = 0; l < aBytes; ++l)
            bits[l] = true;
          Value quadMask = arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(VectorType::get({4}, b.getI1Type()),
                                     ArrayRef(bits)));
          Value none = arith::ConstantOp::create(
              b, loc, cast<TypedAttr>(b.getZeroAttr(four)));
          quad = vector::MaskedLoadOp::create(b, loc, four, k.a, at, quadMask,
                                              none);
        }
        Value word = vector::ExtractOp::create(
            b, loc,
            vector::BitCastOp::create(
                b, loc, VectorType::get({1}, b.getI32Type()), quad),
            ArrayRef<int64_t>{0});
        Value splat = vector::BitCastOp::create(
            b, loc, bytes, vector::BroadcastOp::create(b, loc, words, word));
        for (int64_t j = 0; j < nv; ++j) {
          Value u = k.aUnsigned ? splat : bv[j];
          Value sgn = k.aUnsigned ? bv[j] : splat;
          result.push_back(dot4(b, loc, carried[i * nv + j], u, sgn));
        }
      }
      return result;
    };
    SmallVector<Value> sums(acc.begin(), acc.end());
    if (full > 0) {
      auto loop = scf::ForOp::create(
          b, loc, arith::ConstantIndexOp::create(b, loc, 0),
          arith::ConstantIndexOp::create(b, loc, full),
          arith::ConstantIndexOp::create(b, loc, 1), sums,
          [&](OpBuilder &nb, Location, Value group, ValueRange carried) {
            scf::YieldOp::create(nb, loc, groupStep(nb, group, carried, 4));
          });
      sums.assign(loop.getResults().begin(), loop.getResults().end());
    }
    if (rest)
      sums = groupStep(b, arith::ConstantIndexOp::create(b, loc, full), sums,
                       rest);
    dims[kDim] = Value();
    return sums;
  }

  /// One reduction step: NV vectors of B, MR broadcasts of A, MR * NV
  /// multiply-adds.
  SmallVector<Value> step(OpBuilder &b, Location loc, Value m0, int64_t mr,
                          Value n0, int64_t nv, int64_t tailLanes,
                          ValueRange acc, Value zeros, Value tailMask,
                          Value fullMask, Value strideIndices) {
    auto vectorType = VectorType::get(
        {lanes}, cast<MemRefType>(k.c.getType()).getElementType());
    SmallVector<Value> bv;
    for (int64_t j = 0; j < nv; ++j) {
      dims[k.n] = plus(b, loc, n0, j * lanes);
      SmallVector<Value> at = indices(b, loc, k.bMap);
      bool tail = tailLanes && j == nv - 1;
      if (k.bStride == 2) {
        bv.push_back(loadEvenLanes(b, loc, at, tail ? tailLanes : lanes,
                                   zeros));
        continue;
      }
      if (k.bStride != 1)
        bv.push_back(vector::GatherOp::create(
            b, loc, vectorType, k.b, at, strideIndices,
            tail ? tailMask : fullMask, zeros));
      else if (tail)
        bv.push_back(vector::MaskedLoadOp::create(b, loc, vectorType, k.b, at,
                                                  tailMask, zeros));
      else
        bv.push_back(vector::LoadOp::create(b, loc, vectorType, k.b, at));
    }
    SmallVector<Value> result;
    if (!k.a) {
      for (int64_t j = 0; j < nv; ++j)
        result.push_back(combine(b, loc, bv[j], acc[j]));
      return result;
    }
    for (int64_t i = 0; i < mr; ++i) {
      if (k.m)
        dims[*k.m] = plus(b, loc, m0, i);
      Value a = memref::LoadOp::create(b, loc, k.a, indices(b, loc, k.aMap));
      Value splat = vector::BroadcastOp::create(b, loc, vectorType, a);
      for (int64_t j = 0; j < nv; ++j)
        result.push_back(
            vector::FMAOp::create(b, loc, splat, bv[j], acc[i * nv + j]));
    }
    return result;
  }

  /// `active` elements of B at stride 2 from `at`: two contiguous loads
  /// (masked so that nothing past the last element used is read) and a
  /// shuffle of their even lanes; cheaper than a gather.
  Value loadEvenLanes(OpBuilder &b, Location loc, SmallVector<Value> at,
                      int64_t active, Value zeros) {
    auto vectorType = cast<VectorType>(zeros.getType());
    int64_t needed = 2 * (active - 1) + 1;
    auto part = [&](int64_t count) -> Value {
      if (count <= 0)
        return zeros;
      if (count >= lanes)
        return vector::LoadOp::create(b, loc, vectorType, k.b, at);
      return vector::MaskedLoadOp::create(b, loc, vectorType, k.b, at,
                                          mask(b, loc, count), zeros);
    };
    Value low = part(needed);
    at.back() = plus(b, loc, at.back(), lanes);
    Value high = part(needed - lanes);
    SmallVector<int64_t> even;
    for (int64_t l = 0; l < lanes; ++l)
      even.push_back(2 * l);
    return vector::ShuffleOp::create(b, loc, low, high, even);
  }

  /// What the prologue would have written to C at the current block: its
  /// fill value, or its input read along n or broadcast.
  Value startValue(OpBuilder &b, Location loc, VectorType vectorType,
                   Value tailMask, Value zeros) {
    if (auto fill = dyn_cast<linalg::FillOp>(k.prologue))
      return vector::BroadcastOp::create(b, loc, vectorType,
                                         fill.getInputs()[0]);
    SmallVector<Value> at = indices(b, loc, k.prologueMap);
    if (!k.prologueMap.getNumResults() ||
        !k.prologueMap.getResults().back().isFunctionOfDim(k.n))
      return vector::BroadcastOp::create(
          b, loc, vectorType,
          memref::LoadOp::create(b, loc, k.prologueInput, at));
    if (tailMask)
      return vector::MaskedLoadOp::create(b, loc, vectorType, k.prologueInput,
                                          at, tailMask, zeros);
    return vector::LoadOp::create(b, loc, vectorType, k.prologueInput, at);
  }

  /// The epilogue's body on a vector of finished outputs, which sit at C's
  /// indices `at`; its other inputs are read there (broadcast, or a vector
  /// along the innermost dimension, masked by `tailMask` when set).
  Value applyEpilogue(OpBuilder &b, Location loc, Value v,
                      ArrayRef<Value> at, Value tailMask) {
    auto vectorType = cast<VectorType>(v.getType());
    linalg::GenericOp e = k.epilogue;
    Block &body = e.getRegion().front();
    IRMapping mapping;
    mapping.map(body.getArgument(0), v);
    auto vectorOf = [&](Type t) {
      return VectorType::get(vectorType.getShape(), t);
    };
    for (unsigned i = 1; i < e.getNumDpsInputs(); ++i) {
      OpOperand *operand = e.getDpsInputOperand(i);
      AffineMap map = e.getMatchingIndexingMap(operand);
      SmallVector<Value> indices;
      for (AffineExpr expr : map.getResults()) {
        if (auto dim = dyn_cast<AffineDimExpr>(expr))
          indices.push_back(at[dim.getPosition()]);
        else
          indices.push_back(arith::ConstantIndexOp::create(
              b, loc, cast<AffineConstantExpr>(expr).getValue()));
      }
      Type element = getElementTypeOrSelf(operand->get().getType());
      Value loaded;
      bool alongRow = map.getNumResults() > 0 &&
                      map.getResults().back().isFunctionOfDim(
                          map.getNumDims() - 1);
      if (!alongRow) {
        loaded = vector::BroadcastOp::create(
            b, loc, vectorOf(element),
            memref::LoadOp::create(b, loc, operand->get(), indices));
      } else if (tailMask) {
        Value none = arith::ConstantOp::create(
            b, loc, cast<TypedAttr>(b.getZeroAttr(vectorOf(element))));
        loaded = vector::MaskedLoadOp::create(b, loc, vectorOf(element),
                                              operand->get(), indices,
                                              tailMask, none);
      } else {
        loaded = vector::LoadOp::create(b, loc, vectorOf(element),
                                        operand->get(), indices);
      }
      mapping.map(body.getArgument(i), loaded);
    }
    for (Operation &op : body.without_terminator()) {
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        // A table lookup: a gather at the lanes' indices, taken as i32
        // when they were computed as i32.
        Value index = load.getIndices()[0];
        Value lanesIndex = mapping.lookup(index);
        if (auto cast = index.getDefiningOp<arith::IndexCastOp>();
            cast && cast.getIn().getType().isInteger(32) &&
            mapping.contains(cast.getIn()))
          lanesIndex = mapping.lookup(cast.getIn());
        auto maskType = VectorType::get(vectorType.getShape(), b.getI1Type());
        Value all = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(maskType, true));
        Value none = arith::ConstantOp::create(
            b, loc, cast<TypedAttr>(b.getZeroAttr(vectorOf(load.getType()))));
        Value zero = arith::ConstantIndexOp::create(b, loc, 0);
        mapping.map(load.getResult(),
                    vector::GatherOp::create(b, loc, vectorOf(load.getType()),
                                             load.getMemRef(), ValueRange{zero},
                                             lanesIndex, all, none)
                        .getResult());
        continue;
      }
      if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
        auto type = vectorOf(constant.getType());
        mapping.map(constant.getResult(),
                    arith::ConstantOp::create(
                        b, loc, DenseElementsAttr::get(type, constant.getValue())));
        continue;
      }
      for (Value operand : op.getOperands())
        if (!mapping.contains(operand))
          mapping.map(operand, vector::BroadcastOp::create(
                                   b, loc, vectorOf(operand.getType()), operand));
      Operation *clone = b.clone(op, mapping);
      for (Value result : clone->getResults())
        result.setType(vectorOf(result.getType()));
    }
    return mapping.lookup(body.getTerminator()->getOperand(0));
  }

  Value combine(OpBuilder &b, Location loc, Value x, Value acc) {
    switch (k.combiner) {
    case Combiner::Add:
      return arith::AddFOp::create(b, loc, acc, x);
    case Combiner::Maximum:
      return arith::MaximumFOp::create(b, loc, x, acc);
    case Combiner::Minimum:
      return arith::MinimumFOp::create(b, loc, x, acc);
    case Combiner::MaxSigned:
      return arith::MaxSIOp::create(b, loc, x, acc);
    case Combiner::MaxUnsigned:
      return arith::MaxUIOp::create(b, loc, x, acc);
    case Combiner::MinSigned:
      return arith::MinSIOp::create(b, loc, x, acc);
    case Combiner::MinUnsigned:
      return arith::MinUIOp::create(b, loc, x, acc);
    case Combiner::MultiplyAdd:
      break;
    }
    llvm_unreachable("multiply-add takes two operands");
  }

  const Contraction &k;
  /// Whether the next loop of more than one iteration is scf.parallel.
  bool parallelPending;
  /// An int8 contraction's packed operand as [ceil(K/4), N * 4].
  Value packedRows;
  /// Reduction blocking: the block of the first reduction dimension the
  /// kernels being emitted cover (all of it when kBlockLength is 0), and
  /// whether it is the last one.
  static constexpr int64_t kBlock = 256;
  Value kBlockStart;
  int64_t kBlockLength = 0;
  bool firstBlock = true;
  bool finalBlock = true;
  int64_t lanes;
  int64_t registers;
  /// The current value of each loop dimension while emitting.
  SmallVector<Value> dims;
};

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

/// Whether the two buffers may share bytes. Distinct roots never do: the
/// entry function's arguments are distinct caller buffers.
bool mayOverlap(Value a, Value b) {
  Extent ea = extentOf(a), eb = extentOf(b);
  if (ea.root != eb.root && !sameGlobal(ea.root, eb.root))
    return false;
  if (!ea.bytes || !eb.bytes)
    return true;
  return ea.bytes->first < eb.bytes->second &&
         eb.bytes->first < ea.bytes->second;
}

/// The fill or broadcast that initializes C right before the contraction,
/// with nothing else touching C in between.
void findPrologue(Contraction &k) {
  Operation *prev = k.op->getPrevNode();
  while (prev && (isMemoryEffectFree(prev) ||
                  isa<ViewLikeOpInterface, memref::AllocOp>(prev)))
    prev = prev->getPrevNode();
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
  OpOperand *input = generic.getDpsInputOperand(0);
  auto inputType = dyn_cast<MemRefType>(input->get().getType());
  AffineMap map = generic.getMatchingIndexingMap(input);
  if (!inputType || inputType.getElementType() != element ||
      !map.isProjectedPermutation(/*allowZeroInResults=*/true))
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
  k.prologue = prev;
  k.prologueInput = input->get();
  k.prologueMap = composed;
}

/// An elementwise generic that reads the contraction's output and nothing
/// else, element for element, as the next op with memory effects, and is
/// the output's last reader; its body made of elementwise scalar ops.
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

void findEpilogue(Contraction &k) {
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
  // ...] result seen as [N, M, ...]): with all contiguous, elements still
  // pair up in order.
  auto cType = cast<MemRefType>(k.c.getType());
  Value read = e.getDpsInputOperand(0)->get();
  Operation *reshape = nullptr; // the one that reads C
  for (Value v = read; v != k.c;) {
    Operation *def = v.getDefiningOp();
    if (!isa_and_nonnull<memref::ReshapeOp, memref::CollapseShapeOp,
                         memref::ExpandShapeOp>(def) ||
        !v.hasOneUse() || !cast<MemRefType>(v.getType()).getLayout().isIdentity())
      return;
    reshape = def;
    v = def->getOperand(0);
  }
  if (reshape && !cType.getLayout().isIdentity())
    return;
  Value out = e.getDpsInitOperand(0)->get();
  auto outType = dyn_cast<MemRefType>(out.getType());
  auto readType = cast<MemRefType>(read.getType());
  if (!outType || outType.getShape() != readType.getShape() ||
      !outType.getElementType().isIntOrFloat() || !hasUnitInnerStride(outType) ||
      (reshape && !outType.getLayout().isIdentity()))
    return;
  // Other inputs (scales, zero points) are read at C's indices, so the
  // epilogue must iterate C's own shape; each either does not vary along
  // the innermost dimension (one value per row) or runs along it.
  bool sameShape = readType.getShape() == cType.getShape();
  if (e.getNumDpsInputs() > 1 && !sameShape)
    return;
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

/// The column packing of an int8 convolution (buildPackedInt8Conv's copy):
/// out[n, g, oh, ow, j] = x[..., oh*s + .., ow*s + ..] over
/// dims (n, g, j, oh, ow). Per (n, g, oh) and 16 outputs along ow: four
/// rows of x (j = 0..3; stride 1, or 2 by two loads and even bytes),
/// interleaved a0 b0 c0 d0 a1 b1 ... into one 64-byte store.
LogicalResult emitColumnPacking(linalg::GenericOp op, OpBuilder &b,
                                bool parallel) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 5)
    return failure();
  Value x = op.getDpsInputs()[0], out = op.getDpsInits()[0];
  auto xType = dyn_cast<MemRefType>(x.getType());
  auto outType = dyn_cast<MemRefType>(out.getType());
  AffineMap xMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  if (!xType || !outType || !xType.hasStaticShape() ||
      !outType.hasStaticShape() || !xType.getLayout().isIdentity() ||
      !outType.getLayout().isIdentity() || outType.getRank() != 5 ||
      outType.getDimSize(4) != 4 || xMap.getNumResults() == 0)
    return failure();
  // x's innermost index must advance by a constant 1 or 2 per step of ow
  // (d4), the rest of it (window offsets, floordiv/mod of k) held fixed.
  MLIRContext *ctx = op.getContext();
  AffineExpr lastExpr = xMap.getResults().back();
  SmallVector<AffineExpr> shifted;
  for (unsigned i = 0; i < 5; ++i)
    shifted.push_back(getAffineDimExpr(i, ctx) + (i == 4 ? 1 : 0));
  AffineExpr step = simplifyAffineExpr(
      lastExpr.replaceDims(shifted) - lastExpr, 5, 0);
  auto constantStep = dyn_cast<AffineConstantExpr>(step);
  if (!constantStep ||
      (constantStep.getValue() != 1 && constantStep.getValue() != 2))
    return failure();
  for (unsigned r = 0; r + 1 < xMap.getNumResults(); ++r)
    if (xMap.getResult(r).isFunctionOfDim(4))
      return failure();
  int64_t stride = constantStep.getValue();
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t ow = ranges[4], lanes = 16;
  auto bytes = [&](int64_t n) { return VectorType::get({n}, b.getI8Type()); };
  auto maskOf = [&](int64_t size, int64_t active) -> Value {
    SmallVector<bool> bits(size, false);
    for (int64_t i = 0; i < active; ++i)
      bits[i] = true;
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({size}, b.getI1Type()),
                               ArrayRef(bits)));
  };
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // out as [N, G, OH, OW * 4].
  Value rows = memref::CollapseShapeOp::create(
      b, loc,
      MemRefType::get({outType.getDimSize(0), outType.getDimSize(1),
                       outType.getDimSize(2), outType.getDimSize(3) * 4},
                      b.getI8Type()),
      out, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  Value zero16 = arith::ConstantOp::create(
      b, loc, cast<TypedAttr>(b.getZeroAttr(bytes(lanes * stride))));

  auto body = [&](OpBuilder &b, Value n, Value g, Value oh) {
    auto block = [&](OpBuilder &b, Value ow0, int64_t active) {
      SmallVector<Value> quads;
      for (int64_t j = 0; j < 4; ++j) {
        SmallVector<Value> dims = {n, g, index(j), oh, ow0};
        SmallVector<Value> at;
        for (AffineExpr e : xMap.getResults())
          at.push_back(affine::AffineApplyOp::create(
              b, loc, AffineMap::get(5, 0, e), dims));
        // x's innermost row, read once with stride-2 room.
        int64_t span = (active - 1) * stride + 1;
        Value v = span >= lanes * stride
                      ? Value(vector::LoadOp::create(b, loc, bytes(lanes * stride),
                                                     x, at))
                      : Value(vector::MaskedLoadOp::create(
                            b, loc, bytes(lanes * stride), x, at,
                            maskOf(lanes * stride, span), zero16));
        if (stride == 2) {
          SmallVector<int64_t> even;
          for (int64_t l = 0; l < lanes; ++l)
            even.push_back(2 * l);
          v = vector::ShuffleOp::create(b, loc, v, v, even);
        }
        quads.push_back(v);
      }
      SmallVector<int64_t> pairs, fours;
      for (int64_t l = 0; l < lanes; ++l) {
        pairs.push_back(l);
        pairs.push_back(lanes + l);
      }
      for (int64_t l = 0; l < lanes; ++l) {
        fours.push_back(2 * l);
        fours.push_back(2 * l + 1);
        fours.push_back(2 * lanes + 2 * l);
        fours.push_back(2 * lanes + 2 * l + 1);
      }
      Value ab = vector::ShuffleOp::create(b, loc, quads[0], quads[1], pairs);
      Value cd = vector::ShuffleOp::create(b, loc, quads[2], quads[3], pairs);
      Value packed = vector::ShuffleOp::create(b, loc, ab, cd, fours);
      Value column = arith::MulIOp::create(b, loc, ow0, index(4));
      SmallVector<Value> at = {n, g, oh, column};
      if (active == lanes)
        vector::StoreOp::create(b, loc, packed, rows, at);
      else
        vector::MaskedStoreOp::create(b, loc, rows, at,
                                      maskOf(lanes * 4, active * 4), packed);
    };
    int64_t full = ow / lanes * lanes;
    if (full > 0)
      scf::ForOp::create(b, loc, index(0), index(full), index(lanes),
                         ValueRange{},
                         [&](OpBuilder &nb, Location, Value ow0, ValueRange) {
                           block(nb, ow0, lanes);
                           scf::YieldOp::create(nb, loc);
                         });
    if (ow > full)
      block(b, index(full), ow - full);
  };
  // (n, g) in parallel, then oh.
  auto outer = [&](OpBuilder &b, Value n, Value g) {
    scf::ForOp::create(b, loc, index(0), index(ranges[3]), index(1),
                       ValueRange{},
                       [&](OpBuilder &nb, Location, Value oh, ValueRange) {
                         body(nb, n, g, oh);
                         scf::YieldOp::create(nb, loc);
                       });
  };
  if (parallel) {
    scf::ParallelOp::create(
        b, loc, ValueRange{index(0), index(0)},
        ValueRange{index(ranges[0]), index(ranges[1])},
        ValueRange{index(1), index(1)},
        [&](OpBuilder &nb, Location, ValueRange ivs) {
          outer(nb, ivs[0], ivs[1]);
        });
  } else {
    scf::ForOp::create(
        b, loc, index(0), index(ranges[0]), index(1), ValueRange{},
        [&](OpBuilder &nb, Location, Value n, ValueRange) {
          scf::ForOp::create(nb, loc, index(0), index(ranges[1]), index(1),
                             ValueRange{},
                             [&](OpBuilder &nb2, Location, Value g, ValueRange) {
                               outer(nb2, n, g);
                               scf::YieldOp::create(nb2, loc);
                             });
          scf::YieldOp::create(nb, loc);
        });
  }
  return success();
}

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
      if (std::optional<Contraction> k = matchContraction(op)) {
        findEpilogue(*k);
        findPrologue(*k);
        found.push_back(*k);
      } else if (vectorBits == 512) {
        if (std::optional<Contraction> k = matchInt8Contraction(op)) {
          findEpilogue(*k);
          findPrologue(*k);
          found.push_back(*k);
        }
      }
    });
    IRRewriter rewriter(&getContext());
    if (vectorBits == 512) {
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
        if (outMap == AffineMap::get(5, 0, {d(0), d(1), d(3), d(4), d(2)}, ctx) &&
            llvm::hasSingleElement(body) && element.isInteger(8) &&
            yield.getOperand(0) == body.getArgument(0))
          packs.push_back(op);
      });
      for (linalg::GenericOp op : packs) {
        rewriter.setInsertionPoint(op);
        if (succeeded(emitColumnPacking(op, rewriter, parallel)))
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
        k.epilogueOutput = memref::ReinterpretCastOp::create(
            rewriter, k.op.getLoc(),
            MemRefType::get(cType.getShape(),
                            getElementTypeOrSelf(k.epilogueOutput.getType())),
            k.epilogueOutput, 0, cType.getShape(), strides);
      }
      KernelEmitter(k, vectorBits, parallel).emit(rewriter);
      rewriter.eraseOp(k.op);
      if (k.epilogue)
        rewriter.eraseOp(k.epilogue);
      if (k.prologue)
        rewriter.eraseOp(k.prologue);
    }
  }
};

} // namespace

namespace {

/// multi_reduction<add>(shape_cast(extui(u) * extsi(s)) : 16x4, acc) over
/// 64 bytes -> vpdpbusd(acc, u, s).
struct SelectVNNI : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto source = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto type = dyn_cast<VectorType>(op.getSourceVectorType());
    if (!source || op.getKind() != vector::CombiningKind::ADD || !type ||
        type.getShape() != ArrayRef<int64_t>{16, 4} ||
        !type.getElementType().isInteger(32) ||
        op.getReductionMask() != ArrayRef<bool>{false, true})
      return failure();
    auto mul = source.getSource().getDefiningOp<arith::MulIOp>();
    if (!mul)
      return failure();
    auto u = mul.getLhs().getDefiningOp<arith::ExtUIOp>();
    auto sgn = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
    if (!u || !sgn ||
        cast<VectorType>(u.getIn().getType()).getElementType() !=
            rewriter.getI8Type() ||
        cast<VectorType>(sgn.getIn().getType()).getElementType() !=
            rewriter.getI8Type())
      return failure();
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getAcc().getType(),
        rewriter.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
        ValueRange{op.getAcc(), u.getIn(), sgn.getIn()});
    return success();
  }
};

/// trunci(gather(table[extui(x)])) : 16 bytes, where the table is a
/// constant global of 256 values that fit a byte (smelt-cpu-tabulate's) ->
/// two vpermi2b (AVX-512 VBMI) over the table's four 64-byte quarters and
/// a select on each index's top bit. A 16-lane gather loads one element at
/// a time; these are three in-register shuffles.
struct SelectByteTable : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    auto getGlobal = op.getBase().getDefiningOp<memref::GetGlobalOp>();
    auto wide = op.getIndices().getDefiningOp<arith::ExtUIOp>();
    if (!type || type.getShape() != ArrayRef<int64_t>{16} ||
        !type.getElementType().isInteger(32) || !getGlobal || !wide ||
        cast<VectorType>(wide.getIn().getType()).getElementType() !=
            rewriter.getI8Type() ||
        op->use_empty() ||
        !llvm::all_of(op->getUsers(), [](Operation *user) {
          auto trunc = dyn_cast<arith::TruncIOp>(user);
          return trunc && getElementTypeOrSelf(trunc.getType()).isInteger(8);
        }))
      return failure();
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        op, getGlobal.getNameAttr());
    auto values = global && global.getConstant() && global.getInitialValue()
                      ? dyn_cast<DenseIntElementsAttr>(*global.getInitialValue())
                      : DenseIntElementsAttr();
    if (!values || values.getNumElements() != 256)
      return failure();
    SmallVector<int8_t> bytes;
    for (APInt v : values.getValues<APInt>()) {
      if (v.getZExtValue() > 255)
        return failure();
      bytes.push_back(static_cast<int8_t>(v.getZExtValue()));
    }
    Location loc = op.getLoc();
    auto bytes64 = VectorType::get({64}, rewriter.getI8Type());
    auto quarter = [&](int q) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(bytes64, ArrayRef(bytes).slice(q * 64, 64)));
    };
    SmallVector<int64_t> repeat, first;
    for (int64_t i = 0; i < 64; ++i)
      repeat.push_back(i % 16);
    for (int64_t i = 0; i < 16; ++i)
      first.push_back(i);
    Value index = vector::ShuffleOp::create(rewriter, loc, wide.getIn(),
                                            wide.getIn(), repeat);
    auto permute = [&](Value a, Value b) -> Value {
      return LLVM::CallIntrinsicOp::create(
                 rewriter, loc, bytes64,
                 rewriter.getStringAttr("llvm.x86.avx512.vpermi2var.qi.512"),
                 ValueRange{a, index, b})
          .getResult(0);
    };
    Value low = permute(quarter(0), quarter(1));
    Value high = permute(quarter(2), quarter(3));
    Value zero = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(rewriter.getZeroAttr(bytes64)));
    Value upper = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                                        index, zero);
    Value looked = arith::SelectOp::create(rewriter, loc, upper, high, low);
    Value result = vector::ShuffleOp::create(rewriter, loc, looked, looked, first);
    for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
      rewriter.replaceOp(user, result);
    rewriter.eraseOp(op);
    return success();
  }
};

struct CPUSelectVNNIPass
    : smelt::impl::CPUSelectVNNIPassBase<CPUSelectVNNIPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SelectVNNI>(&getContext());
    if (byteTables)
      patterns.add<SelectByteTable>(&getContext());
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
