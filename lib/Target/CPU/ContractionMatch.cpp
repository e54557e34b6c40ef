//===- ContractionMatch.cpp - Contractions the CPU kernel takes -----------===//
//
// Recognizes the linalg.generic ops smelt-cpu-vectorize-contractions turns
// into register-blocked kernels (f32 contractions and window reductions,
// int8 products on a packed operand), and how each maps onto the kernel:
// which operand is A and which B, the n and m dimensions, the batch loops
// and the reductions.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "BufferLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// m: among the output dimensions that A reads and B does not, the one
/// nearest n that runs at least kNearRows, else the longest (nearest n
/// among equals); every other parallel dimension but n is a batch loop.
/// Rows near n are near each other in A and C: a 3x3 convolution at batch
/// 64 took the images as rows (64 against 14 output columns), each row of
/// the register block in an image of its own, and ran 6x slower per image
/// than at batch 8.
void assignRowsAndBatches(Contraction &k,
                          ArrayRef<utils::IteratorType> iterators) {
  constexpr int64_t kNearRows = 4;
  std::optional<unsigned> near;
  for (int r = k.cMap.getNumResults() - 2; r >= 0; --r) {
    unsigned d = k.cMap.getDimPosition(r);
    if (!k.aMap.isFunctionOfDim(d) || k.bMap.isFunctionOfDim(d) ||
        k.ranges[d] <= 1)
      continue;
    if (!near && k.ranges[d] >= kNearRows)
      near = d;
    if (!k.m || k.ranges[d] > k.ranges[*k.m])
      k.m = d;
  }
  if (near)
    k.m = near;
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (iterators[d] == utils::IteratorType::parallel &&
        static_cast<int64_t>(d) != k.n && (!k.m || d != *k.m))
      k.batch.push_back(d);
}

} // namespace

