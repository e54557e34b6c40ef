//===- Pooling.cpp - onnx pooling to linalg -------------------------------===//
//
// Pooling is a named linalg pooling op over a padded input for float 1-D
// and 2-D windows (NCW, NCHW), else a linalg.generic with any number of
// spatial dimensions, its window an operand that only gives the window
// dimensions their extent. Pads follow auto_pad or the pads attribute,
// and ceil_mode windows that run past the input read extra padding.
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

#include <limits>

using namespace mlir;
using namespace smelt::detail;

namespace {

/// Sums or maximizes `x` (already padded) over windows: [N, C, O...]. With
/// `named`, float 1-D and 2-D windows are linalg.pooling_nc{w,hw}_{max,sum}.
Value poolWindows(OpBuilder &b, Location loc, Value x, const Window &w,
                  RankedTensorType resultType, bool isMax, bool named,
                  bool isUnsigned = false) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = w.kernel.size();
  int64_t dims = 2 + 2 * spatial;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  // Iteration: n, c, the window (reduction), then the outputs innermost, so
  // that once lowered to loops the innermost loop walks a row of outputs
  // with one window offset, which LLVM vectorizes.
  int64_t kDim0 = 2, oDim0 = 2 + spatial;
  SmallVector<AffineExpr> xExprs = {d(0), d(1)}, kExprs, yExprs = {d(0), d(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    xExprs.push_back(d(oDim0 + i) * w.strides[i] +
                     d(kDim0 + i) * w.dilations[i]);
    kExprs.push_back(d(kDim0 + i));
    yExprs.push_back(d(oDim0 + i));
  }
  Type element = resultType.getElementType();
  // The window operand only gives the kernel dimensions their extent.
  Value window = tensor::EmptyOp::create(b, loc, w.kernel, element);
  Value start = isMax ? lowestValue(b, loc, element, isUnsigned)
                      : createScalarConstant(b, loc, element, 0.0);
  Value empty = emptyTensor(b, loc, resultType, [&](int64_t d) -> Value {
    return tensor::DimOp::create(b, loc, x, d);
  });
  Value init = linalg::FillOp::create(b, loc, start, empty).getResult(0);
  if (named && isa<FloatType>(element) && spatial == 1)
    return isMax ? createWindowOp<linalg::PoolingNcwMaxOp>(b, loc, x, window,
                                                           init, w)
                 : createWindowOp<linalg::PoolingNcwSumOp>(b, loc, x, window,
                                                           init, w);
  if (named && isa<FloatType>(element) && spatial == 2)
    return isMax ? createWindowOp<linalg::PoolingNchwMaxOp>(b, loc, x, window,
                                                            init, w)
                 : createWindowOp<linalg::PoolingNchwSumOp>(b, loc, x, window,
                                                            init, w);
  SmallVector<AffineMap> maps = {AffineMap::get(dims, 0, xExprs, ctx),
                                 AffineMap::get(dims, 0, kExprs, ctx),
                                 AffineMap::get(dims, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(2, utils::IteratorType::parallel);
  iterators.append(spatial, utils::IteratorType::reduction);
  iterators.append(spatial, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{x, window},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value v = isMax ? maxOf(nb, l, args[0], args[2], isUnsigned)
                               : Value(arith::AddFOp::create(nb, l, args[0],
                                                             args[2]));
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

struct MaxPoolLowering : OpConversionPattern<smelt::onnx::MaxPoolOp> {
  MaxPoolLowering(const TypeConverter &converter, MLIRContext *ctx,
                  bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getIndices())
      return rewriter.notifyMatchFailure(op, "Indices output not supported");
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getY().getType());
    if (!isStaticPastBatch(inputType) || !isStaticPastBatch(resultType))
      return rewriter.notifyMatchFailure(op,
                                         "needs static shapes past the batch");
    Window w;
    w.kernel = intsOf(op.getKernelShapeAttr(), 0, 1);
    if (failed(computeWindow(op, inputType, resultType, w)))
      return rewriter.notifyMatchFailure(op, "bad window attributes");
    Location loc = op.getLoc();
    Type element = inputType.getElementType();
    bool isUnsigned = isUnsignedElement(op.getX().getType());
    // Padding never wins the maximum.
    Value lowest = lowestValue(rewriter, loc, element, isUnsigned);
    Value x = padSpatial(rewriter, loc, adaptor.getX(), w.padBegin, w.padEnd,
                         lowest);
    rewriter.replaceOp(op, poolWindows(rewriter, loc, x, w, resultType, true,
                                       namedOps, isUnsigned));
    return success();
  }

  bool namedOps;
};

struct AveragePoolLowering : OpConversionPattern<smelt::onnx::AveragePoolOp> {
  AveragePoolLowering(const TypeConverter &converter, MLIRContext *ctx,
                      bool namedOps)
      : OpConversionPattern(converter, ctx), namedOps(namedOps) {}
  LogicalResult
  matchAndRewrite(smelt::onnx::AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getY().getType());
    if (!isStaticPastBatch(inputType) || !isStaticPastBatch(resultType) ||
        !isa<FloatType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "needs float shapes static past the batch");
    Window w;
    w.kernel = intsOf(op.getKernelShapeAttr(), 0, 1);
    if (failed(computeWindow(op, inputType, resultType, w)))
      return rewriter.notifyMatchFailure(op, "bad window attributes");
    Location loc = op.getLoc();
    Type element = inputType.getElementType();
    Value zero = createScalarConstant(rewriter, loc, element, 0.0);
    Value x = padSpatial(rewriter, loc, adaptor.getX(), w.padBegin, w.padEnd,
                         zero);
    Value sums = poolWindows(rewriter, loc, x, w, resultType, false, namedOps);

    // The divisor of each window: its input cells, plus the declared padding
    // when count_include_pad (never the extra padding ceil_mode adds). It
    // depends on the window's position alone, so it is a constant of the
    // output's spatial shape (one value when every window has the same),
    // and each sum is multiplied by its reciprocal.
    SmallVector<int64_t> attrPads =
        intsOf(op.getPadsAttr(), 2 * w.kernel.size(), 0);
    bool explicitPads = op.getAutoPad() == "NOTSET";
    bool includePad = op.getCountIncludePad() != 0;
    size_t spatial = w.kernel.size();
    // Per spatial dimension, the taps of each output position that count.
    SmallVector<SmallVector<int64_t>> taps(spatial);
    for (size_t i = 0; i < spatial; ++i) {
      int64_t declared =
          explicitPads ? attrPads[spatial + i] : w.padEnd[i];
      declared = std::min(declared, w.padEnd[i]);
      int64_t in = inputType.getDimSize(2 + i);
      int64_t low = includePad ? -w.padBegin[i] : 0;
      int64_t high = includePad ? in + declared : in;
      for (int64_t o = 0; o < resultType.getDimSize(2 + i); ++o) {
        int64_t count = 0;
        for (int64_t k = 0; k < w.kernel[i]; ++k) {
          int64_t at = o * w.strides[i] + k * w.dilations[i] - w.padBegin[i];
          count += at >= low && at < high;
        }
        taps[i].push_back(count);
      }
    }
    SmallVector<int64_t> shape(resultType.getShape().drop_front(2));
    SmallVector<Attribute> reciprocals;
    SmallVector<int64_t> at(spatial, 0);
    for (int64_t flat = 0, n = ShapedType::getNumElements(shape); flat < n;
         ++flat) {
      int64_t count = 1;
      for (size_t i = 0; i < spatial; ++i)
        count *= taps[i][at[i]];
      // (A window of padding alone has no cells: ONNX divides by 0.)
      reciprocals.push_back(rewriter.getFloatAttr(
          element, count ? 1.0 / static_cast<double>(count)
                         : std::numeric_limits<double>::infinity()));
      for (size_t i = spatial; i-- > 0;)
        if (++at[i] < shape[i])
          break;
        else
          at[i] = 0;
    }
    bool same = llvm::all_equal(reciprocals);
    auto scaleType =
        RankedTensorType::get(same ? ArrayRef<int64_t>() : ArrayRef(shape),
                              element);
    Value scale = arith::ConstantOp::create(
        rewriter, loc,
        same ? DenseElementsAttr::get(scaleType, reciprocals.front())
             : DenseElementsAttr::get(scaleType, reciprocals));
    Value result = buildBroadcastElementwise(
        rewriter, loc, resultType, ValueRange{sums, scale},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::MulFOp::create(b, l, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  bool namedOps;
};

/// GlobalAveragePool / GlobalMaxPool: a reduction over the spatial dims.
template <typename OpTy, bool isMax>
struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType =
        getRankedTensorType(*this->getTypeConverter(), op.getY().getType());
    if (!inputType || !resultType || inputType.getRank() < 3 ||
        llvm::any_of(inputType.getShape().drop_front(2),
                     ShapedType::isDynamic) ||
        !isa<FloatType>(inputType.getElementType()))
      return rewriter.notifyMatchFailure(
          op, "needs float shapes with static spatial dimensions");
    Location loc = op.getLoc();
    Type element = inputType.getElementType();
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t d = 2; d < inputType.getRank(); ++d) {
      axes.push_back(d);
      count *= inputType.getDimSize(d);
    }
    Value init = isMax ? lowestValue(rewriter, loc, element, false)
                       : createScalarConstant(rewriter, loc, element, 0.0);
    auto combine = [](OpBuilder &b, Location l, Value x, Value acc) -> Value {
      if (isMax)
        return arith::MaximumFOp::create(b, l, x, acc);
      return arith::AddFOp::create(b, l, acc, x);
    };
    // One reduction over every spatial dim: the CPU target merges the
    // loops that every operand reads as one contiguous run (H * W) and
    // vectorizes along that run.
    Value reduced = reduce(rewriter, loc, adaptor.getX(), axes, init, combine);
    if (!isMax) {
      auto reducedType = cast<RankedTensorType>(reduced.getType());
      reduced = buildBroadcastElementwise(
          rewriter, loc, reducedType, ValueRange{reduced},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(
                b, l, args[0], createScalarConstant(b, l, element, count));
          });
    }
    rewriter.replaceOp(op, reshapeToStatic(rewriter, loc, reduced, resultType));
    return success();
  }
};

} // namespace

void smelt::populateONNXPoolingToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    const ONNXToLinalgOptions &options) {
  patterns.add<MaxPoolLowering, AveragePoolLowering>(
      converter, patterns.getContext(), options.namedOps);
  patterns.add<GlobalPoolLowering<smelt::onnx::GlobalAveragePoolOp, false>,
               GlobalPoolLowering<smelt::onnx::GlobalMaxPoolOp, true>>(
      converter, patterns.getContext());
}
