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
#include "VectorizeElementwise.h"

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

/// How the loops of the op run.
enum class Form {
  /// No reduction loop: each vector of the output is computed and stored.
  Elementwise,
  /// Reduction loops outside a parallel innermost loop: at each point the
  /// output vector is read, updated and written back. Each output element
  /// sees its terms in the original order, so nothing reassociates.
  OuterReduction,
  /// The innermost loop reduces: each row accumulates into a vector of
  /// partial results, combined across lanes at the end of the row with the
  /// output's value, then the last partial vector's elements one by one.
  /// Sums reassociate (as every vectorized reduction does, ONNX Runtime's
  /// among them); maxima and minima are exact.
  InnerReduction,
};

struct Plan {
  Form form = Form::Elementwise;
  SmallVector<Operand> reads;
  vector::CombiningKind kind = vector::CombiningKind::ADD; // InnerReduction
  TypedAttr neutral;                                       // InnerReduction
};

/// Whether the op's rows may end in a masked vector: every input read as
/// whole vectors or broadcast, the innermost loop not reduced, and no
/// integer division in the body (the masked-off lanes compute on zeros).
bool maskable(linalg::GenericOp op, const Plan &plan) {
  if (plan.form == Form::InnerReduction)
    return false;
  for (const Operand &r : plan.reads)
    if (r.read != Read::Contiguous && r.read != Read::Broadcast)
      return false;
  return llvm::none_of(op.getBody()->getOperations(), [](Operation &inner) {
    return isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
               arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(
        inner);
  });
}