std::optional<SmallVector<int64_t>>
smelt::detail::linearCoefficients(AffineExpr expr, unsigned numDims) {
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

std::optional<Combiner> smelt::detail::classifyBody(linalg::GenericOp op) {
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

std::optional<Contraction>
smelt::detail::matchContraction(linalg::GenericOp op, std::string *whyNot) {
  auto decline = [&](const char *reason) -> std::optional<Contraction> {
    if (whyNot)
      *whyNot = reason;
    return std::nullopt;
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return decline("not a contraction of two inputs into one buffer");
  std::optional<Combiner> combiner = classifyBody(op);
  if (!combiner)
    return decline("its body is not out + a * b on f32, nor a window sum, maximum or minimum");
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0)
      return decline("an operand is not a static buffer of rank 1 or more");
  }
  Contraction k;
  k.op = op;
  k.combiner = *combiner;
  k.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(k.ranges, ShapedType::isDynamic))
    return decline("its loop ranges are not static");
  unsigned numDims = k.ranges.size();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < numDims; ++d)
    if (iterators[d] == utils::IteratorType::reduction)
      k.reductions.push_back(d);
  if (k.reductions.empty())
    return decline("it has no reduction");

  OpOperand *init = op.getDpsInitOperand(0);
  k.c = init->get();
  k.cMap = op.getMatchingIndexingMap(init);
  if (!k.cMap.isProjectedPermutation() ||
      !hasUnitInnerStride(cast<MemRefType>(k.c.getType())))
    return decline("its output is not indexed by a permutation of loops, or not contiguous in its innermost dimension");
  // The output covers exactly the parallel dimensions.
  for (unsigned d = 0; d < numDims; ++d)
    if (k.cMap.isFunctionOfDim(d) !=
        (iterators[d] == utils::IteratorType::parallel))
      return decline("its output is not indexed by exactly its parallel loops");
  k.n = k.cMap.getDimPosition(k.cMap.getNumResults() - 1);

  // B reads along n in its innermost dimension, and only there.
  // (A window reduction has no A: its second input is only a shape.)
  OpOperand *inputs[2] = {op.getDpsInputOperand(0), op.getDpsInputOperand(1)};
  int bIndex = -1;
  int along = 0;
  for (int i = 0; i < (k.combiner == Combiner::MultiplyAdd ? 2 : 1); ++i) {
    AffineMap map = op.getMatchingIndexingMap(inputs[i]);
    if (map.getNumResults() > 0 &&
        map.getResult(map.getNumResults() - 1).isFunctionOfDim(k.n)) {
      bIndex = i;
      ++along;
    }
  }
  if (bIndex < 0)
    return decline("no input reads along the output's innermost dimension");
  // Both along n (a depthwise convolution along its channels): B is the
  // one that reads fewer of the other parallel dimensions (the weights),
  // so that A's rows share its vectors.
  if (along == 2) {
    auto parallelReads = [&](int i) {
      AffineMap map = op.getMatchingIndexingMap(inputs[i]);
      int count = 0;
      for (unsigned d = 0; d < numDims; ++d)
        count += iterators[d] == utils::IteratorType::parallel &&
                 static_cast<int64_t>(d) != k.n && map.isFunctionOfDim(d);
      return count;
    };
    bIndex = parallelReads(0) < parallelReads(1) ? 0 : 1;
  }
  k.b = inputs[bIndex]->get();
  k.bMap = op.getMatchingIndexingMap(inputs[bIndex]);
  k.aMap = AffineMap::get(numDims, 0, op.getContext());
  if (k.combiner == Combiner::MultiplyAdd) {
    k.a = inputs[1 - bIndex]->get();
    k.aMap = op.getMatchingIndexingMap(inputs[1 - bIndex]);
  }
  if (!hasUnitInnerStride(cast<MemRefType>(k.b.getType())))
    return decline("the input along the output's innermost dimension is not contiguous");
  if (k.aMap.isFunctionOfDim(k.n)) {
    // A along n as well: only as its own innermost index, plainly, in a
    // contiguous buffer; each row then loads vectors of A too.
    AffineExpr nExpr = getAffineDimExpr(k.n, op.getContext());
    if (k.aMap.getResults().back() != nExpr ||
        k.bMap.getResults().back() != nExpr ||
        !hasUnitInnerStride(cast<MemRefType>(k.a.getType())))
      return decline("both inputs read along the output's innermost dimension, not both as their own innermost index at stride 1");
    for (unsigned r = 0; r + 1 < k.aMap.getNumResults(); ++r)
      if (k.aMap.getResult(r).isFunctionOfDim(k.n))
        return decline("both inputs read along the output's innermost dimension, one also outside its own innermost index");
    k.aAlongN = true;
  }
  for (unsigned r = 0; r + 1 < k.bMap.getNumResults(); ++r)
    if (k.bMap.getResult(r).isFunctionOfDim(k.n))
      return decline("the input along the output's innermost dimension also reads it outside its own innermost one");
  for (AffineMap map : {k.aMap, k.bMap})
    for (AffineExpr expr : map.getResults())
      if (!linearCoefficients(expr, numDims))
        return decline("an index is not a linear function of the loops");
  k.bStride = (*linearCoefficients(
      k.bMap.getResult(k.bMap.getNumResults() - 1), numDims))[k.n];
  if (k.bStride < 1)
    return decline("the input along the output's innermost dimension is read at a stride below 1");

  assignRowsAndBatches(k, iterators);
  return k;
}

