//===- ContractionKernel.cpp - Register-blocked contraction kernels -------===//
//
// The loop nest of one contraction's kernel: batch loops, column and row
// blocks sized to the vector registers (with masked edges), reduction
// blocks that keep a long k in cache, and the register block's loads from
// and stores to the output. One step of the reduction is in
// ContractionSteps.cpp (float) and ContractionInt8.cpp (int8).
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"
#include "ParallelCost.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace smelt::detail;

/// The multiply-adds (or window steps) of a contraction: every point of its
/// iteration space.
static int64_t workOf(const Contraction &k) {
  int64_t work = 1;
  for (int64_t range : k.ranges)
    work *= range;
  return work;
}

KernelEmitter::KernelEmitter(const Contraction &k, unsigned vectorBits,
                             bool parallel, bool dot4)
    : k(k),
      // Small kernels stay on one thread (ParallelCost.h); the loop that
      // splits is the outermost one of two iterations or more (forRange).
      parallelPending(parallel &&
                      worthSplitting(workOf(k), kParallelMinMultiplyAdds,
                                     /*iterations=*/2)),
      lanes(std::max<int64_t>(
          4, vectorBits / std::max<int64_t>(
                              8, cast<MemRefType>(k.c.getType())
                                     .getElementTypeBitWidth()))),
      // Accumulators that fit the vector registers beside the operands:
      // 32 registers with AVX-512, 16 otherwise. Int8 steps without a
      // four-way dot product keep each output's pair sums in two registers
      // (ContractionInt8.cpp), so half as many outputs fit.
      registers((vectorBits >= 512 ? 24 : 12) /
                (k.int8 && k.group == 4 && !dot4 ? 2 : 1)),
      fourWay(dot4) {}

