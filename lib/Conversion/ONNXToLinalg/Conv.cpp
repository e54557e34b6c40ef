//===- Conv.cpp - onnx Conv and ConvTranspose to linalg -------------------===//
//
// Convolution is a named linalg convolution over a padded input where one
// fits (NCHW/FCHW layouts, one group, depthwise, or 2-D groups), else a
// linalg.generic with any number of spatial dimensions. Groups split the
// channel dimension (input [N, G, C/G, ...], weights [G, M/G, C/G, ...])
// so every indexing map of a result stays a projected permutation. Output shapes come from ONNX's
// shape inference; pads follow auto_pad or the pads attribute. Integer
// convolutions (Quantization.cpp, QuantizedOps.cpp) build on the same
// function with centred int32 operands; ConvTranspose is a gather, or a
// contraction when its windows tile the output.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"
#include "smelt/Conversion/ONNXToLinalg/NNUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// The batch size of `x` [N, ...]: a tensor of that type needs it when N
/// is dynamic (the only dimension a convolution takes at run time).
Value batchOf(OpBuilder &b, Location loc, Value x) {
  return tensor::DimOp::create(b, loc, x, 0);
}

/// `bias` [F] (or null: zeros) broadcast along `channelDims` of `type`: a
/// convolution's accumulator start, its batch that of `x`. `bias` has one
/// dimension per entry of `channelDims`.
Value accumulatorStart(OpBuilder &b, Location loc, Value bias,
                       RankedTensorType type, ArrayRef<int64_t> channelDims,
                       Value zero, Value x) {
  Value empty = emptyTensor(b, loc, type,
                            [&](int64_t) { return batchOf(b, loc, x); });
  if (!bias)
    return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  int64_t rank = type.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d : channelDims)
    exprs.push_back(b.getAffineDimExpr(d));
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, exprs, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{bias}, ValueRange{empty}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

/// The named linalg convolution of padded `x` [N, C, ...] and `weight`
/// [F, C/G, K...] that ONNX's layouts already are: conv_{1,2,3}d_nc*_fc*
/// for one group, depthwise_conv_*_nc*_c* for one filter per channel,
/// conv_2d_ngchw_gfchw for other groups of 2-D windows. Null when none
/// fits (element types that differ, grouped 1-D or 3-D windows).
Value namedConvolution(OpBuilder &b, Location loc, Value x, Value weight,
                       Value bias, RankedTensorType resultType, int64_t groups,
                       const Window &w, Value zero) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(weight.getType());
  Type element = resultType.getElementType();
  int64_t spatial = xType.getRank() - 2;
  if (xType.getElementType() != element || wType.getElementType() != element ||
      spatial < 1 || spatial > 3)
    return Value();
  int64_t c = xType.getDimSize(1), f = wType.getDimSize(0);
  if (groups == 1) {
    Value init = accumulatorStart(b, loc, bias, resultType, {1}, zero, x);
    if (spatial == 1)
      return createWindowOp<linalg::Conv1DNcwFcwOp>(b, loc, x, weight, init, w);
    if (spatial == 2)
      return createWindowOp<linalg::Conv2DNchwFchwOp>(b, loc, x, weight, init,
                                                       w);
    return createWindowOp<linalg::Conv3DNcdhwFcdhwOp>(b, loc, x, weight, init,
                                                       w);
  }
  if (groups == c && f == c) {
    // Depthwise: the filter [C, 1, K...] as [C, K...].
    SmallVector<int64_t> filterShape = {c};
    filterShape.append(wType.getShape().begin() + 2, wType.getShape().end());
    Value filter = reshapeToStatic(b, loc, weight,
                                   RankedTensorType::get(filterShape, element));
    Value init = accumulatorStart(b, loc, bias, resultType, {1}, zero, x);
    if (spatial == 1)
      return createWindowOp<linalg::DepthwiseConv1DNcwCwOp>(b, loc, x, filter,
                                                            init, w);
    if (spatial == 2)
      return createWindowOp<linalg::DepthwiseConv2DNchwChwOp>(b, loc, x,
                                                              filter, init, w);
    return createWindowOp<linalg::DepthwiseConv3DNcdhwCdhwOp>(b, loc, x, filter,
                                                              init, w);
  }
  if (spatial != 2)
    return Value();
  // Grouped: [N, G, C/G, H, W] * [G, F/G, C/G, KH, KW] -> [N, G, F/G, OH, OW].
  int64_t n = xType.getDimSize(0), cg = c / groups, fg = f / groups;
  auto grouped = [&](Value v, SmallVector<int64_t> shape) {
    return reshapeToStatic(b, loc, v, RankedTensorType::get(shape, element));
  };
  Value gx = grouped(x, {n, groups, cg, xType.getDimSize(2),
                         xType.getDimSize(3)});
  Value gw = grouped(weight, {groups, fg, cg, wType.getDimSize(2),
                              wType.getDimSize(3)});
  auto yType = RankedTensorType::get({n, groups, fg, resultType.getDimSize(2),
                                      resultType.getDimSize(3)},
                                     element);
  Value start = accumulatorStart(
      b, loc, bias ? grouped(bias, {groups, fg}) : Value(), yType, {1, 2},
      zero, x);
  Value y =
      createWindowOp<linalg::Conv2DNgchwGfchwOp>(b, loc, gx, gw, start, w);
  return reshapeToStatic(b, loc, y, resultType);
}

} // namespace

