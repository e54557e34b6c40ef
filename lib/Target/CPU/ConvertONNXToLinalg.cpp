//===- ConvertONNXToLinalg.cpp - smelt-cpu-convert-onnx-to-linalg ----------===//
//
// The CPU's int8 contractions in the layouts of its dot-product kernels,
// given to the target-neutral conversion as its integer-contraction hooks:
// they take the accumulators where the weights are constant, everything
// else is the neutral conversion's. The CPU's contraction passes
// (ContractionMatch.cpp) recognize these layouts and the SelectVNNI pass
// turns their dot products into vpdpbusd.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"
#include "smelt/Conversion/ONNXToLinalg/NNUtils.h"
#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

#include <vector>

namespace smelt {
#define GEN_PASS_DEF_CPUCONVERTONNXTOLINALGPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt::detail;

namespace {

/// Values of a packed operand: bytes packed four k to a lane for a
/// dot-product instruction (VNNI's vpdpbusd), or 16-bit words two k to a
/// lane for targets without one (vpmaddwd's pairs, which then give
/// finished int32 sums; 8-bit values fit either way).
struct Packing {
  /// k per lane: 4 or 2.
  int64_t group;
  Type element(OpBuilder &b) const {
    return b.getIntegerType(group == 4 ? 8 : 16);
  }
  /// An 8-bit value `v` of a block, as the packed element: itself, or
  /// extended to 16 bits as its signedness says.
  Value widen(OpBuilder &b, Location loc, Value v, bool isUnsigned) const {
    if (group == 4)
      return v;
    Type i16 = b.getIntegerType(16);
    return isUnsigned ? Value(arith::ExtUIOp::create(b, loc, i16, v))
                      : Value(arith::ExtSIOp::create(b, loc, i16, v));
  }
  /// A packed element in int32: bytes by their signedness, words signed.
  Value toI32(OpBuilder &b, Location loc, Value v, bool isUnsigned) const {
    Type i32 = b.getI32Type();
    return isUnsigned && group == 4
               ? Value(arith::ExtUIOp::create(b, loc, i32, v))
               : Value(arith::ExtSIOp::create(b, loc, i32, v));
  }
  /// Constant weights in the packed element type.
  Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                 ArrayRef<int16_t> values) const {
    auto type = RankedTensorType::get(shape, element(b));
    if (group == 2)
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, values));
    SmallVector<int8_t> bytes(values.begin(), values.end());
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef(bytes)));
  }
};

/// A tensor of 8-bit values in the packed element type (a linalg.generic
/// that extends each, or the tensor itself).
Value widenTensor(OpBuilder &b, Location loc, Value v, bool isUnsigned,
                  const Packing &packing) {
  if (packing.group == 4)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  auto wide = RankedTensorType::get(type.getShape(), packing.element(b));
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  return linalg::GenericOp::create(
             b, loc, TypeRange{wide}, ValueRange{v},
             ValueRange{tensor::EmptyOp::create(b, loc, type.getShape(),
                                                packing.element(b))},
             {identity, identity},
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l, packing.widen(nb, l, args[0], isUnsigned));
             })
      .getResult(0);
}

