//===- Int8ColumnPacking.cpp - Vector code for int8 im2col ----------------===//
//
// The packing of an int8 convolution's input windows into columns of four
// k, or of two k extended to 16-bit words (the layouts the int8 kernels
// read), as interleaving shuffles of whole input rows instead of one byte
// at a time.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernel.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace smelt::detail;

LogicalResult smelt::detail::emitColumnPacking(linalg::GenericOp op,
                                               OpBuilder &b, bool parallel,
                                               int64_t lanes) {
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
      xMap.getNumResults() == 0)
    return failure();
  // Four bytes of k to a column, or two extended to words.
  int64_t group = outType.getDimSize(4);
  Type element = outType.getElementType();
  Operation *ext = cast<linalg::YieldOp>(op.getBody()->getTerminator())
                       .getOperand(0)
                       .getDefiningOp();
  if (!(group == 4 && element.isInteger(8) && !ext) &&
      !(group == 2 && element.isInteger(16) &&
        isa_and_nonnull<arith::ExtUIOp, arith::ExtSIOp>(ext)))
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
  int64_t ow = ranges[4];
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
  // out as [N, G, OH, OW * group].
  Value rows = memref::CollapseShapeOp::create(
      b, loc,
      MemRefType::get({outType.getDimSize(0), outType.getDimSize(1),
                       outType.getDimSize(2), outType.getDimSize(3) * group},
                      element),
      out, ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  Value zero16 = arith::ConstantOp::create(
      b, loc, cast<TypedAttr>(b.getZeroAttr(bytes(lanes * stride))));

  auto body = [&](OpBuilder &b, Value n, Value g, Value oh) {
    auto block = [&](OpBuilder &b, Value ow0, int64_t active) {
      SmallVector<Value> quads;
      for (int64_t j = 0; j < group; ++j) {
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
        if (ext) {
          auto words = VectorType::get({lanes}, element);
          v = isa<arith::ExtUIOp>(ext)
                  ? Value(arith::ExtUIOp::create(b, loc, words, v))
                  : Value(arith::ExtSIOp::create(b, loc, words, v));
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
      Value packed =
          vector::ShuffleOp::create(b, loc, quads[0], quads[1], pairs);
      if (group == 4) {
        Value cd =
            vector::ShuffleOp::create(b, loc, quads[2], quads[3], pairs);
        packed = vector::ShuffleOp::create(b, loc, packed, cd, fours);
      }
      Value column = arith::MulIOp::create(b, loc, ow0, index(group));
      SmallVector<Value> at = {n, g, oh, column};
      if (active == lanes)
        vector::StoreOp::create(b, loc, packed, rows, at);
      else
        vector::MaskedStoreOp::create(
            b, loc, rows, at, maskOf(lanes * group, active * group), packed);
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