/// The plan for the op, or none (with the reason in `whyNot`) when the op
/// is not an elementwise op or a reduction this pass handles.
std::optional<Plan> classify(linalg::GenericOp op, int64_t lanes,
                             std::string *whyNot = nullptr) {
  auto decline = [&](std::string reason) -> std::optional<Plan> {
    if (whyNot)
      *whyNot = std::move(reason);
    return std::nullopt;
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() == 0)
    return decline("not an op on buffers with one output");
  unsigned last = op.getNumLoops() - 1;
  MLIRContext *context = op.getContext();
  AffineExpr innermost = getAffineDimExpr(last, context);
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (llvm::any_of(bounds, ShapedType::isDynamic))
    return decline("its loop ranges are not static");
  OpOperand *init = op.getDpsInitOperand(0);
  auto outType = dyn_cast<MemRefType>(init->get().getType());
  AffineMap outMap = op.getMatchingIndexingMap(init);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  Plan plan;
  if (op.getNumReductionLoops() == 0) {
    if (!outMap.isPermutation())
      return decline("its output is not indexed by a permutation of its "
                     "loops");
  } else {
    // Each parallel loop indexes the output once and no reduction loop
    // does: output elements are independent, and splitting a parallel
    // loop across threads races on nothing.
    if (!outMap.isProjectedPermutation() ||
        outMap.getNumResults() != op.getNumParallelLoops())
      return decline("its output is not indexed by exactly its parallel "
                     "loops");
    plan.form = linalg::isReductionIterator(iterators[last])
                    ? Form::InnerReduction
                    : Form::OuterReduction;
  }
  if (plan.form == Form::InnerReduction) {
    // The body ends in out = combine(x, out), out read nowhere else.
    BlockArgument acc = op.getMatchingBlockArgument(init);
    Operation *combiner =
        op.getBody()->getTerminator()->getOperand(0).getDefiningOp();
    if (!combiner || combiner->getBlock() != op.getBody() ||
        !acc.hasOneUse() || *acc.getUsers().begin() != combiner ||
        combiner->getNumOperands() != 2)
      return decline("its innermost loop reduces, but not as out = "
                     "combine(out, x) with out read once");
    std::optional<vector::CombiningKind> kind =
        linalg::getCombinerOpKind(combiner);
    std::optional<TypedAttr> neutral = arith::getNeutralElement(combiner);
    if (!kind || !neutral)
      return decline(("its innermost loop reduces with " +
                      combiner->getName().getStringRef() +
                      ", which has no vector reduction")
                         .str());
    plan.kind = *kind;
    plan.neutral = *neutral;
    // -0.0 is addf's neutral element (x + -0.0 = x for x = -0.0 too),
    // where arith's is 0.0.
    if (auto zero = dyn_cast<FloatAttr>(plan.neutral);
        zero && *kind == vector::CombiningKind::ADD)
      plan.neutral = FloatAttr::get(zero.getType(), -0.0);
  } else if (!outType || !hasUnitInnerStride(outType) ||
             outMap.getResults().back() != innermost) {
    return decline("its output is not contiguous along its innermost loop");
  }
  // Bytes and wider (i1 buffers hold a byte per element, vectors of i1 a
  // bit), and arith or math ops that LLVM lowers on vectors.
  auto storable = [](Type t) {
    return t.isIntOrFloat() && t.getIntOrFloatBitWidth() >= 8;
  };
  if (!outType || !storable(outType.getElementType()))
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
      if (isLast && e == innermost) {
        r.read = Read::Contiguous;
        continue;
      }
      // The innermost loop as a plain outer index of an input whose own
      // innermost index is another loop: a transpose.
      auto inner = dyn_cast<AffineDimExpr>(map.getResults().back());
      if (!isLast && e == innermost && inner &&
          inner.getPosition() != last) {
        r.read = Read::Transposed;
        r.dim = inner.getPosition();
        continue;
      }
      auto div = dyn_cast<AffineBinaryOpExpr>(e);
      auto k = div ? dyn_cast<AffineConstantExpr>(div.getRHS())
                   : AffineConstantExpr();
      if (!isLast || !div || div.getKind() != AffineExprKind::FloorDiv || !k ||
          div.getLHS() != innermost || k.getValue() <= 1 ||
          lanes % k.getValue() != 0)
        return decline("an input reads the innermost loop other than "
                       "contiguously, transposed, or as i floordiv k (k "
                       "dividing the lanes)");
      r.read = Read::Repeated;
      r.factor = k.getValue();
    }
    if (r.read != Read::Broadcast && !hasUnitInnerStride(type))
      return decline(
          "an input read along the innermost loop is not contiguous");
    if (plan.form == Form::InnerReduction && r.read != Read::Broadcast &&
        r.read != Read::Contiguous)
      return decline("an input reads the reduced innermost loop other than "
                     "contiguously");
    if (r.read == Read::Transposed) {
      // (In an outer reduction a tile's points still reach each output
      // element in order: the tile's rows go one after the other, and the
      // reduction loops stay outside the tiles.)
      if (transposedDim && *transposedDim != r.dim)
        return decline("two inputs are read transposed along different "
                       "loops");
      // A shorter loop runs as one block of masked rows; below a quarter
      // of the lanes its loads and shuffles cost more than the points.
      if (4 * bounds[r.dim] < lanes)
        return decline("an input read transposed is contiguous along a "
                       "loop of " +
                       std::to_string(bounds[r.dim]) +
                       " iterations, under a quarter of a vector of " +
                       std::to_string(lanes) + " lanes");
      transposedDim = r.dim;
    }
    plan.reads.push_back(r);
  }
  // Rows shorter than a vector run as one masked vector each (a 14x14
  // map's interior in its padded buffer) when nothing has to be split in
  // lanes: every input whole vectors or broadcasts, the loop not reduced.
  if (bounds[last] < lanes && !maskable(op, plan))
    return decline("its rows of " + std::to_string(bounds[last]) +
                   " elements are shorter than one vector of " +
                   std::to_string(lanes) +
                   " lanes, and cannot run masked");
  return plan;
}

