//===- VectorizeElementwise.cpp - smelt-cpu-vectorize-elementwise ----------===//
//
// Vector loops for elementwise generics on buffers, rather than relying on
// LLVM's loop vectorizer, which leaves scalar the loops it cannot prove
// free of aliasing (the memory plan puts every intermediate in one
// workspace) and those that read an operand at `i floordiv k` along the
// innermost dimension (a nearest Resize by an integer factor, fused with
// what reads it). Here each vector of the result reads each operand whole,
// as one broadcast element, (upsampled) as VL/k contiguous elements each
// repeated k times by one shuffle, or (transposed: the operand is
// contiguous along another loop) from a VL x VL tile loaded along that loop
// and transposed in registers.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "BufferLayout.h"
#include "ParallelCost.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

namespace smelt {
#define GEN_PASS_DEF_CPUVECTORIZEELEMENTWISEPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

using smelt::detail::hasUnitInnerStride;
using smelt::detail::kParallelMinElements;
using smelt::detail::worthSplitting;

/// How an input is read along the innermost loop.
enum class Read { Contiguous, Repeated, Broadcast, Transposed };

struct Operand {
  Read read = Read::Broadcast;
  int64_t factor = 1; // Repeated: each element covers `factor` lanes
  unsigned dim = 0;   // Transposed: the loop the input is contiguous along
};

/// The reads of each input, or none (with the reason in `whyNot`) when the
/// op is not an elementwise generic this pass handles.
std::optional<SmallVector<Operand>> classify(linalg::GenericOp op,
                                             int64_t lanes,
                                             std::string *whyNot = nullptr) {
  auto decline = [&](std::string reason) -> std::optional<SmallVector<Operand>> {
    if (whyNot)
      *whyNot = std::move(reason);
    return std::nullopt;
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0 || op.getNumLoops() == 0 ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
    return decline("not an elementwise op on buffers");
  unsigned last = op.getNumLoops() - 1;
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (llvm::any_of(bounds, ShapedType::isDynamic))
    return decline("its loop ranges are not static");
  if (bounds[last] < lanes)
    return decline("its rows of " + std::to_string(bounds[last]) +
                   " elements are shorter than one vector of " +
                   std::to_string(lanes) + " lanes");
  auto outType = dyn_cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!outType || !hasUnitInnerStride(outType) || !outMap.isPermutation() ||
      outMap.getResults().back() != getAffineDimExpr(last, op.getContext()))
    return decline("its output is not contiguous along its innermost loop");
  // Bytes and wider (i1 buffers hold a byte per element, vectors of i1 a
  // bit), and arith or math ops that LLVM lowers on vectors.
  auto storable = [](Type t) {
    return t.isIntOrFloat() && t.getIntOrFloatBitWidth() >= 8;
  };
  if (!storable(outType.getElementType()))
    return decline("its output's elements are narrower than a byte");
  for (Operation &inner : op.getBody()->without_terminator()) {
    bool vectorMath =
        isa<math::RoundEvenOp, math::SqrtOp, math::AbsFOp, math::FloorOp,
            math::CeilOp, math::FmaOp, math::ExpOp, math::LogOp>(inner);
    if (!OpTrait::hasElementwiseMappableTraits(&inner) ||
        inner.getNumRegions() != 0 ||
        (inner.getDialect()->getNamespace() != "arith" && !vectorMath) ||
        !llvm::all_of(inner.getResultTypes(),
                      [](Type t) { return t.isIntOrFloat(); }))
      return decline(("its body has " + inner.getName().getStringRef() +
                      ", which has no vector form here")
                         .str());
  }
  SmallVector<Operand> reads;
  std::optional<unsigned> transposedDim;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(input->get().getType());
    if (!type || !storable(type.getElementType()))
      return decline("an input's elements are narrower than a byte");
    AffineMap map = op.getMatchingIndexingMap(input);
    Operand r;
    for (auto [i, e] : llvm::enumerate(map.getResults())) {
      if (!e.isFunctionOfDim(last))
        continue;
      bool isLast = i + 1 == map.getNumResults();
      if (isLast && e == getAffineDimExpr(last, op.getContext())) {
        r.read = Read::Contiguous;
        continue;
      }
      // The innermost loop as a plain outer index of an input whose own
      // innermost index is another loop: a transpose.
      auto inner = dyn_cast<AffineDimExpr>(map.getResults().back());
      if (!isLast && e == getAffineDimExpr(last, op.getContext()) && inner &&
          inner.getPosition() != last) {
        r.read = Read::Transposed;
        r.dim = inner.getPosition();
        continue;
      }
      auto div = dyn_cast<AffineBinaryOpExpr>(e);
      auto k = div ? dyn_cast<AffineConstantExpr>(div.getRHS())
                   : AffineConstantExpr();
      if (!isLast || !div || div.getKind() != AffineExprKind::FloorDiv || !k ||
          div.getLHS() != getAffineDimExpr(last, op.getContext()) ||
          k.getValue() <= 1 || lanes % k.getValue() != 0)
        return decline("an input reads the innermost loop other than "
                       "contiguously, transposed, or as i floordiv k (k "
                       "dividing the lanes)");
      r.read = Read::Repeated;
      r.factor = k.getValue();
    }
    if (r.read != Read::Broadcast && !hasUnitInnerStride(type))
      return decline(
          "an input read along the innermost loop is not contiguous");
    if (r.read == Read::Transposed) {
      if (transposedDim && *transposedDim != r.dim)
        return decline("two inputs are read transposed along different "
                       "loops");
      if (bounds[r.dim] < lanes)
        return decline("an input read transposed is contiguous along a "
                       "loop of " +
                       std::to_string(bounds[r.dim]) +
                       " iterations, shorter than one vector of " +
                       std::to_string(lanes) + " lanes");
      transposedDim = r.dim;
    }
    reads.push_back(r);
  }
  return reads;
}