void KernelEmitter::emit(OpBuilder &b) {
  Location loc = k.op->getLoc();
  int64_t nSize = k.ranges[k.n];
  int64_t mSize = k.m ? k.ranges[*k.m] : 1;
  int64_t vectors = (nSize + lanes - 1) / lanes;
  // Few rows: more vectors per row, so enough independent chains hide the
  // multiply-add latency.
  int64_t nv =
      std::min<int64_t>(vectors, mSize >= 4 ? kColumnVectors : 8 / mSize);
  dims.assign(k.ranges.size(), Value());
  // Batch loops that B does not depend on (a convolution's output rows,
  // when its vectors run along the channels) reuse each column block of B
  // (its weights) when they run inside the column loop; outside it, each
  // iteration reads all of B again. Inside, A is read again for each
  // column block and each iteration of the loops outside that A does not
  // depend on, which costs little while the part of A those loops read
  // stays in cache. So a leading run of them (the batch) goes outermost,
  // the rest inside the columns: the split that moves the fewest bytes.
  SmallVector<int64_t> readByB, notReadByB;
  int64_t aRepeats = 1;
  for (int64_t d : k.batch) {
    if (!k.bMap.isFunctionOfDim(d)) {
      notReadByB.push_back(d);
      continue;
    }
    readByB.push_back(d);
    if (!k.aMap.isFunctionOfDim(d))
      aRepeats *= k.ranges[d];
  }
  auto bytes = [](Value v) {
    auto type = cast<MemRefType>(v.getType());
    return type.getNumElements() * type.getElementTypeBitWidth() / 8;
  };
  int64_t columnBlocks = (vectors + nv - 1) / nv;
  size_t outermost = notReadByB.size();
  if (k.a) {
    double aBytes = bytes(k.a), bBytes = bytes(k.b);
    double best = 0;
    int64_t iterations = 1;
    for (size_t p = 0; p <= notReadByB.size(); ++p) {
      if (p)
        iterations *= k.ranges[notReadByB[p - 1]];
      double slice = aBytes / iterations;
      double aTraffic = slice <= kCacheBudget
                            ? aBytes
                            : aBytes * aRepeats * columnBlocks;
      double traffic = aTraffic + bBytes * iterations;
      if (p == 0 || traffic < best) {
        best = traffic;
        outermost = p;
      }
    }
  }
  SmallVector<int64_t> outer(notReadByB.begin(),
                             notReadByB.begin() + outermost);
  outer.append(readByB);
  SmallVector<int64_t> inner(notReadByB.begin() + outermost,
                             notReadByB.end());
  // The kernel's column block.
  int64_t nr = nv * lanes;
  auto columns = [&](OpBuilder &b) {
    int64_t nFull = nSize / nr * nr;
    bool armed = parallelPending;
    forRange(b, loc, 0, nFull, nr, [&](OpBuilder &b, Value n0) {
      loops(b, loc, inner, 0, [&](OpBuilder &b) {
        rows(b, loc, mSize, rowBlock(mSize, nv), n0, nv, 0);
      });
    });
    if (int64_t rest = nSize - nFull) {
      // The last columns split across threads too when the full blocks
      // did and they are worth it on their own (a 14x14 map's 196 outputs
      // are 6 blocks of 32 and 4 more: run on one thread, those 4 would
      // cost as much as three blocks' share).
      if (nFull)
        parallelPending = armed && worthSplitting(workOf(k) / nSize * rest,
                                                  kParallelMinMultiplyAdds,
                                                  /*iterations=*/2);
      Value n0 = arith::ConstantIndexOp::create(b, loc, nFull);
      int64_t restVectors = (rest + lanes - 1) / lanes;
      loops(b, loc, inner, 0, [&](OpBuilder &b) {
        rows(b, loc, mSize, rowBlock(mSize, restVectors), n0, restVectors,
             rest % lanes);
      });
    }
  };
  // A long single reduction (a matmul's k) runs in blocks of kBlock, each
  // over all columns: a block of B stays in L1 and one of A in L2 while
  // they are reused. Outputs go back to C between blocks, still summing
  // in order; the epilogue runs in the last block only.
  // B in panels ([.., K, nr] read along n within one: weights packed by
  // smelt-cpu-choose-vector-dim) streams each column block from L2 in
  // order, so blocking k then only adds passes over C (a 197 x 3072 x 768
  // product 4.6 -> 5.1 ms blocked).
  int64_t kSize = k.ranges[k.reductions.front()];
  MLIRContext *context = k.op->getContext();
  unsigned bRank = k.bMap.getNumResults();
  bool panels =
      bRank >= 2 &&
      k.bMap.getResult(bRank - 1) == getAffineDimExpr(k.n, context) &&
      k.bMap.getResult(bRank - 2) ==
          getAffineDimExpr(k.reductions.front(), context) &&
      cast<MemRefType>(k.b.getType()).getShape().back() <= nv * lanes;
  // An int8 kernel's packed operand larger than the cache, per iteration
  // of the batch loops (one image's convolution columns on an 80x80 map:
  // [432, 6400 * 2] words, 11 MB), is read as one stream per row of
  // groups, far apart; blocks of 16 such rows keep the streams few enough
  // for the prefetcher (PaddleOCR det's 96 -> 24 channel 3x3 at
  // x86-64-v3 3.2 -> 2.4 ms; at AVX-512 VNNI 0.83 -> 0.71). Smaller ones
  // stay whole: each block costs a pass over C.
  int64_t kBlock = KernelEmitter::kBlock;
  if (k.int8) {
    // What one iteration of the batch loops reads: [ceil(K/G), N, G].
    auto type = cast<MemRefType>(k.b.getType());
    int64_t rank = type.getRank();
    double panel = static_cast<double>(type.getDimSize(rank - 3)) *
                   type.getDimSize(rank - 2) * type.getDimSize(rank - 1) *
                   type.getElementTypeBitWidth() / 8;
    kBlock = panel > kCacheBudget ? 16 * k.group : kSize;
  }
  bool blocked = k.reductions.size() == 1 && !panels &&
                 kSize > 2 * kBlock;
  if (k.int8) {
    // The packed operand as [batch..., ceil(K/G), N * G]: a vector's
    // columns' groups are one vector of bytes or words.
    auto type = cast<MemRefType>(k.b.getType());
    int64_t rank = type.getRank();
    SmallVector<int64_t> shape(type.getShape().drop_back(2));
    shape.push_back(type.getDimSize(rank - 2) * k.group);
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i + 2 < rank; ++i)
      groups.push_back({i});
    groups.push_back({rank - 2, rank - 1});
    packedRows = memref::CollapseShapeOp::create(
        b, loc, MemRefType::get(shape, type.getElementType()), k.b, groups);
  }
  if (k.pitched) {
    auto type = cast<MemRefType>(k.pitched->view.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    (void)type.getStridesAndOffset(strides, offset);
    int64_t extent = 1;
    for (auto [size, stride] : llvm::zip(type.getShape(), strides))
      extent += (size - 1) * stride;
    pitchedRows = memref::ReinterpretCastOp::create(
        b, loc,
        MemRefType::get({extent}, type.getElementType(),
                        StridedLayoutAttr::get(b.getContext(), offset, {1})),
        k.pitched->view, offset, ArrayRef<int64_t>{extent},
        ArrayRef<int64_t>{1});
  }
  // The loop that splits across threads is the outermost of two
  // iterations or more. When that is a loop of few iterations outside the
  // rows (a pointwise convolution's 3 panels of 32 output channels), two
  // threads split it 2:1 and the second idles a third of the time (576 ->
  // 96 channels on 14x14 ran slower on two threads than on one). Then the
  // rows go outermost and split instead (16 blocks of 12 pixels), each
  // block walking all the columns: B, a few panels, stays in L2.
  int64_t splitTrips = 1;
  for (int64_t d : outer)
    if (splitTrips == 1)
      splitTrips = k.ranges[d];
  if (splitTrips == 1)
    splitTrips = columnBlocks;
  int64_t mr = rowBlock(mSize, nv);
  if (parallelPending && !blocked && k.m && nSize % nr == 0 &&
      splitTrips > 1 && splitTrips <= 4 && mSize / mr >= 8) {
    auto allColumns = [&](OpBuilder &b, Value m0, int64_t rowsHere) {
      loops(b, loc, outer, 0, [&](OpBuilder &b) {
        forRange(b, loc, 0, nSize, nr, [&](OpBuilder &b, Value n0) {
          loops(b, loc, inner, 0, [&](OpBuilder &b) {
            kernel(b, loc, m0, rowsHere, n0, nv, 0);
          });
        });
      });
    };
    int64_t mFull = mSize / mr * mr;
    forRange(b, loc, 0, mFull, mr,
             [&](OpBuilder &b, Value m0) { allColumns(b, m0, mr); });
    if (mSize > mFull)
      allColumns(b, arith::ConstantIndexOp::create(b, loc, mFull),
                 mSize - mFull);
    return;
  }
  loops(b, loc, outer, 0, [&](OpBuilder &b) {
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

int64_t KernelEmitter::rowBlock(int64_t mSize, int64_t nv) {
  int64_t cap = std::max<int64_t>(1, std::min<int64_t>(12, registers / nv));
  int64_t blocks = (mSize + cap - 1) / cap;
  return (mSize + blocks - 1) / blocks;
}

void KernelEmitter::loops(OpBuilder &b, Location loc,
                          ArrayRef<int64_t> batch, size_t i,
                          function_ref<void(OpBuilder &)> body) {
  if (i == batch.size())
    return body(b);
  forRange(b, loc, 0, k.ranges[batch[i]], 1, [&](OpBuilder &b, Value iv) {
    dims[batch[i]] = iv;
    loops(b, loc, batch, i + 1, body);
  });
}

void KernelEmitter::forRange(OpBuilder &b, Location loc, int64_t lb, int64_t ub,
                             int64_t step,
                             function_ref<void(OpBuilder &, Value)> body,
                             bool mayBeParallel) {
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

void KernelEmitter::rows(OpBuilder &b, Location loc, int64_t mSize, int64_t mr,
                         Value n0, int64_t nv, int64_t tailLanes) {
  int64_t mFull = mSize / mr * mr;
  forRange(b, loc, 0, mFull, mr, [&](OpBuilder &b, Value m0) {
    kernel(b, loc, m0, mr, n0, nv, tailLanes);
  });
  if (mSize > mFull)
    kernel(b, loc, arith::ConstantIndexOp::create(b, loc, mFull),
           mSize - mFull, n0, nv, tailLanes);
}

Value KernelEmitter::plus(OpBuilder &b, Location loc, Value v, int64_t c) {
  if (c == 0)
    return v;
  return arith::AddIOp::create(b, loc, v,
                               arith::ConstantIndexOp::create(b, loc, c));
}

SmallVector<Value> KernelEmitter::indices(OpBuilder &b, Location loc,
                                          AffineMap map) {
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

Value KernelEmitter::mask(OpBuilder &b, Location loc, int64_t active) {
  SmallVector<bool> bits(lanes, false);
  for (int64_t i = 0; i < active; ++i)
    bits[i] = true;
  auto type = VectorType::get({lanes}, b.getI1Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, ArrayRef(bits)));
}

void KernelEmitter::kernel(OpBuilder &b, Location loc, Value m0, int64_t mr,
                           Value n0, int64_t nv, int64_t tailLanes) {
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

void KernelEmitter::store(OpBuilder &b, Location loc, Value m0, int64_t mr,
                          Value n0, int64_t nv, int64_t tailLanes,
                          Value tailMask, ArrayRef<Value> sums) {
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
        if (k.pitched) {
          storePitched(b, loc, v, at,
                       tailLanes && j == nv - 1 ? tailMask : Value());
          continue;
        }
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

void KernelEmitter::storePitched(OpBuilder &b, Location loc, Value v,
                                 ArrayRef<Value> at, Value tailMask) {
  const Contraction::PitchedStore &p = *k.pitched;
  auto index = [&](int64_t c) {
    return arith::ConstantIndexOp::create(b, loc, c).getResult();
  };
  Value n = at.back();
  Value row = arith::DivUIOp::create(b, loc, n, index(p.width));
  Value column = arith::RemUIOp::create(b, loc, n, index(p.width));
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, row, index(p.pitch)), column);
  for (auto [i, stride] : llvm::enumerate(p.strides))
    linear = arith::AddIOp::create(
        b, loc, linear,
        arith::MulIOp::create(b, loc, at[i], index(stride)));
  // n runs in whole vectors from 0: with rows a multiple of them, no
  // vector crosses a row.
  if (p.width % lanes == 0) {
    if (tailMask)
      vector::MaskedStoreOp::create(b, loc, pitchedRows, linear, tailMask, v);
    else
      vector::StoreOp::create(b, loc, v, pitchedRows, linear);
    return;
  }
  // Each lane's column in its first row, and the rows a vector touches.
  auto i32Vector = VectorType::get({lanes}, b.getI32Type());
  SmallVector<int32_t> iota;
  for (int64_t l = 0; l < lanes; ++l)
    iota.push_back(static_cast<int32_t>(l));
  Value columns = arith::AddIOp::create(
      b, loc,
      vector::BroadcastOp::create(
          b, loc, i32Vector,
          arith::IndexCastOp::create(b, loc, b.getI32Type(), column)),
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(i32Vector, ArrayRef(iota))));
  auto bound = [&](int64_t c) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(i32Vector, static_cast<int32_t>(c)));
  };
  int64_t pieces = (lanes - 1 + p.width - 1) / p.width + 1;
  for (int64_t piece = 0; piece < pieces; ++piece) {
    Value mask = tailMask;
    auto both = [&](Value m) {
      mask = mask ? arith::AndIOp::create(b, loc, mask, m).getResult() : m;
    };
    if (piece > 0)
      both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, columns,
                                 bound(piece * p.width)));
    if (piece + 1 < pieces)
      both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, columns,
                                 bound((piece + 1) * p.width)));
    Value at = piece ? Value(arith::AddIOp::create(
                           b, loc, linear,
                           index(piece * (p.pitch - p.width))))
                     : linear;
    vector::MaskedStoreOp::create(b, loc, pitchedRows, at, mask, v);
  }
}