/// For a reduction whose innermost loop reduces while its output runs
/// contiguously along some parallel loop d and an input reads the reduced
/// loop across its rows (a global pooling of a result with its channels
/// innermost, [HW, C] summed over HW), the loop order with d moved
/// innermost: the op then runs as an OuterReduction in vectors along d,
/// inputs laid out the other way ([C, HW]: a residual) read as transposed
/// tiles. Each output element still sees its terms in the same order (the
/// reduction loops keep theirs), so nothing changes but the speed. None
/// when the op is already in a good order.
std::optional<SmallVector<unsigned>> outerReductionOrder(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0 || op.getNumLoops() < 2)
    return std::nullopt;
  unsigned last = op.getNumLoops() - 1;
  if (!linalg::isReductionIterator(op.getIteratorTypesArray()[last]))
    return std::nullopt;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!outMap.getNumResults())
    return std::nullopt;
  auto inner = dyn_cast<AffineDimExpr>(outMap.getResults().back());
  if (!inner)
    return std::nullopt;
  unsigned d = inner.getPosition();
  bool readsReducedAcross = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.getNumResults())
      continue;
    for (auto [i, e] : llvm::enumerate(map.getResults()))
      if (e.isFunctionOfDim(last) && i + 1 != map.getNumResults())
        readsReducedAcross = true;
  }
  if (!readsReducedAcross)
    return std::nullopt;
  SmallVector<unsigned> order;
  for (unsigned l = 0; l <= last; ++l)
    if (l != d)
      order.push_back(l);
  order.push_back(d);
  return order;
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
/// loop, or one scalar result) at loop indices `at`: the value its body
/// yields. `given` holds, per input, a value already loaded (a transposed
/// tile's column) or null; `acc` the value the body reads as the output
/// (a reduction's partial result), or null to read the output's own
/// element(s) where the body reads them.
Value computePoint(OpBuilder &b, Location loc, linalg::GenericOp op,
                   ArrayRef<Operand> reads, ArrayRef<Value> at, int64_t lanes,
                   bool vector, ArrayRef<Value> given, Value acc = {},
                   Value mask = {}) {
  // Masked lanes read zeros.
  auto load = [&](Type element, Value memref,
                  ValueRange indices) -> Value {
    auto type = VectorType::get({lanes}, element);
    if (!mask)
      return vector::LoadOp::create(b, loc, type, memref, indices);
    Value zeros = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(b.getZeroAttr(type)));
    return vector::MaskedLoadOp::create(b, loc, type, memref, indices, mask,
                                        zeros);
  };
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
        v = load(element, memref, indices);
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
  OpOperand *init = op.getDpsInitOperand(0);
  BlockArgument out = op.getMatchingBlockArgument(init);
  if (!acc && !out.use_empty()) {
    SmallVector<Value> indices =
        indicesOf(b, loc, op.getMatchingIndexingMap(init), at);
    acc = vector ? load(out.getType(), init->get(), indices)
                 : Value(memref::LoadOp::create(b, loc, init->get(), indices));
  }
  if (acc)
    mapping.map(out, acc);
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
  if (vector && !isa<VectorType>(result.getType()))
    result = vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, result.getType()), result);
  return result;
}

/// `value` (a vector along the innermost loop, or a scalar) stored into the
/// op's output at loop indices `at`.
void storePoint(OpBuilder &b, Location loc, linalg::GenericOp op,
                ArrayRef<Value> at, Value value, Value mask = {}) {
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> indices =
      indicesOf(b, loc, op.getMatchingIndexingMap(init), at);
  if (mask)
    vector::MaskedStoreOp::create(b, loc, init->get(), indices, mask, value);
  else if (isa<VectorType>(value.getType()))
    vector::StoreOp::create(b, loc, value, init->get(), indices);
  else
    memref::StoreOp::create(b, loc, value, init->get(), indices);
}

