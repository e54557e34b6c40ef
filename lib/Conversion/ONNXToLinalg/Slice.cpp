//===- Slice.cpp - onnx slices and pads to linalg -------------------------===//
//
// Slice, Split and Pad: a strided window of the input, consecutive
// windows of it, or the input inside a border (constant, reflected or
// repeated edge). Offsets and steps come from constant operands, or are
// read when the model runs.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "DataMovementUtils.h"
#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// A Slice's starts, ends and (where given) axes and steps, when all are
/// constants.
bool constantBounds(smelt::onnx::SliceOp::Adaptor adaptor,
                    std::optional<SmallVector<int64_t>> &starts,
                    std::optional<SmallVector<int64_t>> &ends,
                    std::optional<SmallVector<int64_t>> &axes,
                    std::optional<SmallVector<int64_t>> &steps) {
  starts = getConstantInts(adaptor.getStarts());
  ends = getConstantInts(adaptor.getEnds());
  if (Value v = adaptor.getAxes())
    axes = getConstantInts(v);
  if (Value v = adaptor.getSteps())
    steps = getConstantInts(v);
  return starts && ends && (!adaptor.getAxes() || axes) &&
         (!adaptor.getSteps() || steps);
}

struct SliceLowering : OpConversionPattern<smelt::onnx::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = staticResult(
        *getTypeConverter(), op, 0, ValueRange{adaptor.getData()});
    if (!resultType)
      return lowerAlongStaticAxes(op, adaptor, rewriter);
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t rank = type.getRank();
    std::optional<SmallVector<int64_t>> starts, ends, axes, steps;
    if (!constantBounds(adaptor, starts, ends, axes, steps))
      return lowerWithRuntimeOperands(op, adaptor, rewriter, resultType);
    SmallVector<int64_t> offset(rank, 0), stride(rank, 1);
    for (size_t i = 0; i < starts->size(); ++i) {
      int64_t axis = normalizeAxis(axes ? (*axes)[i] : i, rank);
      if (axis < 0 || axis >= rank)
        return rewriter.notifyMatchFailure(op, "axis out of range");
      int64_t dim = type.getDimSize(axis);
      int64_t step = steps ? (*steps)[i] : 1;
      if (step == 0)
        return rewriter.notifyMatchFailure(op, "zero step");
      int64_t start = (*starts)[i];
      if (start < 0)
        start += dim;
      start = step > 0 ? std::clamp<int64_t>(start, 0, dim)
                       : std::clamp<int64_t>(start, 0, dim - 1);
      offset[axis] = start;
      stride[axis] = step;
    }
    Value data = adaptor.getData();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src;
                           for (int64_t d = 0; d < rank; ++d) {
                             Value scaled = arith::MulIOp::create(
                                 b, l, idx[d], indexConstant(b, l, stride[d]));
                             src.push_back(arith::AddIOp::create(
                                 b, l, scaled, indexConstant(b, l, offset[d])));
                           }
                           return tensor::ExtractOp::create(b, l, data, src);
                         }));
    return success();
  }

  /// Data with dimensions known only at run time (a dynamic batch), sliced
  /// with constant bounds along static axes: a `tensor.extract_slice` (a
  /// view once bufferized), the other dimensions whole.
  LogicalResult lowerAlongStaticAxes(smelt::onnx::SliceOp op,
                                     OpAdaptor adaptor,
                                     ConversionPatternRewriter &rewriter) const {
    Value data = adaptor.getData();
    auto type = dyn_cast<RankedTensorType>(data.getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    int64_t rank = type.getRank();
    std::optional<SmallVector<int64_t>> starts, ends, axes, steps;
    if (!constantBounds(adaptor, starts, ends, axes, steps) ||
        starts->size() != ends->size() ||
        (axes && axes->size() != starts->size()) ||
        (steps && steps->size() != starts->size()))
      return rewriter.notifyMatchFailure(
          op, "needs static shapes, or constant bounds on a dynamic input");
    SmallVector<int64_t> shape(type.getShape()), offset(rank, 0),
        stride(rank, 1);
    SmallVector<bool> sliced(rank, false);
    for (size_t i = 0; i < starts->size(); ++i) {
      int64_t axis = normalizeAxis(axes ? (*axes)[i] : i, rank);
      if (axis < 0 || axis >= rank || sliced[axis])
        return rewriter.notifyMatchFailure(op, "axis out of range or repeated");
      int64_t dim = type.getDimSize(axis);
      int64_t step = steps ? (*steps)[i] : 1;
      if (ShapedType::isDynamic(dim) || step <= 0)
        return rewriter.notifyMatchFailure(
            op, "slices a dimension known only at run time, or backwards");
      int64_t start = (*starts)[i], end = (*ends)[i];
      start = std::clamp<int64_t>(start < 0 ? start + dim : start, 0, dim);
      end = std::clamp<int64_t>(end < 0 ? end + dim : end, 0, dim);
      int64_t size = end > start ? 1 + (end - start - 1) / step : 0;
      // An empty slice starts at 0: an offset at the end is out of bounds.
      offset[axis] = size ? start : 0;
      stride[axis] = step;
      shape[axis] = size;
      sliced[axis] = true;
    }
    auto sliceType = RankedTensorType::get(shape, type.getElementType());
    RankedTensorType declared =
        getRankedTensorType(*getTypeConverter(), op->getResult(0).getType());
    if (declared && (declared.getRank() != sliceType.getRank() ||
                     failed(verifyCompatibleShape(declared, sliceType))))
      return rewriter.notifyMatchFailure(
          op, "the slice's shape differs from the declared one");
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, data);
    for (int64_t d = 0; d < rank; ++d)
      if (sliced[d])
        sizes[d] = rewriter.getIndexAttr(shape[d]);
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, sliceType, data, getAsIndexOpFoldResult(getContext(), offset),
        sizes, getAsIndexOpFoldResult(getContext(), stride));
    if (declared && declared != sliceType)
      slice = tensor::CastOp::create(rewriter, loc, declared, slice);
    rewriter.replaceOp(op, slice);
    return success();
  }

  /// Starts, axes or steps known only when the model runs (graph inputs):
  /// the per-dim offset and step are computed from them before the loop;
  /// the result shape is known, so the ends are not needed.
  LogicalResult lowerWithRuntimeOperands(smelt::onnx::SliceOp op,
                                         OpAdaptor adaptor,
                                         ConversionPatternRewriter &rewriter,
                                         RankedTensorType resultType) const {
    Location loc = op.getLoc();
    Value data = adaptor.getData();
    auto type = cast<RankedTensorType>(data.getType());
    int64_t rank = type.getRank();
    auto startsType = dyn_cast<RankedTensorType>(adaptor.getStarts().getType());
    if (!startsType || startsType.getRank() != 1 ||
        !startsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs 1-D starts");
    int64_t count = startsType.getDimSize(0);
    auto readAt = [&](Value tensor, int64_t i) -> Value {
      Value raw = tensor::ExtractOp::create(
          rewriter, loc, tensor,
          ValueRange{indexConstant(rewriter, loc, i)});
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                        raw);
    };
    auto cmp = [&](arith::CmpIPredicate p, Value a, Value b) -> Value {
      return arith::CmpIOp::create(rewriter, loc, p, a, b);
    };
    auto sel = [&](Value c, Value a, Value b) -> Value {
      return arith::SelectOp::create(rewriter, loc, c, a, b);
    };
    using P = arith::CmpIPredicate;
    SmallVector<Value> offset, stride;
    for (int64_t d = 0; d < rank; ++d) {
      offset.push_back(indexConstant(rewriter, loc, 0));
      stride.push_back(indexConstant(rewriter, loc, 1));
    }
    Value zero = indexConstant(rewriter, loc, 0);
    for (int64_t i = 0; i < count; ++i) {
      Value axis = adaptor.getAxes() ? readAt(adaptor.getAxes(), i)
                                     : indexConstant(rewriter, loc, i);
      axis = sel(cmp(P::slt, axis, zero),
                 arith::AddIOp::create(rewriter, loc, axis,
                                       indexConstant(rewriter, loc, rank)),
                 axis);
      Value step = adaptor.getSteps() ? readAt(adaptor.getSteps(), i)
                                      : indexConstant(rewriter, loc, 1);
      Value start = readAt(adaptor.getStarts(), i);
      for (int64_t d = 0; d < rank; ++d) {
        Value dim = indexConstant(rewriter, loc, type.getDimSize(d));
        Value s = sel(cmp(P::slt, start, zero),
                      arith::AddIOp::create(rewriter, loc, start, dim), start);
        // Clamp to [0, dim] going forward, [0, dim - 1] going backward.
        Value forward = cmp(P::sgt, step, zero);
        Value upper = sel(forward, dim,
                          arith::SubIOp::create(rewriter, loc, dim,
                                                indexConstant(rewriter, loc, 1)));
        s = arith::MaxSIOp::create(rewriter, loc, s, zero);
        s = arith::MinSIOp::create(rewriter, loc, s, upper);
        Value here = cmp(P::eq, axis, indexConstant(rewriter, loc, d));
        offset[d] = sel(here, s, offset[d]);
        stride[d] = sel(here, step, stride[d]);
      }
    }
    rewriter.replaceOp(
        op, buildIndexed(rewriter, loc, resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src;
                           for (int64_t d = 0; d < rank; ++d)
                             src.push_back(arith::AddIOp::create(
                                 b, l, offset[d],
                                 arith::MulIOp::create(b, l, idx[d], stride[d])));
                           return tensor::ExtractOp::create(b, l, data, src);
                         }));
    return success();
  }
};

