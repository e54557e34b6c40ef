//===- ContractionSteps.cpp - Float steps of the contraction kernels ------===//
//
// What a float kernel computes on its registers: one reduction step
// (vectors of B, broadcasts of A, fused multiply-adds, or a window
// reduction's combine), the registers' start from a fused fill or
// broadcast, and a fused elementwise epilogue applied to them as vector
// ops.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace smelt::detail;

SmallVector<Value> KernelEmitter::step(OpBuilder &b, Location loc, Value m0,
                                       int64_t mr, Value n0, int64_t nv,
                                       int64_t tailLanes, ValueRange acc,
                                       Value zeros, Value tailMask,
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
    if (k.aAlongN) {
      for (int64_t j = 0; j < nv; ++j) {
        dims[k.n] = plus(b, loc, n0, j * lanes);
        SmallVector<Value> at = indices(b, loc, k.aMap);
        Value a = tailLanes && j == nv - 1
                      ? Value(vector::MaskedLoadOp::create(
                            b, loc, vectorType, k.a, at, tailMask, zeros))
                      : Value(vector::LoadOp::create(b, loc, vectorType,
                                                     k.a, at));
        result.push_back(
            vector::FMAOp::create(b, loc, a, bv[j], acc[i * nv + j]));
      }
      continue;
    }
    Value a = memref::LoadOp::create(b, loc, k.a, indices(b, loc, k.aMap));
    Value splat = vector::BroadcastOp::create(b, loc, vectorType, a);
    for (int64_t j = 0; j < nv; ++j)
      result.push_back(
          vector::FMAOp::create(b, loc, splat, bv[j], acc[i * nv + j]));
  }
  return result;
}

Value KernelEmitter::loadEvenLanes(OpBuilder &b, Location loc,
                                   SmallVector<Value> at, int64_t active,
                                   Value zeros) {
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

Value KernelEmitter::startValue(OpBuilder &b, Location loc,
                                VectorType vectorType, Value tailMask,
                                Value zeros) {
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

Value KernelEmitter::applyEpilogue(OpBuilder &b, Location loc, Value v,
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
    Value source = operand->get();
    if (!k.epilogueInputs.empty()) {
      source = k.epilogueInputs[i - 1];
      map = AffineMap::getMultiDimIdentityMap(at.size(), e.getContext());
    }
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
          memref::LoadOp::create(b, loc, source, indices));
    } else if (tailMask) {
      Value none = arith::ConstantOp::create(
          b, loc, cast<TypedAttr>(b.getZeroAttr(vectorOf(element))));
      loaded = vector::MaskedLoadOp::create(b, loc, vectorOf(element),
                                            source, indices,
                                            tailMask, none);
    } else {
      loaded = vector::LoadOp::create(b, loc, vectorOf(element), source,
                                      indices);
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

Value KernelEmitter::combine(OpBuilder &b, Location loc, Value x, Value acc) {
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