/// computePoint, stored.
void emitPoint(OpBuilder &b, Location loc, linalg::GenericOp op,
               ArrayRef<Operand> reads, ArrayRef<Value> at, int64_t lanes,
               bool vector, ArrayRef<Value> given, Value mask = {}) {
  storePoint(b, loc, op, at,
             computePoint(b, loc, op, reads, at, lanes, vector, given, {},
                          mask),
             mask);
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
/// outermost of two iterations or more, when the op writes enough and no
/// reduction loop of two iterations or more comes before it (a parallel
/// region per step of a reduction would cost more than it saves).
std::optional<unsigned> splitLoop(linalg::GenericOp op,
                                  ArrayRef<unsigned> dims,
                                  ArrayRef<int64_t> bounds,
                                  ArrayRef<int64_t> step, bool parallel) {
  if (!parallel)
    return std::nullopt;
  // What the op writes, from its own loop ranges (`bounds` may stop the
  // vector loop short of a masked tail); each row at least a cache line's
  // worth (a Pad's border column, one element per row, touches a line a
  // row).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t elements = 1;
  for (int64_t range : ranges)
    elements *= range;
  constexpr int64_t kLine = 64 / 4;
  if (!ranges.empty() && ranges.back() > 0)
    elements = std::max(elements, elements / ranges.back() * kLine);
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d : dims) {
    int64_t iterations = (bounds[d] + step[d] - 1) / step[d];
    if (iterations < 2)
      continue;
    if (linalg::isReductionIterator(iterators[d]) ||
        !worthSplitting(elements, kParallelMinElements, iterations))
      return std::nullopt;
    return d;
  }
  return std::nullopt;
}

/// The loops of `op` but the innermost, parallel ones first: a reduction's
/// terms keep their order for each output element, and the loop split
/// across threads can be one that writes apart.
SmallVector<unsigned> outerLoops(linalg::GenericOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> outer;
  for (bool reductions : {false, true})
    for (unsigned d = 0; d + 1 < iterators.size(); ++d)
      if (linalg::isReductionIterator(iterators[d]) == reductions)
        outer.push_back(d);
  return outer;
}

/// An innermost reduction: per point of the outer loops, one vector of
/// partial results along the row, then those combined with the output's
/// element, then the row's last elements one at a time.
void vectorizeInnerReduction(linalg::GenericOp op, const Plan &plan,
                             int64_t lanes, bool parallel) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  unsigned rank = bounds.size(), last = rank - 1;
  int64_t full = bounds[last] - bounds[last] % lanes;
  SmallVector<unsigned> outer = outerLoops(op);
  SmallVector<int64_t> lower(rank, 0), upper(bounds), step(rank, 1);
  SmallVector<Value> at(rank);
  buildNest(b, loc, outer, lower, upper, step, at,
            splitLoop(op, outer, bounds, step, parallel));
  OpOperand *init = op.getDpsInitOperand(0);
  // The output map reads no reduction loop, so `at[last]` is not needed.
  SmallVector<Value> indices =
      indicesOf(b, loc, op.getMatchingIndexingMap(init), at);
  Value start = memref::LoadOp::create(b, loc, init->get(), indices);
  auto type = VectorType::get({lanes}, start.getType());
  Value neutral = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, cast<Attribute>(plan.neutral)));
  SmallVector<Value> none(plan.reads.size());
  auto row = [&](int64_t from, int64_t to, int64_t by, Value initial,
                 bool vector) -> Value {
    auto loop = scf::ForOp::create(
        b, loc, arith::ConstantIndexOp::create(b, loc, from),
        arith::ConstantIndexOp::create(b, loc, to),
        arith::ConstantIndexOp::create(b, loc, by), ValueRange{initial},
        [&](OpBuilder &nested, Location l, Value iv, ValueRange args) {
          SmallVector<Value> point(at);
          point[last] = iv;
          scf::YieldOp::create(nested, l,
                               computePoint(nested, l, op, plan.reads, point,
                                            lanes, vector, none, args[0]));
        });
    return loop.getResult(0);
  };
  Value partial = row(0, full, lanes, neutral, /*vector=*/true);
  arith::FastMathFlags reassoc = isa<FloatType>(start.getType())
                                     ? arith::FastMathFlags::reassoc
                                     : arith::FastMathFlags::none;
  Value result =
      vector::ReductionOp::create(b, loc, plan.kind, partial, start, reassoc);
  if (full < bounds[last])
    result = row(full, bounds[last], 1, result, /*vector=*/false);
  memref::StoreOp::create(b, loc, result, init->get(), indices);
  op.erase();
}