/// sum_k (A[.., k] - aZeroPoint) * B[k, n] in int32, for 8-bit A and a
/// constant signed 8-bit B [K, N] (`weights`, row-major): B is packed as
/// [ceil(K/G), N, G] (G = packing.group consecutive k of a column
/// together: four bytes, the layout of x86's VNNI dot products, or two
/// 16-bit words with A extended to 16 bits too) and the zero point folds
/// into the accumulator's start, -aZeroPoint * sum_k B[k, n]; a zero point
/// known only at run time (`runtimeZeroPoint`, a one-element 8-bit tensor,
/// as DynamicQuantizeLinear makes it) scales the column sums when the
/// model runs instead. Null when the shapes do not fit.
Value buildPackedInt8MatMul(OpBuilder &b, Location loc, const Packing &packing,
                            Value a, bool aUnsigned, int64_t aZeroPoint,
                            ArrayRef<int64_t> weights, int64_t k, int64_t n,
                            RankedTensorType resultType,
                            Value runtimeZeroPoint = {}) {
  auto aType = cast<RankedTensorType>(a.getType());
  if (aType.getRank() < 2 || aType.getShape().back() != k ||
      resultType.getShape().back() != n ||
      static_cast<int64_t>(weights.size()) != k * n)
    return Value();
  MLIRContext *ctx = b.getContext();
  Type i8 = b.getIntegerType(8), i32 = b.getI32Type();
  // Rows of A, whatever its batch dimensions.
  int64_t rows = aType.getNumElements() / k;
  a = reshapeToStatic(b, loc, a, RankedTensorType::get({rows, k}, i8));
  a = widenTensor(b, loc, a, aUnsigned, packing);

  // B as [ceil(K/G), N, G]: G consecutive k of one column side by side,
  // zero past K; and its column sums.
  int64_t g = packing.group, groups = (k + g - 1) / g;
  std::vector<int16_t> packed(groups * n * g, 0);
  std::vector<int32_t> correction(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t c = 0; c < n; ++c) {
      int64_t w = weights[kk * n + c];
      packed[((kk / g) * n + c) * g + kk % g] = static_cast<int16_t>(w);
      correction[c] -= static_cast<int32_t>(aZeroPoint * w);
    }
  Value bPacked = packing.constant(b, loc, {groups, n, g}, packed);

  // The accumulator starts at -za * sum_k B[k, n], so that it ends at
  // sum_k (A - za) * B.
  auto outType = RankedTensorType::get({rows, n}, i32);
  auto correctionType = RankedTensorType::get({n}, i32);
  Value start = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(correctionType, ArrayRef(correction)));
  if (runtimeZeroPoint) {
    // -sum_k B[k, n] (the constant above, for a zero point of 1) times the
    // zero point read when the model runs.
    std::vector<int32_t> sums(n, 0);
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t c = 0; c < n; ++c)
        sums[c] -= static_cast<int32_t>(weights[kk * n + c]);
    Value negSums = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(correctionType, ArrayRef(sums)));
    auto zpType = cast<RankedTensorType>(runtimeZeroPoint.getType());
    SmallVector<Value> at(zpType.getRank(),
                          arith::ConstantIndexOp::create(b, loc, 0));
    Value zp = tensor::ExtractOp::create(b, loc, runtimeZeroPoint, at);
    zp = aUnsigned ? Value(arith::ExtUIOp::create(b, loc, i32, zp))
                   : Value(arith::ExtSIOp::create(b, loc, i32, zp));
    start = linalg::GenericOp::create(
                b, loc, TypeRange{correctionType}, ValueRange{negSums},
                ValueRange{tensor::EmptyOp::create(b, loc, {n}, i32)},
                {b.getMultiDimIdentityMap(1), b.getMultiDimIdentityMap(1)},
                {utils::IteratorType::parallel},
                [&](OpBuilder &nb, Location l, ValueRange args) {
                  linalg::YieldOp::create(
                      nb, l, ValueRange{arith::MulIOp::create(nb, l, args[0], zp)});
                })
                .getResult(0);
  }
  AffineExpr dm = getAffineDimExpr(0, ctx), dn = getAffineDimExpr(1, ctx),
             dk = getAffineDimExpr(2, ctx);
  Value init =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{start},
          ValueRange{tensor::EmptyOp::create(b, loc, outType.getShape(), i32)},
          {AffineMap::get(2, 0, {dn}, ctx), b.getMultiDimIdentityMap(2)},
          {utils::IteratorType::parallel, utils::IteratorType::parallel},
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, args[0]);
          })
          .getResult(0);
  Value product =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{a, bPacked}, ValueRange{init},
          {AffineMap::get(3, 0, {dm, dk}, ctx),
           AffineMap::get(3, 0, {dk.floorDiv(g), dn, dk % g}, ctx),
           AffineMap::get(3, 0, {dm, dn}, ctx)},
          {utils::IteratorType::parallel, utils::IteratorType::parallel,
           utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value x = packing.toI32(nb, l, args[0], aUnsigned);
            Value w = packing.toI32(nb, l, args[1], /*isUnsigned=*/false);
            linalg::YieldOp::create(
                nb, l,
                Value(arith::AddIOp::create(
                    nb, l, args[2], arith::MulIOp::create(nb, l, x, w))));
          })
          .getResult(0);
  return reshapeToStatic(b, loc, product, resultType);
}

/// buildPackedInt8MatMul when it applies: B a signed 8-bit [K, N] with zero
/// zero points (A's zero point constant, or a scalar known at run time).
/// Null otherwise.
Value packedMatMul(OpBuilder &b, Location loc, const Packing &packing,
                   const smelt::IntegerMatMul &mm, RankedTensorType accType) {
  RankedTensorType bType = mm.weightType;
  if (!bType || bType.getRank() != 2 || !bType.hasStaticShape() ||
      mm.weightsUnsigned ||
      !llvm::all_of(mm.weightZeroPoints, [](int64_t z) { return z == 0; }))
    return Value();
  return buildPackedInt8MatMul(b, loc, packing, mm.a, mm.aUnsigned,
                               mm.aZeroPoint,
                               mm.weights, bType.getDimSize(0),
                               bType.getDimSize(1), accType,
                               mm.runtimeZeroPoint);
}