struct SplitLowering : OpConversionPattern<smelt::onnx::SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = type.getRank();
    int64_t axis = normalizeAxis(op.getAxis(), rank);
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value result : op.getOutputs()) {
      RankedTensorType resultType =
          getStaticTensorType(*getTypeConverter(), result.getType());
      if (!resultType)
        return rewriter.notifyMatchFailure(op, "needs static shapes");
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)),
          sizes, strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t d : resultType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), resultType, input, offsets, sizes, strides));
      offset += resultType.getDimSize(axis);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Pad: constant, reflect and edge modes, by where each result element
/// comes from. A constant-mode Pad by constant non-negative amounts is a
/// `tensor.pad` (any dims, dynamic ones included): a fill and a copy of the
/// interior once bufferized, and nothing at all where the pads are zeros
/// (a window attention's pads when the map divides into windows).
struct PadLowering : OpConversionPattern<smelt::onnx::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    if (succeeded(padByConstants(op, adaptor, rewriter)))
      return success();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{data});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(data.getType());
    int64_t rank = type.getRank();
    // Opset 13: pads cover every axis, begins then ends; read when the
    // model runs if they are not constants.
    StringRef mode = op.getMode();
    Location loc = op.getLoc();
    SmallVector<Value> beginValues;
    if (auto pads = getConstantInts(adaptor.getPads())) {
      if (pads->size() != static_cast<size_t>(2 * rank))
        return rewriter.notifyMatchFailure(op, "pads do not cover the axes");
      for (int64_t d = 0; d < rank; ++d)
        beginValues.push_back(indexConstant(rewriter, loc, (*pads)[d]));
    } else {
      for (int64_t d = 0; d < rank; ++d) {
        Value raw = tensor::ExtractOp::create(
            rewriter, loc, adaptor.getPads(),
            ValueRange{indexConstant(rewriter, loc, d)});
        beginValues.push_back(arith::IndexCastOp::create(
            rewriter, loc, rewriter.getIndexType(), raw));
      }
    }
    Value padValue =
        padScalar(rewriter, loc, adaptor, resultType.getElementType());
    rewriter.replaceOp(
        op, buildIndexed(rewriter, loc, resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src;
                           Value inside;
                           for (int64_t d = 0; d < rank; ++d) {
                             int64_t dim = type.getDimSize(d);
                             Value i = arith::SubIOp::create(
                                 b, l, idx[d], beginValues[d]);
                             Value zero = indexConstant(b, l, 0);
                             Value last = indexConstant(b, l, dim - 1);
                             Value below = arith::CmpIOp::create(
                                 b, l, arith::CmpIPredicate::slt, i, zero);
                             Value above = arith::CmpIOp::create(
                                 b, l, arith::CmpIPredicate::sgt, i, last);
                             Value out = arith::OrIOp::create(b, l, below, above);
                             Value in = arith::XOrIOp::create(
                                 b, l, out,
                                 arith::ConstantOp::create(b, l,
                                                           b.getBoolAttr(true)));
                             inside = inside ? Value(arith::AndIOp::create(
                                                   b, l, inside, in))
                                             : in;
                             if (mode == "reflect" && dim > 1) {
                               // Mirror without repeating the edge.
                               Value neg = arith::SubIOp::create(b, l, zero, i);
                               i = arith::SelectOp::create(b, l, below, neg, i);
                               Value twice = indexConstant(b, l, 2 * (dim - 1));
                               Value mirrored =
                                   arith::SubIOp::create(b, l, twice, i);
                               i = arith::SelectOp::create(b, l, above,
                                                           mirrored, i);
                             } else {
                               // edge (and constant: any in-range index).
                               i = arith::MaxSIOp::create(b, l, i, zero);
                               i = arith::MinSIOp::create(b, l, i, last);
                             }
                             src.push_back(i);
                           }
                           Value v = tensor::ExtractOp::create(b, l, data, src);
                           if (mode == "constant" && inside)
                             v = arith::SelectOp::create(b, l, inside, v,
                                                         padValue);
                           return v;
                         }));
    return success();
  }

  /// The constant mode's value: the optional third input, or zero.
  static Value padScalar(OpBuilder &b, Location loc, OpAdaptor adaptor,
                         Type element) {
    if (Value cv = adaptor.getConstantValue())
      return tensor::ExtractOp::create(b, loc, cv, ValueRange{});
    return createScalarConstant(b, loc, element, 0.0);
  }

  LogicalResult padByConstants(smelt::onnx::PadOp op, OpAdaptor adaptor,
                               ConversionPatternRewriter &rewriter) const {
    Value data = adaptor.getData();
    auto type = dyn_cast<RankedTensorType>(data.getType());
    std::optional<SmallVector<int64_t>> pads =
        getConstantInts(adaptor.getPads());
    if (!type || op.getMode() != "constant" || !pads ||
        pads->size() != static_cast<size_t>(2 * type.getRank()) ||
        llvm::any_of(*pads, [](int64_t p) { return p < 0; }))
      return failure();
    auto resultType = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    if (!resultType || resultType.getRank() != type.getRank())
      return failure();
    Location loc = op.getLoc();
    Value padded = data;
    if (llvm::any_of(*pads, [](int64_t p) { return p != 0; })) {
      int64_t rank = type.getRank();
      SmallVector<OpFoldResult> low, high;
      SmallVector<int64_t> shape;
      for (int64_t d = 0; d < rank; ++d) {
        low.push_back(rewriter.getIndexAttr((*pads)[d]));
        high.push_back(rewriter.getIndexAttr((*pads)[rank + d]));
        int64_t size = type.getDimSize(d);
        shape.push_back(ShapedType::isDynamic(size)
                            ? size
                            : size + (*pads)[d] + (*pads)[rank + d]);
      }
      padded = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          data, low, high,
          padScalar(rewriter, loc, adaptor, type.getElementType()));
    }
    if (padded.getType() != resultType)
      padded = tensor::CastOp::create(rewriter, loc, resultType, padded);
    rewriter.replaceOp(op, padded);
    return success();
  }
};

} // namespace

void smelt::populateONNXSliceToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<SliceLowering, SplitLowering, PadLowering>(
      converter, patterns.getContext());
}