void vectorize(linalg::GenericOp op, const Plan &plan, int64_t lanes,
               bool parallel) {
  if (plan.form == Form::InnerReduction)
    return vectorizeInnerReduction(op, plan, lanes, parallel);
  ArrayRef<Operand> reads = plan.reads;
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
  SmallVector<unsigned> outer = outerLoops(op);
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
        splitLoop(op, all, vectorUpper, vectorStep, parallel);
    buildNest(b, loc, outer, lower, upper, step, at, split);
    {
      OpBuilder::InsertionGuard guard(b);
      upper[last] = full;
      step[last] = lanes;
      buildNest(b, loc, {last}, lower, upper, step, at, split);
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/true, none);
    }
    if (full < bounds[last] && maskable(op, plan)) {
      // The row's last elements: one masked vector.
      SmallVector<bool> bits(lanes, false);
      for (int64_t i = 0; i < bounds[last] - full; ++i)
        bits[i] = true;
      Value mask = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                                 ArrayRef(bits)));
      at[last] = arith::ConstantIndexOp::create(b, loc, full);
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/true, none, mask);
    } else if (full < bounds[last]) {
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
  // results per column. The rows past the last whole block (all of them
  // when the loop is shorter than a vector: a 14x14 map read with its
  // channels innermost) form one more block, its rows loaded masked and
  // only its first columns computed.
  unsigned j = *tile;
  int64_t blocks = bounds[j] - bounds[j] % lanes;
  auto offset = [&](Value base, int64_t by) -> Value {
    return arith::AddIOp::create(b, loc, base,
                                 arith::ConstantIndexOp::create(b, loc, by));
  };
  auto emitBlocks = [&](int64_t from, int64_t to, int64_t rowsPerBlock) {
    OpBuilder::InsertionGuard guard(b);
    SmallVector<int64_t> blockLower(lower), blockUpper(upper),
        blockStep(step);
    blockLower[j] = from;
    blockUpper[j] = to;
    blockStep[j] = lanes;
    SmallVector<int64_t> extent(blockUpper);
    extent[j] = to - from;
    buildNest(b, loc, outer, blockLower, blockUpper, blockStep, at,
              splitLoop(op, outer, extent, blockStep, parallel));
    Value jBlock = at[j];
    Value rowMask;
    if (rowsPerBlock < lanes) {
      SmallVector<bool> bits(lanes, false);
      for (int64_t t = 0; t < rowsPerBlock; ++t)
        bits[t] = true;
      rowMask = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                                 ArrayRef(bits)));
    }
    {
      OpBuilder::InsertionGuard guard(b);
      SmallVector<int64_t> tileUpper(blockUpper), tileStep(blockStep);
      tileUpper[last] = full;
      tileStep[last] = lanes;
      buildNest(b, loc, {last}, blockLower, tileUpper, tileStep, at);
      Value i = at[last];
      SmallVector<SmallVector<Value>> columns;
      for (auto [input, r] : llvm::zip(op.getDpsInputOperands(), reads)) {
        columns.emplace_back();
        if (r.read != Read::Transposed)
          continue;
        auto vectorType = VectorType::get(
            {lanes}, cast<MemRefType>(input->get().getType()).getElementType());
        Value zero;
        if (rowMask)
          zero = arith::ConstantOp::create(
              b, loc, vectorType, b.getZeroAttr(vectorType));
        SmallVector<Value> rows;
        for (int64_t t = 0; t < lanes; ++t) {
          at[last] = t ? offset(i, t) : i;
          SmallVector<Value> indices =
              indicesOf(b, loc, op.getMatchingIndexingMap(input), at);
          rows.push_back(
              rowMask ? Value(vector::MaskedLoadOp::create(
                            b, loc, vectorType, input->get(), indices,
                            rowMask, zero))
                      : Value(vector::LoadOp::create(b, loc, vectorType,
                                                     input->get(), indices)));
        }
        columns.back() = transposeInRegisters(b, loc, std::move(rows));
      }
      at[last] = i;
      for (int64_t t = 0; t < rowsPerBlock; ++t) {
        at[j] = t ? offset(jBlock, t) : jBlock;
        SmallVector<Value> given;
        for (const SmallVector<Value> &c : columns)
          given.push_back(c.empty() ? Value() : c[t]);
        emitPoint(b, loc, op, reads, at, lanes, /*vector=*/true, given);
      }
    }
    if (full < bounds[last]) {
      // The last columns of each block, one point at a time.
      SmallVector<int64_t> tailLower(blockLower), tailUpper(blockUpper),
          tailStep(rank, 1);
      tailLower[last] = full;
      tailUpper[last] = bounds[last];
      buildNest(b, loc, {last}, tailLower, tailUpper, tailStep, at);
      auto row = scf::ForOp::create(
          b, loc, jBlock, offset(jBlock, rowsPerBlock),
          arith::ConstantIndexOp::create(b, loc, 1));
      b.setInsertionPointToStart(row.getBody());
      at[j] = row.getInductionVar();
      emitPoint(b, loc, op, reads, at, lanes, /*vector=*/false, none);
    }
  };
  if (blocks)
    emitBlocks(0, blocks, lanes);
  if (blocks < bounds[j])
    emitBlocks(blocks, bounds[j], bounds[j] - blocks);
  op.erase();
}