/// A 2-d convolution (any group count G) of 8-bit `input` with constant
/// signed 8-bit `weights` [F, C/G, KH, KW] (row-major) into int32, as the
/// sum over the window of (x - inputZeroPoint) * w, plus bias[f]. The
/// input's windows are packed as columns [N, G, ceil(K/P), OH*OW, P]
/// (K = C/G*KH*KW, P = packing.group k of a pixel together, extended to
/// 16 bits when P is 2), the weights as rows [G, F/G, P*ceil(K/P)], and
/// the zero point and bias fold into the accumulator's start. `op`
/// supplies strides, pads, dilations and group. Null when the op does not
/// fit.
Value buildPackedInt8Conv(OpBuilder &b, Location loc, const Packing &packing,
                                         Operation *op, Value input,
                                         bool inputUnsigned,
                                         int64_t inputZeroPoint,
                                         ArrayRef<int64_t> weights,
                                         RankedTensorType weightType,
                                         ArrayRef<int64_t> bias,
                                         RankedTensorType resultType) {
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  auto groupAttr = op->getAttrOfType<IntegerAttr>("group");
  int64_t groupCount = groupAttr ? groupAttr.getInt() : 1;
  if (!inputType || !inputType.hasStaticShape() || inputType.getRank() != 4 ||
      weightType.getRank() != 4 || groupCount < 1 ||
      inputType.getDimSize(1) % groupCount ||
      weightType.getDimSize(0) % groupCount ||
      weightType.getDimSize(1) != inputType.getDimSize(1) / groupCount)
    return Value();
  Window w;
  w.kernel.assign(weightType.getShape().begin() + 2, weightType.getShape().end());
  if (failed(computeWindow(op, inputType, resultType, w)))
    return Value();
  MLIRContext *ctx = b.getContext();
  Type i8 = b.getIntegerType(8), i32 = b.getI32Type();
  int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1);
  int64_t f = weightType.getDimSize(0), g = groupCount;
  int64_t cg = c / g, fg = f / g;
  int64_t kh = w.kernel[0], kw = w.kernel[1], window = kh * kw;
  int64_t oh = resultType.getDimSize(2), ow = resultType.getDimSize(3);
  // Per group: K = C/G * KH * KW products, in ceil(K/P) groups of P.
  int64_t p = packing.group;
  int64_t k = cg * window, quads = (k + p - 1) / p, pixels = oh * ow;

  // The input padded with its zero point (so padding contributes nothing),
  // and with whole extra channels so that the last group's packed columns
  // past K (zero weights) read inside it.
  int64_t channels =
      std::max(c, (g - 1) * cg + (quads * p + window - 1) / window);
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(w.padBegin[0]),
                                   b.getIndexAttr(w.padBegin[1])};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0),
                                    b.getIndexAttr(channels - c),
                                    b.getIndexAttr(w.padEnd[0]),
                                    b.getIndexAttr(w.padEnd[1])};
  auto paddedType = RankedTensorType::get(
      {n, channels, inputType.getDimSize(2) + w.padBegin[0] + w.padEnd[0],
       inputType.getDimSize(3) + w.padBegin[1] + w.padEnd[1]},
      i8);
  Value zp = arith::ConstantOp::create(b, loc, b.getIntegerAttr(i8, inputZeroPoint));
  Value x = tensor::PadOp::create(b, loc, paddedType, input, low, high, zp);

  // Columns, packed: col[n, g * quads + q, oh, ow, j] = x[n, g * C/G + kk
  // floordiv (KH*KW), oh*s + kh*d, ow*s + kw*d] for kk = Pq + j = (c, kh,
  // kw) within the group. Iterated (n, gq, j, oh, ow): the window offset is
  // fixed in the inner loops, which walk a row of x.
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr kk = (d(1) % quads) * p + d(2);
  AffineExpr channel = d(1).floorDiv(quads) * cg + kk.floorDiv(window);
  SmallVector<AffineExpr> xExprs = {
      d(0), channel,
      d(3) * w.strides[0] + (kk % window).floorDiv(kw) * w.dilations[0],
      d(4) * w.strides[1] + (kk % kw) * w.dilations[1]};
  Type element = packing.element(b);
  auto col5Type = RankedTensorType::get({n, g * quads, oh, ow, p}, element);
  Value col5 =
      linalg::GenericOp::create(
          b, loc, TypeRange{col5Type}, ValueRange{x},
          ValueRange{
              tensor::EmptyOp::create(b, loc, col5Type.getShape(), element)},
          {AffineMap::get(5, 0, xExprs, ctx),
           AffineMap::get(5, 0, {d(0), d(1), d(3), d(4), d(2)}, ctx)},
          SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(
                nb, l, packing.widen(nb, l, args[0], inputUnsigned));
          })
          .getResult(0);
  // (The CPU target recognizes this copy and packs with vector loads and
  // shuffles.)
  auto colType = RankedTensorType::get({n, g, quads, pixels, p}, element);
  Value col = reshapeToStatic(b, loc, col5, colType);

  // Weights as rows [G, F/G, 4 * quads], zero past K; the accumulator
  // starts at bias[o] - zx * sum_k W[o, k].
  std::vector<int16_t> rows(f * quads * p, 0);
  std::vector<int32_t> start(f, 0);
  for (int64_t o = 0; o < f; ++o)
    for (int64_t i = 0; i < k; ++i) {
      int64_t v = weights[o * k + i];
      rows[o * quads * p + i] = static_cast<int16_t>(v);
      start[o] -= static_cast<int32_t>(inputZeroPoint * v);
    }
  for (int64_t o = 0; o < f && !bias.empty(); ++o)
    start[o] += static_cast<int32_t>(bias[o]);
  Value wRows = packing.constant(b, loc, {g, fg, quads * p}, rows);
  Value startValues = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({g, fg}, i32),
                             ArrayRef(start)));
  auto outType = RankedTensorType::get({n, g, fg, pixels}, i32);
  Value init =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{startValues},
          ValueRange{tensor::EmptyOp::create(b, loc, outType.getShape(), i32)},
          {AffineMap::get(4, 0, {d(1), d(2)}, ctx), b.getMultiDimIdentityMap(4)},
          SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
          [](OpBuilder &nb, Location l, ValueRange args) {
            linalg::YieldOp::create(nb, l, args[0]);
          })
          .getResult(0);
  // out[n, g, f, px] += x(col[n, g, k/P, px, k%P]) * w(rows[g, f, k]).
  AffineExpr red = d(4);
  Value out =
      linalg::GenericOp::create(
          b, loc, TypeRange{outType}, ValueRange{wRows, col}, ValueRange{init},
          {AffineMap::get(5, 0, {d(1), d(2), red}, ctx),
           AffineMap::get(5, 0, {d(0), d(1), red.floorDiv(p), d(3), red % p},
                          ctx),
           AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx)},
          {utils::IteratorType::parallel, utils::IteratorType::parallel,
           utils::IteratorType::parallel, utils::IteratorType::parallel,
           utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value wv = packing.toI32(nb, l, args[0], /*isUnsigned=*/false);
            Value xv = packing.toI32(nb, l, args[1], inputUnsigned);
            linalg::YieldOp::create(
                nb, l,
                Value(arith::AddIOp::create(
                    nb, l, args[2], arith::MulIOp::create(nb, l, xv, wv))));
          })
          .getResult(0);
  return reshapeToStatic(b, loc, out,
                         RankedTensorType::get(resultType.getShape(), i32));
}