Value smelt::detail::buildConvolution(OpBuilder &rewriter, Location loc,
                                      Operation *op, Value input,
                                      Value weight, Value bias,
                                      RankedTensorType resultType,
                                      bool named) {
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  auto weightType = dyn_cast<RankedTensorType>(weight.getType());
  // Any batch; the other dimensions static.
  if (!inputType || !weightType || !resultType ||
      !isStaticPastBatch(inputType) || !isStaticPastBatch(resultType) ||
      !weightType.hasStaticShape() ||
      inputType.getElementType() != resultType.getElementType())
    return Value();
  int64_t spatial = inputType.getRank() - 2;
  auto groupAttr = op->getAttrOfType<IntegerAttr>("group");
  int64_t groups = groupAttr ? groupAttr.getInt() : 1;
  int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1);
  int64_t m = weightType.getDimSize(0);
  if (groups < 1 || c % groups || m % groups ||
      weightType.getDimSize(1) != c / groups)
    return Value();
  Window w;
  w.kernel.assign(weightType.getShape().begin() + 2,
                  weightType.getShape().end());
  if (failed(computeWindow(op, inputType, resultType, w)))
    return Value();
  Type element = inputType.getElementType();
  bool isFloat = isa<FloatType>(element);
  Value zero = createScalarConstant(rewriter, loc, element, 0.0);
  Value x = padSpatial(rewriter, loc, input, w.padBegin, w.padEnd, zero);
  if (named)
    if (Value y = namedConvolution(rewriter, loc, x, weight, bias, resultType,
                                   groups, w, zero))
      return y;

  // Split channels into groups.
  int64_t cg = c / groups, mg = m / groups;
  auto xType = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> xShape = {n, groups, cg};
  xShape.append(xType.getShape().begin() + 2, xType.getShape().end());
  x = reshapeToStatic(rewriter, loc, x, RankedTensorType::get(xShape, element));
  SmallVector<int64_t> wShape = {groups, mg, cg};
  wShape.append(w.kernel.begin(), w.kernel.end());
  Value weights = reshapeToStatic(rewriter, loc, weight,
                                  RankedTensorType::get(wShape, element));
  SmallVector<int64_t> yShape = {n, groups, mg};
  yShape.append(resultType.getShape().begin() + 2, resultType.getShape().end());
  auto yType = RankedTensorType::get(yShape, element);

  // The accumulator starts at the bias (or zero).
  Value init;
  if (bias) {
    Value grouped = reshapeToStatic(
        rewriter, loc, bias, RankedTensorType::get({groups, mg}, element));
    int64_t rank = yType.getRank();
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0,
                       {rewriter.getAffineDimExpr(1),
                        rewriter.getAffineDimExpr(2)},
                       rewriter.getContext()),
        rewriter.getMultiDimIdentityMap(rank)};
    Value empty = emptyTensor(rewriter, loc, yType, [&](int64_t) {
      return batchOf(rewriter, loc, input);
    });
    init = linalg::GenericOp::create(
               rewriter, loc, TypeRange{yType}, ValueRange{grouped},
               ValueRange{empty}, maps,
               SmallVector<utils::IteratorType>(rank,
                                                utils::IteratorType::parallel),
               [](OpBuilder &b, Location l, ValueRange args) {
                 linalg::YieldOp::create(b, l, args[0]);
               })
               .getResult(0);
  } else {
    Value empty = emptyTensor(rewriter, loc, yType, [&](int64_t) {
      return batchOf(rewriter, loc, input);
    });
    init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  }

  // Iteration: n, g, m (parallel), c, k_1..k_k (reduction), o_1..o_k
  // (parallel). The output positions are innermost: once lowered to loops,
  // the innermost loop walks contiguous outputs with one weight, which
  // LLVM vectorizes; each output still sums its (c, k) terms in order.
  MLIRContext *ctx = rewriter.getContext();
  int64_t dims = 3 + spatial + 1 + spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  int64_t cDim = 3, kDim0 = 4, oDim0 = 4 + spatial;
  SmallVector<AffineExpr> xExprs = {d(0), d(1), d(cDim)};
  SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cDim)};
  SmallVector<AffineExpr> yExprs = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < spatial; ++i) {
    xExprs.push_back(d(oDim0 + i) * w.strides[i] +
                     d(kDim0 + i) * w.dilations[i]);
    wExprs.push_back(d(kDim0 + i));
    yExprs.push_back(d(oDim0 + i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, xExprs, ctx),
                                 AffineMap::get(dims, 0, wExprs, ctx),
                                 AffineMap::get(dims, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);
  iterators.append(spatial, utils::IteratorType::parallel);
  Value y = linalg::GenericOp::create(
                rewriter, loc, TypeRange{yType}, ValueRange{x, weights},
                ValueRange{init}, maps, iterators,
                [isFloat](OpBuilder &b, Location l, ValueRange args) {
                  Value sum;
                  if (isFloat)
                    sum = arith::AddFOp::create(
                        b, l, args[2],
                        arith::MulFOp::create(b, l, args[0], args[1]));
                  else
                    sum = arith::AddIOp::create(
                        b, l, args[2],
                        arith::MulIOp::create(b, l, args[0], args[1]));
                  linalg::YieldOp::create(b, l, sum);
                })
                .getResult(0);
  return reshapeToStatic(rewriter, loc, y, resultType);
}

namespace {

struct ConvLowering : OpConversionPattern<smelt::onnx::ConvOp> {
  ConvLowering(const TypeConverter &converter, MLIRContext *ctx, bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getY().getType());
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    if (!resultType || !inputType ||
        !isa<FloatType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs ranked float shapes");
    Value y = buildConvolution(rewriter, op.getLoc(), op, adaptor.getX(),
                               adaptor.getW(), adaptor.getB(), resultType,
                               namedOps);
    if (!y)
      return rewriter.notifyMatchFailure(
          op, "needs static shapes past the batch, consistent groups and "
              "window attributes");
    rewriter.replaceOp(op, y);
    return success();
  }

  bool namedOps;
};

/// ConvTranspose whose kernel equals its stride (dilation 1): the windows
/// tile the output without overlap, so each output takes exactly one tap:
///   y[n, g, f, i * s + k] = sum_c x[n, g, c, i] * w[g, c, f, k] (+ bias).
/// That is a contraction into [N, G, F/G, K..., I...], whose innermost
/// dimension reads the input contiguously (so it takes the CPU's vector
/// kernel), followed by a transpose that interleaves (I, K) pairs and a crop
/// for the pads. Null when the op is not of that form.
Value lowerTiledConvTranspose(OpBuilder &b, Location loc, Value x,
                              Value weights, Value bias,
                              RankedTensorType resultType, int64_t groups,
                              ArrayRef<int64_t> kernel,
                              ArrayRef<int64_t> strides,
                              ArrayRef<int64_t> dilations,
                              ArrayRef<int64_t> padBegin) {
  auto inputType = cast<RankedTensorType>(x.getType());
  int64_t spatial = kernel.size();
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = inputType.getDimSize(2 + i);
    if (kernel[i] != strides[i] || dilations[i] != 1 || padBegin[i] < 0 ||
        padBegin[i] + resultType.getDimSize(2 + i) > in * strides[i])
      return Value();
  }
  Type element = inputType.getElementType();
  int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1);
  int64_t cg = c / groups;
  int64_t mg = cast<RankedTensorType>(weights.getType()).getDimSize(2);
  ArrayRef<int64_t> in = inputType.getShape().drop_front(2);
  SmallVector<int64_t> xShape = {n, groups, cg};
  xShape.append(in.begin(), in.end());
  x = reshapeToStatic(b, loc, x, RankedTensorType::get(xShape, element));
  SmallVector<int64_t> tShape = {n, groups, mg};
  tShape.append(kernel.begin(), kernel.end());
  tShape.append(in.begin(), in.end());
  auto tType = RankedTensorType::get(tShape, element);
  int64_t tRank = tType.getRank();
  MLIRContext *ctx = b.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };

  // The accumulator starts at the bias (or zero).
  Value empty = tensor::EmptyOp::create(b, loc, tShape, element);
  Value init;
  if (bias) {
    Value grouped = reshapeToStatic(
        b, loc, bias, RankedTensorType::get({groups, mg}, element));
    SmallVector<AffineMap> maps = {AffineMap::get(tRank, 0, {d(1), d(2)}, ctx),
                                   b.getMultiDimIdentityMap(tRank)};
    init = linalg::GenericOp::create(
               b, loc, TypeRange{tType}, ValueRange{grouped}, ValueRange{empty},
               maps,
               SmallVector<utils::IteratorType>(tRank,
                                                utils::IteratorType::parallel),
               [](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, args[0]);
               })
               .getResult(0);
  } else {
    init = linalg::FillOp::create(
               b, loc, createScalarConstant(b, loc, element, 0.0), empty)
               .getResult(0);
  }

  // Iteration: n, g, f, k..., i... (parallel), c (reduction).
  int64_t cDim = tRank;
  SmallVector<AffineExpr> xExprs = {d(0), d(1), d(cDim)};
  SmallVector<AffineExpr> wExprs = {d(1), d(cDim), d(2)};
  SmallVector<AffineExpr> tExprs;
  for (int64_t i = 0; i < tRank; ++i)
    tExprs.push_back(d(i));
  for (int64_t i = 0; i < spatial; ++i) {
    xExprs.push_back(d(3 + spatial + i));
    wExprs.push_back(d(3 + i));
  }
  SmallVector<utils::IteratorType> iterators(tRank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value t = linalg::GenericOp::create(
                b, loc, TypeRange{tType}, ValueRange{x, weights},
                ValueRange{init},
                {AffineMap::get(cDim + 1, 0, xExprs, ctx),
                 AffineMap::get(cDim + 1, 0, wExprs, ctx),
                 AffineMap::get(cDim + 1, 0, tExprs, ctx)},
                iterators,
                [](OpBuilder &nb, Location l, ValueRange args) {
                  Value product =
                      arith::MulFOp::create(nb, l, args[0], args[1]);
                  linalg::YieldOp::create(
                      nb, l,
                      Value(arith::AddFOp::create(nb, l, args[2], product)));
                })
                .getResult(0);

  // [N, G, F/G, K..., I...] -> [N, G, F/G, I1, K1, I2, K2, ...] -> the
  // uncropped output [N, F, I1*K1, ...].
  SmallVector<int64_t> perm = {0, 1, 2}, pShape = {n, groups, mg};
  SmallVector<int64_t> full = {n, groups * mg};
  for (int64_t i = 0; i < spatial; ++i) {
    perm.push_back(3 + spatial + i);
    perm.push_back(3 + i);
    pShape.push_back(in[i]);
    pShape.push_back(kernel[i]);
    full.push_back(in[i] * kernel[i]);
  }
  Value interleaved =
      linalg::TransposeOp::create(
          b, loc, t, tensor::EmptyOp::create(b, loc, pShape, element), perm)
          .getResult()[0];
  Value y = reshapeToStatic(b, loc, interleaved,
                            RankedTensorType::get(full, element));
  if (RankedTensorType::get(full, element) == resultType)
    return y;
  SmallVector<OpFoldResult> offsets(2, b.getIndexAttr(0)), sizes, steps;
  for (int64_t i = 0; i < spatial; ++i)
    offsets.push_back(b.getIndexAttr(padBegin[i]));
  for (int64_t dim : resultType.getShape()) {
    sizes.push_back(b.getIndexAttr(dim));
    steps.push_back(b.getIndexAttr(1));
  }
  return tensor::ExtractSliceOp::create(b, loc, resultType, y, offsets, sizes,
                                        steps);
}