/// `op` with each input that ends in dimensions of one element ([C, 1]: a
/// grouped convolution's bias, one channel a group) read through a view
/// without them: an in-bounds index of such a dimension is 0 whatever the
/// loop it names, and the input is then contiguous along the loop that
/// reads its last real dimension rather than transposed along a loop of 1.
void dropTrailingUnitDims(RewriterBase &rewriter, linalg::GenericOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  bool changed = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(input->get().getType());
    if (!type || type.getRank() < 2)
      continue;
    int64_t rank = type.getRank(), kept = rank;
    while (kept > 1 && type.getDimSize(kept - 1) == 1)
      --kept;
    if (kept == rank)
      continue;
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d + 1 < kept; ++d)
      groups.push_back({d});
    groups.emplace_back();
    for (int64_t d = kept - 1; d < rank; ++d)
      groups.back().push_back(d);
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(type, groups))
      continue;
    // Every loop those indices name must still size from another operand.
    unsigned index = input->getOperandNumber();
    auto named = [&](unsigned d) {
      for (auto [i, map] : llvm::enumerate(maps))
        for (auto [r, e] : llvm::enumerate(map.getResults()))
          if ((i != index || static_cast<int64_t>(r) < kept) &&
              e == getAffineDimExpr(d, op.getContext()))
            return true;
      return false;
    };
    bool sized = true;
    for (AffineExpr e : maps[index].getResults().drop_front(kept))
      for (unsigned d = 0; d < maps[index].getNumDims(); ++d)
        sized &= !e.isFunctionOfDim(d) || named(d);
    if (!sized)
      continue;
    rewriter.setInsertionPoint(op);
    Value view = memref::CollapseShapeOp::create(rewriter, op.getLoc(),
                                                 input->get(), groups);
    maps[index] = AffineMap::get(maps[index].getNumDims(), 0,
                                 maps[index].getResults().take_front(kept),
                                 op.getContext());
    rewriter.modifyOpInPlace(op, [&] { input->set(view); });
    changed = true;
  }
  if (changed)
    rewriter.modifyOpInPlace(
        op, [&] { op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps)); });
}