/// The indices at which `map` reads for loop indices `ivs`.
SmallVector<Value> indicesOf(OpBuilder &b, Location loc, AffineMap map,
                             ValueRange ivs) {
  SmallVector<Value> indices;
  for (AffineExpr e : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      indices.push_back(ivs[dim.getPosition()]);
      continue;
    }
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, e), ivs));
  }
  return indices;
}

/// One point of the op (a vector of `lanes` results along the innermost
/// loop, or one scalar result) at loop indices `at`. `given` holds, per
/// input, a value already loaded (a transposed tile's column) or null.
void emitPoint(OpBuilder &b, Location loc, linalg::GenericOp op,
               ArrayRef<Operand> reads, ArrayRef<Value> at, int64_t lanes,
               bool vector, ArrayRef<Value> given) {
  Block *body = op.getBody();
  IRMapping mapping;
  for (auto [input, r, known] :
       llvm::zip(op.getDpsInputOperands(), reads, given)) {
    Value memref = input->get();
    Value v = known;
    Type element = cast<MemRefType>(memref.getType()).getElementType();
    if (!vector || !v) {
      SmallVector<Value> indices =
          indicesOf(b, loc, op.getMatchingIndexingMap(input), at);
      if (!vector || r.read == Read::Broadcast) {
        v = memref::LoadOp::create(b, loc, memref, indices);
        if (vector)
          v = vector::BroadcastOp::create(
              b, loc, VectorType::get({lanes}, element), v);
      } else if (r.read == Read::Contiguous) {
        v = vector::LoadOp::create(b, loc, VectorType::get({lanes}, element),
                                   memref, indices);
      } else {
        // lanes / k elements, each repeated k times.
        int64_t count = lanes / r.factor;
        Value part = vector::LoadOp::create(
            b, loc, VectorType::get({count}, element), memref, indices);
        SmallVector<int64_t> mask;
        for (int64_t i = 0; i < lanes; ++i)
          mask.push_back(i / r.factor);
        v = vector::ShuffleOp::create(b, loc, part, part, mask);
      }
    }
    mapping.map(body->getArgument(input->getOperandNumber()), v);
  }
  for (Operation &inner : body->without_terminator()) {
    if (!vector) {
      b.clone(inner, mapping);
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : inner.getOperands())
      operands.push_back(mapping.lookupOrDefault(operand));
    // Constants captured from above broadcast on use.
    for (Value &operand : operands)
      if (!isa<VectorType>(operand.getType()))
        operand = vector::BroadcastOp::create(
            b, loc, VectorType::get({lanes}, operand.getType()), operand);
    OperationState state(inner.getLoc(), inner.getName());
    state.addOperands(operands);
    state.addAttributes(inner.getAttrs());
    for (Type t : inner.getResultTypes())
      state.addTypes(VectorType::get({lanes}, t));
    Operation *cloned = b.create(state);
    mapping.map(inner.getResults(), cloned->getResults());
  }
  Value result = mapping.lookupOrDefault(body->getTerminator()->getOperand(0));
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> indices =
      indicesOf(b, loc, op.getMatchingIndexingMap(init), at);
  if (vector) {
    if (!isa<VectorType>(result.getType()))
      result = vector::BroadcastOp::create(
          b, loc, VectorType::get({lanes}, result.getType()), result);
    vector::StoreOp::create(b, loc, result, init->get(), indices);
  } else {
    memref::StoreOp::create(b, loc, result, init->get(), indices);
  }
}

