//===- ContractionInt8.cpp - Int8 steps of the contraction kernels --------===//
//
// The reduction of an int8 kernel, into int32. With B packed four bytes of
// k to a column (u8 x s8): portable four-way dot products, which
// smelt-cpu-select-vnni turns into AVX-512 VNNI where the target has it;
// where it has none, each step sums pairs only (vpmaddwd's form: adjacent
// products, no shuffles) into accumulators of twice the lanes, and each
// output adds its pair once the reduction is done. With B packed two
// 16-bit words of k to a column (the conversion's layout for targets
// without a byte dot product, A in words too), each step's pair sums are
// the outputs' own: one vpmaddwd and one add per vector, no extensions.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace smelt::detail;

Value KernelEmitter::dot(OpBuilder &b, Location loc, Value acc, Value u,
                          Value sgn) {
  int64_t perLane = k.group;
  auto wide = VectorType::get({lanes * perLane}, b.getI32Type());
  // Words are signed (8-bit values of either sign, extended); bytes are
  // one unsigned operand and one signed.
  Value product = arith::MulIOp::create(
      b, loc,
      k.group == 4 ? Value(arith::ExtUIOp::create(b, loc, wide, u))
                   : Value(arith::ExtSIOp::create(b, loc, wide, u)),
      arith::ExtSIOp::create(b, loc, wide, sgn));
  int64_t group = k.group == 4 && fourWay ? 4 : 2;
  Value grouped = vector::ShapeCastOp::create(
      b, loc,
      VectorType::get({lanes * perLane / group, group}, b.getI32Type()),
      product);
  return vector::MultiDimReductionOp::create(
      b, loc, grouped, acc, ArrayRef<bool>{false, true},
      vector::CombiningKind::ADD);
}

SmallVector<Value> KernelEmitter::int8Reduction(OpBuilder &b, Location loc,
                                                Value m0, int64_t mr, Value n0,
                                                int64_t nv, int64_t tailLanes,
                                                ValueRange acc,
                                                Value tailMask) {
  int64_t kDim = k.reductions.front();
  int64_t kSize = k.ranges[kDim];
  // G k to a lane: four bytes or two words, 32 bits either way.
  int64_t g = k.group;
  Type element = b.getIntegerType(g == 4 ? 8 : 16);
  // This reduction block's groups (all of k unless the kernel blocks it;
  // blocks start at multiples of G, and only the last has a rest).
  int64_t length = kBlockLength ? kBlockLength : kSize;
  int64_t full = length / g, rest = length % g;
  Value first = arith::ConstantIndexOp::create(b, loc, 0);
  if (kBlockLength)
    first = arith::DivUIOp::create(b, loc, kBlockStart,
                                   arith::ConstantIndexOp::create(b, loc, g));
  auto groupStep = [&](OpBuilder &b, Value group, ValueRange carried,
                       int64_t aCount) -> SmallVector<Value> {
    auto packedVector = VectorType::get({lanes * g}, element);
    auto words = VectorType::get({lanes}, b.getI32Type());
    dims[kDim] = arith::MulIOp::create(
        b, loc, group, arith::ConstantIndexOp::create(b, loc, g));
    SmallVector<Value> bv;
    for (int64_t j = 0; j < nv; ++j) {
      Value column = arith::MulIOp::create(
          b, loc, plus(b, loc, n0, j * lanes),
          arith::ConstantIndexOp::create(b, loc, g));
      // The packed map's leading (batch) indices, then group and column.
      SmallVector<Value> at;
      for (unsigned r = 0; r + 3 < k.bMap.getNumResults(); ++r)
        at.push_back(dims[k.bMap.getDimPosition(r)]);
      at.push_back(group);
      at.push_back(column);
      if (tailLanes && j == nv - 1) {
        SmallVector<bool> bits(lanes * g, false);
        for (int64_t l = 0; l < tailLanes * g; ++l)
          bits[l] = true;
        Value mask = arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(
                VectorType::get({lanes * g}, b.getI1Type()), ArrayRef(bits)));
        Value none = arith::ConstantOp::create(
            b, loc, cast<TypedAttr>(b.getZeroAttr(packedVector)));
        bv.push_back(vector::MaskedLoadOp::create(b, loc, packedVector,
                                                  packedRows, at, mask, none));
      } else {
        bv.push_back(
            vector::LoadOp::create(b, loc, packedVector, packedRows, at));
      }
    }
    auto groupOfA = VectorType::get({g}, element);
    SmallVector<Value> result;
    for (int64_t i = 0; i < mr; ++i) {
      if (k.m)
        dims[*k.m] = plus(b, loc, m0, i);
      SmallVector<Value> at = indices(b, loc, k.aMap);
      Value quad;
      if (aCount == g) {
        quad = vector::LoadOp::create(b, loc, groupOfA, k.a, at);
      } else {
        SmallVector<bool> bits(g, false);
        for (int64_t l = 0; l < aCount; ++l)
          bits[l] = true;
        Value quadMask = arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(VectorType::get({g}, b.getI1Type()),
                                   ArrayRef(bits)));
        Value none = arith::ConstantOp::create(
            b, loc, cast<TypedAttr>(b.getZeroAttr(groupOfA)));
        quad = vector::MaskedLoadOp::create(b, loc, groupOfA, k.a, at,
                                            quadMask, none);
      }
      Value word = vector::ExtractOp::create(
          b, loc,
          vector::BitCastOp::create(
              b, loc, VectorType::get({1}, b.getI32Type()), quad),
          ArrayRef<int64_t>{0});
      Value splat = vector::BitCastOp::create(
          b, loc, packedVector,
          vector::BroadcastOp::create(b, loc, words, word));
      for (int64_t j = 0; j < nv; ++j) {
        Value u = k.aUnsigned ? splat : bv[j];
        Value sgn = k.aUnsigned ? bv[j] : splat;
        result.push_back(dot(b, loc, carried[i * nv + j], u, sgn));
      }
    }
    return result;
  };
  // Pair sums start at zero; the outputs' own starts join at the end.
  SmallVector<Value> sums(acc.begin(), acc.end());
  if (pairSums()) {
    auto pairs = VectorType::get({lanes * 2}, b.getI32Type());
    Value zero = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(b.getZeroAttr(pairs)));
    sums.assign(acc.size(), zero);
  }
  if (full > 0) {
    auto loop = scf::ForOp::create(
        b, loc, first, plus(b, loc, first, full),
        arith::ConstantIndexOp::create(b, loc, 1), sums,
        [&](OpBuilder &nb, Location, Value group, ValueRange carried) {
          scf::YieldOp::create(nb, loc, groupStep(nb, group, carried, g));
        });
    sums.assign(loop.getResults().begin(), loop.getResults().end());
  }
  if (rest)
    sums = groupStep(b, plus(b, loc, first, full), sums, rest);
  dims[kDim] = Value();
  if (pairSums())
    for (auto [sum, start] : llvm::zip(sums, acc))
      sum = vector::MultiDimReductionOp::create(
          b, loc,
          vector::ShapeCastOp::create(
              b, loc, VectorType::get({lanes, 2}, b.getI32Type()), sum),
          start, ArrayRef<bool>{false, true}, vector::CombiningKind::ADD);
  return sums;
}