/// A convolution with signed weights and zero weight zero points: the
/// packed convolution.
Value packedConvolution(OpBuilder &b, Location loc, const Packing &packing,
                        const smelt::IntegerConvolution &conv,
                        RankedTensorType accType) {
  if (conv.weightsUnsigned ||
      !llvm::all_of(conv.weightZeroPoints, [](int64_t z) { return z == 0; }))
    return Value();
  return buildPackedInt8Conv(b, loc, packing, conv.window, conv.input,
                             conv.inputUnsigned, conv.inputZeroPoint,
                             conv.weights, conv.weightType, conv.bias, accType);
}

struct CPUConvertONNXToLinalgPass
    : smelt::impl::CPUConvertONNXToLinalgPassBase<CPUConvertONNXToLinalgPass> {
  using CPUConvertONNXToLinalgPassBase::CPUConvertONNXToLinalgPassBase;
  void runOnOperation() override {
    if (failed(smelt::convertONNXToLinalg(
            getOperation(), smelt::getCPUConversionOptions(byteDotProduct))))
      signalPassFailure();
  }
};

} // namespace

smelt::IntegerContractionHooks
smelt::getCPUIntegerContractionHooks(bool byteDotProduct) {
  Packing packing{byteDotProduct ? 4 : 2};
  IntegerContractionHooks hooks;
  hooks.convolution = [packing](OpBuilder &b, Location loc,
                                const IntegerConvolution &conv,
                                RankedTensorType accType) {
    return packedConvolution(b, loc, packing, conv, accType);
  };
  hooks.matmul = [packing](OpBuilder &b, Location loc,
                           const IntegerMatMul &mm, RankedTensorType accType) {
    return packedMatMul(b, loc, packing, mm, accType);
  };
  return hooks;
}

smelt::ONNXToLinalgOptions smelt::getCPUConversionOptions(bool byteDotProduct) {
  ONNXToLinalgOptions options;
  options.namedOps = false;
  options.hooks = getCPUIntegerContractionHooks(byteDotProduct);
  return options;
}