/// The transpose of `rows` (n vectors of n lanes, n a power of two): lane r
/// of result t is lane t of row r. Step s swaps bit s of the row index with
/// bit s of the lane index, in n two-input shuffles.
SmallVector<Value> transposeInRegisters(OpBuilder &b, Location loc,
                                        SmallVector<Value> rows) {
  int64_t n = rows.size();
  for (int64_t d = 1; d < n; d *= 2) {
    SmallVector<int64_t> low, high;
    for (int64_t k = 0; k < n; ++k) {
      low.push_back(k & d ? n + k - d : k);
      high.push_back(k & d ? n + k : k + d);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (i & d)
        continue;
      Value a = rows[i], c = rows[i + d];
      rows[i] = vector::ShuffleOp::create(b, loc, a, c, low);
      rows[i + d] = vector::ShuffleOp::create(b, loc, a, c, high);
    }
  }
  return rows;
}

/// A loop nest over `dims` of `op`'s loops, each [lower[d], upper[d]) by
/// step[d]; `at` gets their induction variables; `b` ends inside it. The
/// loop of dimension `parallel`, if one of them, is an scf.parallel.
void buildNest(OpBuilder &b, Location loc, ArrayRef<unsigned> dims,
               ArrayRef<int64_t> lower, ArrayRef<int64_t> upper,
               ArrayRef<int64_t> step, SmallVectorImpl<Value> &at,
               std::optional<unsigned> parallel = std::nullopt) {
  for (unsigned d : dims) {
    Value lb = arith::ConstantIndexOp::create(b, loc, lower[d]);
    Value ub = arith::ConstantIndexOp::create(b, loc, upper[d]);
    Value stride = arith::ConstantIndexOp::create(b, loc, step[d]);
    if (parallel == d) {
      auto loop = scf::ParallelOp::create(b, loc, ValueRange{lb},
                                          ValueRange{ub}, ValueRange{stride});
      b.setInsertionPointToStart(loop.getBody());
      at[d] = loop.getInductionVars()[0];
      continue;
    }
    auto loop = scf::ForOp::create(b, loc, lb, ub, stride);
    b.setInsertionPointToStart(loop.getBody());
    at[d] = loop.getInductionVar();
  }
}

/// The loop of `dims` that runs on several threads (ParallelCost.h): the
/// outermost of two iterations or more, when the op writes enough.
std::optional<unsigned> splitLoop(ArrayRef<unsigned> dims,
                                  ArrayRef<int64_t> bounds,
                                  ArrayRef<int64_t> step, bool parallel) {
  if (!parallel)
    return std::nullopt;
  int64_t elements = 1;
  for (int64_t bound : bounds)
    elements *= bound;
  for (unsigned d : dims) {
    int64_t iterations = (bounds[d] + step[d] - 1) / step[d];
    if (iterations < 2)
      continue;
    if (!worthSplitting(elements, kParallelMinElements, iterations))
      return std::nullopt;
    return d;
  }
  return std::nullopt;
}