/// ConvTranspose as a gather: each output position sums, over input
/// channels and kernel taps, the inputs i with i * stride + k * dilation -
/// padBegin == o (where that i exists).
struct ConvTransposeLowering
    : OpConversionPattern<smelt::onnx::ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto weightType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getY().getType());
    if (!inputType || !weightType || !resultType ||
        !inputType.hasStaticShape() || !weightType.hasStaticShape() ||
        inputType.getRank() < 3 ||
        !isa<FloatType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    Location loc = op.getLoc();
    int64_t spatial = inputType.getRank() - 2;
    int64_t groups = op.getGroup();
    int64_t c = inputType.getDimSize(1);
    int64_t mg = weightType.getDimSize(1);
    if (groups < 1 || c % groups || weightType.getDimSize(0) != c)
      return rewriter.notifyMatchFailure(op, "inconsistent groups");
    int64_t cg = c / groups;
    SmallVector<int64_t> kernel(weightType.getShape().begin() + 2,
                                weightType.getShape().end());
    SmallVector<int64_t> strides = intsOf(op.getStridesAttr(), spatial, 1);
    SmallVector<int64_t> dilations = intsOf(op.getDilationsAttr(), spatial, 1);
    SmallVector<int64_t> pads = intsOf(op.getPadsAttr(), 2 * spatial, 0);
    SmallVector<int64_t> outPad = intsOf(op.getOutputPaddingAttr(), spatial, 0);
    StringRef autoPad = op.getAutoPad();
    SmallVector<int64_t> padBegin(spatial);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputType.getDimSize(2 + i);
      int64_t out = resultType.getDimSize(2 + i);
      int64_t total = strides[i] * (in - 1) + outPad[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - out;
      if (op.getPadsAttr() && autoPad == "NOTSET")
        padBegin[i] = pads[i];
      else if (autoPad == "SAME_UPPER")
        padBegin[i] = total / 2;
      else if (autoPad == "VALID")
        padBegin[i] = 0;
      else
        padBegin[i] = total - total / 2;
    }
    Type element = inputType.getElementType();
    int64_t n = inputType.getDimSize(0);
    Value x = adaptor.getX();
    SmallVector<int64_t> wShape = {groups, cg, mg};
    wShape.append(kernel.begin(), kernel.end());
    Value weights = reshapeToStatic(rewriter, loc, adaptor.getW(),
                                    RankedTensorType::get(wShape, element));
    if (Value tiled = lowerTiledConvTranspose(
            rewriter, loc, x, weights, adaptor.getB(), resultType, groups,
            kernel, strides, dilations, padBegin)) {
      rewriter.replaceOp(op, tiled);
      return success();
    }
    SmallVector<int64_t> yShape = {n, groups, mg};
    yShape.append(resultType.getShape().begin() + 2,
                  resultType.getShape().end());
    auto yType = RankedTensorType::get(yShape, element);
    Value zero = createScalarConstant(rewriter, loc, element, 0.0);
    Value init = linalg::FillOp::create(
                     rewriter, loc, zero,
                     Value(tensor::EmptyOp::create(rewriter, loc,
                                                   yType.getShape(), element)))
                     .getResult(0);
    MLIRContext *ctx = rewriter.getContext();
    // Iteration: n, g, m, o... (parallel), c, k... (reduction).
    int64_t dims = 3 + spatial + 1 + spatial;
    int64_t cDim = 3 + spatial, kDim0 = 4 + spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> wExprs = {d(1), d(cDim), d(2)};
    SmallVector<AffineExpr> yExprs = {d(0), d(1), d(2)};
    for (int64_t i = 0; i < spatial; ++i) {
      wExprs.push_back(d(kDim0 + i));
      yExprs.push_back(d(3 + i));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, wExprs, ctx),
                                   AffineMap::get(dims, 0, yExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(3 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{yType}, ValueRange{weights},
            ValueRange{init}, maps, iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              auto idx = [&](int64_t i) -> Value {
                return linalg::IndexOp::create(b, l, i);
              };
              auto cst = [&](int64_t v) -> Value {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              Value valid = arith::ConstantOp::create(b, l, b.getBoolAttr(true));
              Value channel = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, idx(1), cst(cg)), idx(cDim));
              SmallVector<Value> at = {idx(0), channel};
              for (int64_t i = 0; i < spatial; ++i) {
                // num = o + padBegin - k * dilation, as a signed index.
                Value num = arith::SubIOp::create(
                    b, l, arith::AddIOp::create(b, l, idx(3 + i), cst(padBegin[i])),
                    arith::MulIOp::create(b, l, idx(kDim0 + i), cst(dilations[i])));
                Value nonNegative = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::sge, num, cst(0));
                Value safe = arith::SelectOp::create(b, l, nonNegative, num, cst(0));
                Value divisible = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq,
                    arith::RemUIOp::create(b, l, safe, cst(strides[i])), cst(0));
                Value in = arith::DivUIOp::create(b, l, safe, cst(strides[i]));
                Value inRange = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::slt, in,
                    cst(inputType.getDimSize(2 + i)));
                valid = arith::AndIOp::create(
                    b, l, valid,
                    arith::AndIOp::create(
                        b, l, nonNegative,
                        arith::AndIOp::create(b, l, divisible, inRange)));
                at.push_back(arith::SelectOp::create(b, l, inRange, in, cst(0)));
              }
              Value xv = tensor::ExtractOp::create(b, l, x, at);
              Value sum = arith::AddFOp::create(
                  b, l, args[1], arith::MulFOp::create(b, l, xv, args[0]));
              linalg::YieldOp::create(
                  b, l, Value(arith::SelectOp::create(b, l, valid, sum, args[1])));
            })
            .getResult(0);
    Value result = reshapeToStatic(rewriter, loc, y, resultType);
    if (Value bias = adaptor.getB())
      result = buildBroadcastElementwise(
          rewriter, loc, resultType,
          ValueRange{result, perChannel(rewriter, loc, bias,
                                        resultType.getRank())},
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::AddFOp::create(b, l, a[0], a[1]);
          });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void smelt::populateONNXConvToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options) {
  patterns.add<ConvTransposeLowering>(converter, patterns.getContext());
  patterns.add<ConvLowering>(converter, patterns.getContext(),
                             options.namedOps);
}