std::optional<Contraction>
smelt::detail::matchInt8Contraction(linalg::GenericOp op,
                                    std::string *whyNot) {
  auto decline = [&](const char *reason) -> std::optional<Contraction> {
    if (whyNot)
      *whyNot = reason;
    return std::nullopt;
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1)
    return decline("not a contraction of two inputs into one buffer with one reduction");
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3 || !llvm::hasNItems(body, 5))
    return decline("its body is not acc + ext(a) * ext(b) in int32");
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add || !add.getType().isInteger(32))
    return decline("its body is not acc + ext(a) * ext(b) in int32");
  Value accArg = body.getArgument(2);
  Value product = add.getLhs() == accArg ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul || (add.getLhs() != accArg && add.getRhs() != accArg))
    return decline("its body is not acc + ext(a) * ext(b) in int32");
  // Which argument each extension reads, and whether it is unsigned.
  std::optional<bool> unsignedOf[2];
  unsigned width = 0;
  for (Value v : {mul.getLhs(), mul.getRhs()}) {
    Operation *ext = v.getDefiningOp();
    if (!isa_and_nonnull<arith::ExtUIOp, arith::ExtSIOp>(ext))
      return decline("its products are not of bytes or words extended from the inputs");
    auto arg = dyn_cast<BlockArgument>(ext->getOperand(0));
    if (!arg || arg.getArgNumber() > 1 ||
        !(arg.getType().isInteger(8) || arg.getType().isInteger(16)) ||
        (width && arg.getType().getIntOrFloatBitWidth() != width))
      return decline("its products are not of bytes or words extended from the inputs");
    width = arg.getType().getIntOrFloatBitWidth();
    unsignedOf[arg.getArgNumber()] = isa<arith::ExtUIOp>(ext);
  }
  if (!unsignedOf[0] || !unsignedOf[1])
    return decline("its products are not of bytes or words extended from the inputs");
  if (width == 8 && *unsignedOf[0] == *unsignedOf[1])
    return decline("its products are not of one unsigned and one signed byte");
  if (width == 16 && (*unsignedOf[0] || *unsignedOf[1]))
    return decline("its products are not of two signed 16-bit words");
  Contraction k;
  k.op = op;
  k.combiner = Combiner::MultiplyAdd;
  k.int8 = true;
  k.group = width == 8 ? 4 : 2;
  int64_t g = k.group;
  k.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(k.ranges, ShapedType::isDynamic))
    return decline("its loop ranges are not static");
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
    return decline("its output is not a static buffer indexed by a permutation, contiguous innermost");
  k.n = k.cMap.getDimPosition(k.cMap.getNumResults() - 1);
  MLIRContext *ctx = op.getContext();
  AffineExpr kExpr = getAffineDimExpr(kDim, ctx);
  // The packed operand: [batch..., ceil(K/G), N, G] read at (batch dims...,
  // k floordiv G, n, k mod G).
  int packed = -1;
  for (int i = 0; i < 2; ++i) {
    AffineMap map = op.getMatchingIndexingMap(op.getDpsInputOperand(i));
    auto type = dyn_cast<MemRefType>(op.getDpsInputs()[i].getType());
    unsigned r = map.getNumResults();
    if (r < 3 || !type || !type.getLayout().isIdentity() ||
        !type.hasStaticShape() || type.getShape().back() != g ||
        map.getResult(r - 3) != kExpr.floorDiv(g) ||
        map.getResult(r - 2) != getAffineDimExpr(k.n, ctx) ||
        map.getResult(r - 1) != kExpr % g)
      continue;
    bool leadingDims = true;
    for (unsigned j = 0; j + 3 < r; ++j)
      leadingDims &= isa<AffineDimExpr>(map.getResult(j)) &&
                     !map.getResult(j).isFunctionOfDim(kDim);
    if (leadingDims)
      packed = i;
  }
  if (packed < 0)
    return decline(g == 4 ? "no input is packed four k to a lane ([K/4, N, 4], smelt-cpu-convert-onnx-to-linalg's layout)"
                          : "no input is packed two k to a lane ([K/2, N, 2], smelt-cpu-convert-onnx-to-linalg's layout without a byte dot product)");
  k.b = op.getDpsInputs()[packed];
  k.bMap = op.getMatchingIndexingMap(op.getDpsInputOperand(packed));
  k.a = op.getDpsInputs()[1 - packed];
  k.aMap = op.getMatchingIndexingMap(op.getDpsInputOperand(1 - packed));
  k.aUnsigned = *unsignedOf[1 - packed];
  auto aType = dyn_cast<MemRefType>(k.a.getType());
  if (!aType || !aType.hasStaticShape() || !hasUnitInnerStride(aType) ||
      k.aMap.getResults().back() != kExpr || k.aMap.isFunctionOfDim(k.n))
    return decline("the unpacked input is not a static contiguous buffer read along k innermost");
  for (unsigned r = 0; r + 1 < k.aMap.getNumResults(); ++r)
    if (!isa<AffineDimExpr, AffineConstantExpr>(k.aMap.getResult(r)) ||
        k.aMap.getResult(r).isFunctionOfDim(kDim))
      return decline("the unpacked input's outer indices are not plain loops free of k");
  assignRowsAndBatches(k, iterators);
  return k;
}