void vectorize(linalg::GenericOp op, ArrayRef<Operand> reads, int64_t lanes,
               bool parallel) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned rank = bounds.size(), last = rank - 1;
  int64_t full = bounds[last] - bounds[last] % lanes;
  SmallVector<Value> none(reads.size());
  std::optional<unsigned> tile;
  for (const Operand &r : reads)
    if (r.read == Read::Transposed)
      tile = r.dim;
  SmallVector<unsigned> outer;
  for (unsigned d = 0; d < last; ++d)
    outer.push_back(d);
  SmallVector<int64_t> lower(rank, 0), upper(bounds), step(rank, 1);
  SmallVector<Value> at(rank);

  if (!tile) {
    // The outer loops; the innermost one runs in vectors, then a scalar
    // tail. The loop split across threads may be the vector loop itself
    // (an op flattened to one dimension).
    SmallVector<unsigned> all(outer);
    all.push_back(last);
    SmallVector<int64_t> vectorUpper(upper), vectorStep(step);
    vectorUpper[last] = full;
    vectorStep[last] = lanes;
    std::optional<unsigned> split =
        splitLoop(all, vectorUpper, vectorStep, parallel);
    buildNest(b, loc, outer, lower, upper, step, at, split);
    {
      OpBuilder::InsertionGuard guard(b);
      upper[last] = full;
      step[last] = lanes;
      buildNest(b, loc, {last}, lower, upper, step, at, split);
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/true, none);
    }
    if (full < bounds[last]) {
      lower[last] = full;
      upper[last] = bounds[last];
      step[last] = 1;
      buildNest(b, loc, {last}, lower, upper, step, at);
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/false, none);
    }
    op.erase();
    return;
  }

  // Transposed inputs: the loop they are contiguous along runs in blocks
  // of `lanes`. Each block of `lanes` x `lanes` points loads those inputs
  // as `lanes` rows along it, transposes them, and computes one vector of
  // results per column.
  unsigned j = *tile;
  int64_t blocks = bounds[j] - bounds[j] % lanes;
  auto offset = [&](Value base, int64_t by) -> Value {
    return arith::AddIOp::create(b, loc, base,
                                 arith::ConstantIndexOp::create(b, loc, by));
  };
  {
    OpBuilder::InsertionGuard guard(b);
    upper[j] = blocks;
    step[j] = lanes;
    buildNest(b, loc, outer, lower, upper, step, at,
              splitLoop(outer, upper, step, parallel));
    Value jBlock = at[j];
    {
      OpBuilder::InsertionGuard guard(b);
      SmallVector<int64_t> tileUpper(upper), tileStep(step);
      tileUpper[last] = full;
      tileStep[last] = lanes;
      buildNest(b, loc, {last}, lower, tileUpper, tileStep, at);
      Value i = at[last];
      SmallVector<SmallVector<Value>> columns;
      for (auto [input, r] : llvm::zip(op.getDpsInputOperands(), reads)) {
        columns.emplace_back();
        if (r.read != Read::Transposed)
          continue;
        Type element =
            cast<MemRefType>(input->get().getType()).getElementType();
        SmallVector<Value> rows;
        for (int64_t t = 0; t < lanes; ++t) {
          at[last] = t ? offset(i, t) : i;
          rows.push_back(vector::LoadOp::create(
              b, loc, VectorType::get({lanes}, element), input->get(),
              indicesOf(b, loc, op.getMatchingIndexingMap(input), at)));
        }
        columns.back() = transposeInRegisters(b, loc, std::move(rows));
      }
      at[last] = i;
      for (int64_t t = 0; t < lanes; ++t) {
        at[j] = t ? offset(jBlock, t) : jBlock;
        SmallVector<Value> given;
        for (const SmallVector<Value> &c : columns)
          given.push_back(c.empty() ? Value() : c[t]);
        emitPoint(b, loc, op, reads, at, lanes, /*vector=*/true, given);
      }
    }
    if (full < bounds[last]) {
      // The last columns of each block, one point at a time.
      SmallVector<int64_t> tailLower(lower), tailUpper(upper), tailStep(rank, 1);
      tailLower[last] = full;
      tailUpper[last] = bounds[last];
      buildNest(b, loc, {last}, tailLower, tailUpper, tailStep, at);
      auto row = scf::ForOp::create(
          b, loc, jBlock, offset(jBlock, lanes),
          arith::ConstantIndexOp::create(b, loc, 1));
      b.setInsertionPointToStart(row.getBody());
      at[j] = row.getInductionVar();
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/false, none);
    }
  }
  if (blocks < bounds[j]) {
    // The rows past the last whole block, one point at a time.
    lower[j] = blocks;
    upper[j] = bounds[j];
    step[j] = 1;
    SmallVector<unsigned> all(outer);
    all.push_back(last);
    buildNest(b, loc, all, lower, upper, step, at);
    emitPoint(b, loc, op, reads, at, lanes, /*vector=*/false, none);
  }
  op.erase();
}

struct CPUVectorizeElementwisePass
    : smelt::impl::CPUVectorizeElementwisePassBase<
          CPUVectorizeElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    // 32-bit lanes fill a register; narrower types use the same count.
    int64_t lanes = std::max<int64_t>(4, vectorBits / 32);
    SmallVector<std::pair<linalg::GenericOp, SmallVector<Operand>>> work;
    // Transposes (of a graph input, or what fusion left alone) are
    // elementwise generics with a permuted read.
    SmallVector<linalg::TransposeOp> transposes;
    getOperation().walk([&](linalg::TransposeOp op) {
      if (op.hasPureBufferSemantics())
        transposes.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::TransposeOp op : transposes) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    }
    getOperation().walk([&](linalg::GenericOp op) {
      std::string whyNot;
      if (auto reads = classify(op, lanes, &whyNot))
        work.emplace_back(op, *reads);
      else if (explain && op.getNumReductionLoops() == 0)
        op.emitRemark() << "scalar elementwise loop: " << whyNot;
    });
    for (auto &[op, reads] : work)
      vectorize(op, reads, lanes, parallel);
  }
};

} // namespace
