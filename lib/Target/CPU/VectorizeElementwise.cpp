//===- VectorizeElementwise.cpp - smelt-cpu-vectorize-elementwise ----------===//
//
// Vector loops for elementwise generics on buffers, rather than relying on
// LLVM's loop vectorizer, which leaves scalar the loops it cannot prove
// free of aliasing (the memory plan puts every intermediate in one
// workspace) and those that read an operand at `i floordiv k` along the
// innermost dimension (a nearest Resize by an integer factor, fused with
// what reads it). Here each vector of the result reads each operand whole,
// as one broadcast element, or (upsampled) as VL/k contiguous elements
// each repeated k times by one shuffle.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "BufferLayout.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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

/// How an input is read along the innermost loop.
enum class Read { Contiguous, Repeated, Broadcast };

struct Operand {
  Read read = Read::Broadcast;
  int64_t factor = 1; // Repeated: each element covers `factor` lanes
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
      auto div = dyn_cast<AffineBinaryOpExpr>(e);
      auto k = div ? dyn_cast<AffineConstantExpr>(div.getRHS())
                   : AffineConstantExpr();
      if (!isLast || !div || div.getKind() != AffineExprKind::FloorDiv || !k ||
          div.getLHS() != getAffineDimExpr(last, op.getContext()) ||
          k.getValue() <= 1 || lanes % k.getValue() != 0)
        return decline("an input reads the innermost loop other than "
                     "contiguously or as i floordiv k (k dividing the "
                     "lanes)");
      r.read = Read::Repeated;
      r.factor = k.getValue();
    }
    if (r.read != Read::Broadcast && !hasUnitInnerStride(type))
      return decline(
          "an input read along the innermost loop is not contiguous");
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

void vectorize(linalg::GenericOp op, ArrayRef<Operand> reads, int64_t lanes) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  int64_t rank = bounds.size();
  int64_t full = bounds.back() - bounds.back() % lanes;
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The outer loops; the innermost one runs in vectors, then a scalar tail.
  SmallVector<Value> ivs;
  for (int64_t d = 0; d + 1 < rank; ++d) {
    auto loop = scf::ForOp::create(b, loc, index(0), index(bounds[d]), index(1));
    b.setInsertionPointToStart(loop.getBody());
    ivs.push_back(loop.getInductionVar());
  }
  Block *body = op.getBody();
  auto emit = [&](Value iv, bool vector) {
    SmallVector<Value> at(ivs);
    at.push_back(iv);
    IRMapping mapping;
    for (auto [input, r] : llvm::zip(op.getDpsInputOperands(), reads)) {
      Value memref = input->get();
      Type element = cast<MemRefType>(memref.getType()).getElementType();
      SmallVector<Value> indices =
          indicesOf(b, loc, op.getMatchingIndexingMap(input), at);
      Value v;
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
  };
  {
    OpBuilder::InsertionGuard guard(b);
    auto loop = scf::ForOp::create(b, loc, index(0), index(full), index(lanes));
    b.setInsertionPointToStart(loop.getBody());
    emit(loop.getInductionVar(), /*vector=*/true);
  }
  if (full < bounds.back()) {
    auto loop = scf::ForOp::create(b, loc, index(full), index(bounds.back()),
                                   index(1));
    b.setInsertionPointToStart(loop.getBody());
    emit(loop.getInductionVar(), /*vector=*/false);
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
    getOperation().walk([&](linalg::GenericOp op) {
      std::string whyNot;
      if (auto reads = classify(op, lanes, &whyNot))
        work.emplace_back(op, *reads);
      else if (explain && op.getNumReductionLoops() == 0)
        op.emitRemark() << "scalar elementwise loop: " << whyNot;
    });
    for (auto &[op, reads] : work)
      vectorize(op, reads, lanes);
  }
};

} // namespace