struct CPUVectorizeElementwisePass
    : smelt::impl::CPUVectorizeElementwisePassBase<
          CPUVectorizeElementwisePass> {
  using Base::Base;
  void runOnOperation() override {
    int64_t lanes = smelt::detail::elementwiseLanes(vectorBits);
    SmallVector<std::pair<linalg::GenericOp, Plan>> work;
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
    // So are fills (a Pad's borders: rows of one element, which run as
    // one masked store each, split across threads like the ops around).
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp op) {
      if (op.hasPureBufferSemantics())
        fills.push_back(op);
    });
    for (linalg::FillOp op : fills) {
      rewriter.setInsertionPoint(op);
      Value value = op.getDpsInputOperand(0)->get();
      Value out = op.getDpsInitOperand(0)->get();
      int64_t rank = cast<MemRefType>(out.getType()).getRank();
      linalg::GenericOp::create(
          rewriter, op.getLoc(), TypeRange{}, ValueRange{}, ValueRange{out},
          SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(rank)},
          SmallVector<utils::IteratorType>(rank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location loc, ValueRange) {
            linalg::YieldOp::create(b, loc, value);
          });
      rewriter.eraseOp(op);
    }
    SmallVector<std::pair<linalg::GenericOp, SmallVector<unsigned>>>
        reductions;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<SmallVector<unsigned>> order = outerReductionOrder(op))
        reductions.emplace_back(op, std::move(*order));
    });
    for (auto &[op, order] : reductions) {
      rewriter.setInsertionPoint(op);
      (void)linalg::interchangeGenericOp(rewriter, op, order);
    }
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureBufferSemantics() && op.getNumReductionLoops() == 0)
        dropTrailingUnitDims(rewriter, op);
    });
    getOperation().walk([&](linalg::GenericOp op) {
      std::string whyNot;
      if (std::optional<Plan> plan = classify(op, lanes, &whyNot))
        work.emplace_back(op, std::move(*plan));
      else if (explain)
        op.emitRemark() << (op.getNumReductionLoops() ? "scalar reduction loop: "
                                                      : "scalar elementwise loop: ")
                        << whyNot;
    });
    for (auto &[op, plan] : work)
      vectorize(op, plan, lanes, parallel);
  }
};

} // namespace

int64_t smelt::detail::elementwiseLanes(unsigned vectorBits) {
  // 32-bit lanes fill a register; narrower types use the same count.
  return std::max<int64_t>(4, vectorBits / 32);
}

bool smelt::detail::vectorizesElementwise(linalg::GenericOp op,
                                          unsigned vectorBits) {
  std::optional<SmallVector<unsigned>> order = outerReductionOrder(op);
  if (!order && op.getNumReductionLoops() == 0) {
    // Classified as the pass will run it: without trailing unit
    // dimensions, on a copy.
    IRRewriter rewriter(op.getContext());
    rewriter.setInsertionPoint(op);
    auto copy = cast<linalg::GenericOp>(rewriter.clone(*op));
    dropTrailingUnitDims(rewriter, copy);
    bool inVectors = classify(copy, elementwiseLanes(vectorBits)).has_value();
    SmallVector<Operation *> views;
    for (auto [mine, theirs] :
         llvm::zip(copy->getOperands(), op->getOperands()))
      if (mine != theirs)
        views.push_back(mine.getDefiningOp());
    rewriter.eraseOp(copy);
    for (Operation *view : views)
      rewriter.eraseOp(view);
    return inVectors;
  }
  if (!order)
    return classify(op, elementwiseLanes(vectorBits)).has_value();
  // Classified as the pass will run it: interchanged, on a copy.
  IRRewriter rewriter(op.getContext());
  rewriter.setInsertionPoint(op);
  auto copy = cast<linalg::GenericOp>(rewriter.clone(*op));
  FailureOr<linalg::GenericOp> interchanged =
      linalg::interchangeGenericOp(rewriter, copy, *order);
  bool inVectors = succeeded(interchanged) &&
                   classify(*interchanged, elementwiseLanes(vectorBits));
  rewriter.eraseOp(succeeded(interchanged) ? *interchanged : copy);
  return inVectors;
}
