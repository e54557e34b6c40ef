//===- DataMovement.cpp - onnx gathers, slices and pads to linalg ---------===//
//
// Ops that only move elements are one linalg.generic over the result whose
// body computes, from linalg.index, where each element comes from and
// reads it with tensor.extract. The result shape is static (ONNX's shape
// inference), so only offsets and steps need the ops' constant operands.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include <cmath>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// result[i...] = body(i...), with the indices as `index` values.
Value buildIndexed(OpBuilder &b, Location loc, RankedTensorType resultType,
                   llvm::function_ref<Value(OpBuilder &, Location, ValueRange)>
                       body) {
  int64_t rank = resultType.getRank();
  Value empty = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                        resultType.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{}, ValueRange{empty},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(rank)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> indices;
               for (int64_t d = 0; d < rank; ++d)
                 indices.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(nb, l, body(nb, l, indices));
             })
      .getResult(0);
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}


int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Checks the shapes every lowering here needs; returns the result type.
RankedTensorType staticResult(const TypeConverter &converter, Operation *op,
                              unsigned result, ValueRange operands) {
  for (Value v : operands) {
    auto t = dyn_cast_or_null<RankedTensorType>(v ? v.getType() : Type());
    if (v && (!t || !t.hasStaticShape()))
      return nullptr;
  }
  return getStaticTensorType(converter, op->getResult(result).getType());
}

struct SliceLowering : OpConversionPattern<smelt::onnx::SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = staticResult(
        *getTypeConverter(), op, 0, ValueRange{adaptor.getData()});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t rank = type.getRank();
    auto starts = getConstantInts(adaptor.getStarts());
    auto ends = getConstantInts(adaptor.getEnds());
    std::optional<SmallVector<int64_t>> axes, steps;
    if (Value v = adaptor.getAxes())
      axes = getConstantInts(v);
    if (Value v = adaptor.getSteps())
      steps = getConstantInts(v);
    if (!starts || !ends || (adaptor.getAxes() && !axes) ||
        (adaptor.getSteps() && !steps))
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

struct GatherLowering : OpConversionPattern<smelt::onnx::GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{data, indices});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t q = cast<RankedTensorType>(indices.getType()).getRank();
    int64_t axis = normalizeAxis(op.getAxis(), dataType.getRank());
    int64_t dim = dataType.getDimSize(axis);
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src(idx.begin(),
                                                  idx.begin() + axis);
                           src.push_back(readIndex(
                               b, l, indices, idx.slice(axis, q), dim));
                           src.append(idx.begin() + axis + q, idx.end());
                           return tensor::ExtractOp::create(b, l, data, src);
                         }));
    return success();
  }
};

struct GatherElementsLowering
    : OpConversionPattern<smelt::onnx::GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{data, indices});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t axis = normalizeAxis(op.getAxis(), dataType.getRank());
    int64_t dim = dataType.getDimSize(axis);
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src(idx.begin(), idx.end());
                           src[axis] = readIndex(b, l, indices, idx, dim);
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
/// comes from.
struct PadLowering : OpConversionPattern<smelt::onnx::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
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
    Type element = resultType.getElementType();
    Value padValue;
    if (Value cv = adaptor.getConstantValue())
      padValue = tensor::ExtractOp::create(rewriter, loc, cv, ValueRange{});
    else
      padValue = createScalarConstant(rewriter, loc, element, 0.0);
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
};

struct ExpandLowering : OpConversionPattern<smelt::onnx::ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{adaptor.getInput()});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    rewriter.replaceOp(op, buildBroadcastElementwise(
                               rewriter, op.getLoc(), resultType,
                               ValueRange{adaptor.getInput()},
                               [](OpBuilder &, Location, ValueRange a) {
                                 return a[0];
                               }));
    return success();
  }
};

struct TileLowering : OpConversionPattern<smelt::onnx::TileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(input.getType());
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> src;
                           for (auto [d, i] : llvm::enumerate(idx))
                             src.push_back(arith::RemUIOp::create(
                                 b, l, i,
                                 indexConstant(b, l, type.getDimSize(d))));
                           return tensor::ExtractOp::create(b, l, input, src);
                         }));
    return success();
  }
};

struct ConstantOfShapeLowering
    : OpConversionPattern<smelt::onnx::ConstantOfShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ConstantOfShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a static result");
    Attribute fill;
    if (auto value = dyn_cast_or_null<DenseElementsAttr>(op.getValueAttr())) {
      if (value.getNumElements() != 1)
        return rewriter.notifyMatchFailure(op, "value must have one element");
      fill = value.bitcast(resultType.getElementType())
                 .getSplatValue<Attribute>();
    } else {
      fill = rewriter.getZeroAttr(resultType.getElementType());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType, SplatElementsAttr::get(resultType, fill));
    return success();
  }
};

struct RangeLowering : OpConversionPattern<smelt::onnx::RangeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::RangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs a static result");
    Location loc = op.getLoc();
    Value start =
        tensor::ExtractOp::create(rewriter, loc, adaptor.getStart(), ValueRange{});
    Value delta =
        tensor::ExtractOp::create(rewriter, loc, adaptor.getDelta(), ValueRange{});
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, loc, resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value i = arith::IndexCastOp::create(
                               b, l, b.getI64Type(), idx[0]);
                           if (isa<FloatType>(element)) {
                             Value f = arith::SIToFPOp::create(b, l, element, i);
                             return arith::AddFOp::create(
                                 b, l, start,
                                 arith::MulFOp::create(b, l, f, delta));
                           }
                           if (element != i.getType())
                             i = arith::TruncIOp::create(b, l, element, i);
                           return arith::AddIOp::create(
                               b, l, start,
                               arith::MulIOp::create(b, l, i, delta));
                         }));
    return success();
  }
};

struct CastLikeLowering : OpConversionPattern<smelt::onnx::CastLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::CastLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{adaptor.getInput()});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type from = elementTypeOf(op.getInput().getType());
    Type to = elementTypeOf(op.getOutput().getType());
    bool supported = true;
    Value result = buildBroadcastElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value v = convertScalar(b, l, a[0], from, to,
                                  resultType.getElementType());
          supported &= v != nullptr;
          return v ? v : a[0];
        });
    if (!supported)
      return rewriter.notifyMatchFailure(op, "unsupported cast");
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct TriluLowering : OpConversionPattern<smelt::onnx::TriluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TriluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType || resultType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "needs static shapes, rank >= 2");
    // k is read when the model runs (it may be a graph input).
    Location loc = op.getLoc();
    Value k;
    if (Value kv = adaptor.getK()) {
      Value raw = tensor::ExtractOp::create(rewriter, loc, kv, ValueRange{});
      k = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                     raw);
    } else {
      k = indexConstant(rewriter, loc, 0);
    }
    bool upper = op.getUpper() != 0;
    int64_t rank = resultType.getRank();
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value row = idx[rank - 2], col = idx[rank - 1];
                           Value diff = arith::SubIOp::create(b, l, col, row);
                           Value keep = arith::CmpIOp::create(
                               b, l,
                               upper ? arith::CmpIPredicate::sge
                                     : arith::CmpIPredicate::sle,
                               diff, k);
                           Value v = tensor::ExtractOp::create(b, l, input, idx);
                           return arith::SelectOp::create(
                               b, l, keep, v,
                               createScalarConstant(b, l, element, 0.0));
                         }));
    return success();
  }
};

/// DepthToSpace (DCR and CRD) and SpaceToDepth on NCHW.
template <typename OpTy, bool toSpace>
struct DepthSpaceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    RankedTensorType resultType =
        staticResult(*this->getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType || resultType.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "needs static NCHW");
    int64_t bs = op.getBlocksize();
    bool crd = false;
    if constexpr (toSpace)
      crd = op.getMode() == "CRD";
    int64_t outC = resultType.getDimSize(1);
    int64_t inC = cast<RankedTensorType>(input.getType()).getDimSize(1);
    rewriter.replaceOp(
        op,
        buildIndexed(
            rewriter, op.getLoc(), resultType,
            [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
              auto c = [&](int64_t v) { return indexConstant(b, l, v); };
              Value n = idx[0], ch = idx[1], h = idx[2], w = idx[3];
              Value bsV = c(bs);
              if (toSpace) {
                // out[n, ch, h, w] = in[n, channel(ch, h % bs, w % bs), h / bs, w / bs]
                Value bh = arith::RemUIOp::create(b, l, h, bsV);
                Value bw = arith::RemUIOp::create(b, l, w, bsV);
                Value ih = arith::DivUIOp::create(b, l, h, bsV);
                Value iw = arith::DivUIOp::create(b, l, w, bsV);
                Value block = arith::AddIOp::create(
                    b, l, arith::MulIOp::create(b, l, bh, bsV), bw);
                Value src;
                if (crd)
                  src = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, ch, c(bs * bs)), block);
                else
                  src = arith::AddIOp::create(
                      b, l, arith::MulIOp::create(b, l, block, c(outC)), ch);
                return tensor::ExtractOp::create(b, l, input,
                                                 ValueRange{n, src, ih, iw});
              }
              // SpaceToDepth: out[n, ch, h, w] with ch = block * inC + c.
              Value block = arith::DivUIOp::create(b, l, ch, c(inC));
              Value ic = arith::RemUIOp::create(b, l, ch, c(inC));
              Value bh = arith::DivUIOp::create(b, l, block, bsV);
              Value bw = arith::RemUIOp::create(b, l, block, bsV);
              Value ih = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, h, bsV), bh);
              Value iw = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, w, bsV), bw);
              return tensor::ExtractOp::create(b, l, input,
                                               ValueRange{n, ic, ih, iw});
            }));
    return success();
  }
};

struct EyeLikeLowering : OpConversionPattern<smelt::onnx::EyeLikeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::EyeLikeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getOutput().getType());
    if (!resultType || resultType.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "needs a static 2-D result");
    int64_t k = op.getK();
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value diff = arith::SubIOp::create(b, l, idx[1], idx[0]);
                           Value on = arith::CmpIOp::create(
                               b, l, arith::CmpIPredicate::eq, diff,
                               indexConstant(b, l, k));
                           return arith::SelectOp::create(
                               b, l, on, createScalarConstant(b, l, element, 1),
                               createScalarConstant(b, l, element, 0));
                         }));
    return success();
  }
};

struct OneHotLowering : OpConversionPattern<smelt::onnx::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value indices = adaptor.getIndices(), values = adaptor.getValues();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{indices, values});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t rank = resultType.getRank();
    int64_t axis = normalizeAxis(op.getAxis(), rank);
    int64_t depth = resultType.getDimSize(axis);
    Location loc = op.getLoc();
    Value off = tensor::ExtractOp::create(rewriter, loc, values,
                                          ValueRange{indexConstant(rewriter, loc, 0)});
    Value on = tensor::ExtractOp::create(rewriter, loc, values,
                                         ValueRange{indexConstant(rewriter, loc, 1)});
    bool isFloatIndex = isa<FloatType>(
        cast<RankedTensorType>(indices.getType()).getElementType());
    rewriter.replaceOp(
        op, buildIndexed(rewriter, loc, resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           SmallVector<Value> at(idx.begin(), idx.end());
                           at.erase(at.begin() + axis);
                           Value raw = tensor::ExtractOp::create(b, l, indices, at);
                           if (isFloatIndex)
                             raw = arith::FPToSIOp::create(b, l, b.getI64Type(), raw);
                           Value index = arith::IndexCastOp::create(
                               b, l, b.getIndexType(), raw);
                           Value negative = arith::CmpIOp::create(
                               b, l, arith::CmpIPredicate::slt, index,
                               indexConstant(b, l, 0));
                           index = arith::SelectOp::create(
                               b, l, negative,
                               arith::AddIOp::create(b, l, index,
                                                     indexConstant(b, l, depth)),
                               index);
                           Value hit = arith::CmpIOp::create(
                               b, l, arith::CmpIPredicate::eq, index, idx[axis]);
                           return arith::SelectOp::create(b, l, hit, on, off);
                         }));
    return success();
  }
};

struct GatherNDLowering : OpConversionPattern<smelt::onnx::GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::GatherNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{data, indices});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t q = indicesType.getRank();
    int64_t k = indicesType.getDimSize(q - 1);
    int64_t batch = op.getBatchDims();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           // idx = batch..., other index dims..., slice dims...
                           SmallVector<Value> src(idx.begin(), idx.begin() + batch);
                           SmallVector<Value> where(idx.begin(),
                                                    idx.begin() + (q - 1));
                           where.push_back(Value());
                           for (int64_t i = 0; i < k; ++i) {
                             where.back() = indexConstant(b, l, i);
                             src.push_back(readIndex(
                                 b, l, indices, where,
                                 dataType.getDimSize(batch + i)));
                           }
                           src.append(idx.begin() + (q - 1), idx.end());
                           return tensor::ExtractOp::create(b, l, data, src);
                         }));
    return success();
  }
};

/// The integer factor k of each dimension when a nearest Resize reads
/// input[i floordiv k] along it: the result is k times the input and the
/// coordinate transformation with the rounding lands on q for i = q*k + r.
/// None when some dimension needs the general coordinate arithmetic.
std::optional<SmallVector<int64_t>>
nearestIntegerFactors(smelt::onnx::ResizeOp op, RankedTensorType in,
                      RankedTensorType out, Value scales) {
  StringRef transform = op.getCoordinateTransformationMode();
  StringRef rounding = op.getNearestMode();
  if (op.getMode() != "nearest")
    return std::nullopt;
  std::optional<SmallVector<double>> given;
  if (scales) {
    given = getConstantFloats(scales);
    if (!given || given->size() != static_cast<size_t>(in.getRank()))
      return std::nullopt;
  }
  SmallVector<int64_t> factors;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t n = in.getDimSize(d), m = out.getDimSize(d);
    if (n <= 0 || m % n != 0)
      return std::nullopt;
    int64_t k = m / n;
    if (given && (*given)[d] != static_cast<double>(k))
      return std::nullopt;
    bool roundHalf =
        rounding == "round_prefer_floor" || rounding == "round_prefer_ceil";
    // c = i/k (asymmetric), (i+0.5)/k (tf_half_pixel_for_nn) or
    // (i+0.5)/k - 0.5 (half_pixel): q plus a fraction in [0, 1), (0, 1)
    // or (-0.5, 0.5) respectively.
    bool exact =
        k == 1 ||
        (transform == "asymmetric" &&
         (rounding == "floor" || (rounding == "round_prefer_floor" && k == 2))) ||
        (transform == "tf_half_pixel_for_nn" && rounding == "floor") ||
        ((transform == "half_pixel" ||
          (transform == "pytorch_half_pixel" && m > 1)) &&
         roundHalf);
    if (!exact)
      return std::nullopt;
    factors.push_back(k);
  }
  return factors;
}

/// Resize in nearest and (multi)linear modes. Each output coordinate maps
/// back to the input through the coordinate transformation; nearest rounds
/// it, linear blends the two neighbours along every resized dimension.
struct ResizeLowering : OpConversionPattern<smelt::onnx::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getX();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    StringRef mode = op.getMode();
    StringRef transform = op.getCoordinateTransformationMode();
    StringRef nearestMode = op.getNearestMode();
    if ((mode != "nearest" && mode != "linear" && mode != "cubic") ||
        transform == "tf_crop_and_resize")
      return rewriter.notifyMatchFailure(op, "unsupported mode");
    Type element = type.getElementType();
    if (mode != "nearest" && !isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "interpolation needs floats");
    Location loc = op.getLoc();
    // Scales: read when the model runs if given (they may be a graph input),
    // else the ratio of the known sizes.
    Value scalesTensor = adaptor.getScales();
    if (scalesTensor) {
      auto t = dyn_cast<RankedTensorType>(scalesTensor.getType());
      if (!t || t.getRank() != 1 || t.getDimSize(0) != rank)
        scalesTensor = nullptr;
    }
    // Integer upsampling: an affine read (i floordiv k), which fuses with
    // the elementwise ops around it (smelt-cpu-vectorize-elementwise gives
    // such loops vector code).
    if (auto factors = nearestIntegerFactors(op, type, resultType,
                                             adaptor.getScales())) {
      SmallVector<AffineExpr> read;
      for (int64_t d = 0; d < rank; ++d) {
        AffineExpr e = rewriter.getAffineDimExpr(d);
        read.push_back((*factors)[d] == 1 ? e : e.floorDiv((*factors)[d]));
      }
      MLIRContext *context = rewriter.getContext();
      Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           element);
      auto generic = linalg::GenericOp::create(
          rewriter, loc, resultType, ValueRange{input}, ValueRange{init},
          ArrayRef<AffineMap>{AffineMap::get(rank, 0, read, context),
                              AffineMap::getMultiDimIdentityMap(rank, context)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, args[0]);
          });
      rewriter.replaceOp(op, generic.getResults());
      return success();
    }
    double cubicA = op.getCubicCoeffA().convertToDouble();
    bool excludeOutside = op.getExcludeOutside() != 0;
    rewriter.replaceOp(
        op,
        buildIndexed(
            rewriter, loc, resultType,
            [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
              Type f64 = b.getF64Type();
              auto fc = [&](double v) { return createScalarConstant(b, l, f64, v); };
              SmallVector<Value> coords, scaleValues;
              for (int64_t d = 0; d < rank; ++d) {
                double in = type.getDimSize(d), out = resultType.getDimSize(d);
                Value scale = fc(out / in);
                if (scalesTensor)
                  scale = convertScalar(
                      b, l,
                      tensor::ExtractOp::create(b, l, scalesTensor,
                                                ValueRange{indexConstant(b, l, d)}),
                      b.getF32Type(), f64, f64);
                scaleValues.push_back(scale);
                Value x = arith::SIToFPOp::create(
                    b, l, f64,
                    arith::IndexCastOp::create(b, l, b.getI64Type(), idx[d]));
                Value c;
                if (transform == "align_corners" && scalesTensor) {
                  // The resized length is in * scale, not rounded (as in
                  // ONNX's reference).
                  Value length = arith::MulFOp::create(b, l, fc(in), scale);
                  Value ratio = arith::DivFOp::create(
                      b, l, fc(in - 1), arith::SubFOp::create(b, l, length, fc(1)));
                  c = out == 1 ? fc(0)
                               : Value(arith::MulFOp::create(b, l, x, ratio));
                } else if (transform == "align_corners")
                  c = out == 1 ? fc(0)
                               : Value(arith::MulFOp::create(
                                     b, l, x, fc((in - 1) / (out - 1))));
                else if (transform == "asymmetric")
                  c = arith::DivFOp::create(b, l, x, scale);
                else if (transform == "tf_half_pixel_for_nn")
                  c = arith::DivFOp::create(
                      b, l, arith::AddFOp::create(b, l, x, fc(0.5)), scale);
                else if (transform == "pytorch_half_pixel" && out <= 1)
                  c = fc(0);
                else // half_pixel, pytorch_half_pixel
                  c = arith::SubFOp::create(
                      b, l,
                      arith::DivFOp::create(b, l,
                                            arith::AddFOp::create(b, l, x, fc(0.5)),
                                            scale),
                      fc(0.5));
                coords.push_back(c);
              }
              auto clampIndex = [&](Value f, int64_t dim) -> Value {
                Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
                i = arith::MaxSIOp::create(b, l, i,
                                           createScalarConstant(b, l, b.getI64Type(), 0));
                i = arith::MinSIOp::create(
                    b, l, i, createScalarConstant(b, l, b.getI64Type(), dim - 1));
                return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
              };
              if (mode == "nearest") {
                SmallVector<Value> src;
                for (int64_t d = 0; d < rank; ++d) {
                  Value c = coords[d];
                  Value r;
                  if (nearestMode == "floor")
                    r = math::FloorOp::create(b, l, c);
                  else if (nearestMode == "ceil")
                    r = math::CeilOp::create(b, l, c);
                  else {
                    // Round half down (prefer_floor) or up (prefer_ceil).
                    Value fl = math::FloorOp::create(b, l, c);
                    Value frac = arith::SubFOp::create(b, l, c, fl);
                    Value up = arith::CmpFOp::create(
                        b, l,
                        nearestMode == "round_prefer_ceil"
                            ? arith::CmpFPredicate::OGE
                            : arith::CmpFPredicate::OGT,
                        frac, fc(0.5));
                    r = arith::SelectOp::create(
                        b, l, up, arith::AddFOp::create(b, l, fl, fc(1)), fl);
                  }
                  src.push_back(clampIndex(r, type.getDimSize(d)));
                }
                return tensor::ExtractOp::create(b, l, input, src);
              }
              // Interpolation: taps around floor(c) along each resized dim,
              // 2 for linear, 4 for cubic; the result is their weighted sum.
              bool cubic = mode == "cubic";
              SmallVector<int64_t> offsets =
                  cubic ? SmallVector<int64_t>{-1, 0, 1, 2}
                        : SmallVector<int64_t>{0, 1};
              SmallVector<int64_t> resized;
              SmallVector<SmallVector<Value>> tapIndex(rank), tapWeight(rank);
              for (int64_t d = 0; d < rank; ++d) {
                int64_t in = type.getDimSize(d);
                if (in == resultType.getDimSize(d) && !scalesTensor) {
                  tapIndex[d] = {idx[d]};
                  tapWeight[d] = {fc(1)};
                  continue;
                }
                resized.push_back(d);
                Value c = coords[d];
                if (!cubic) {
                  c = arith::MaximumFOp::create(b, l, c, fc(0));
                  c = arith::MinimumFOp::create(b, l, c, fc(in - 1));
                }
                Value fl = math::FloorOp::create(b, l, c);
                Value t = arith::SubFOp::create(b, l, c, fl);
                SmallVector<Value> weights;
                for (int64_t o : offsets) {
                  Value w;
                  if (!cubic) {
                    w = o == 0 ? Value(arith::SubFOp::create(b, l, fc(1), t)) : t;
                  } else {
                    // Keys' kernel with coefficient A at distance |o - t|.
                    Value dist = math::AbsFOp::create(
                        b, l, arith::SubFOp::create(b, l, fc(o), t));
                    double A = cubicA;
                    Value d2 = arith::MulFOp::create(b, l, dist, dist);
                    Value d3 = arith::MulFOp::create(b, l, d2, dist);
                    if (o == 0 || o == 1) {
                      // (A+2)|x|^3 - (A+3)|x|^2 + 1
                      w = arith::AddFOp::create(
                          b, l,
                          arith::SubFOp::create(
                              b, l, arith::MulFOp::create(b, l, fc(A + 2), d3),
                              arith::MulFOp::create(b, l, fc(A + 3), d2)),
                          fc(1));
                    } else {
                      // A|x|^3 - 5A|x|^2 + 8A|x| - 4A
                      w = arith::SubFOp::create(
                          b, l,
                          arith::AddFOp::create(
                              b, l,
                              arith::SubFOp::create(
                                  b, l, arith::MulFOp::create(b, l, fc(A), d3),
                                  arith::MulFOp::create(b, l, fc(5 * A), d2)),
                              arith::MulFOp::create(b, l, fc(8 * A), dist)),
                          fc(4 * A));
                    }
                  }
                  Value pos = arith::AddFOp::create(b, l, fl, fc(o));
                  if (excludeOutside) {
                    Value inside = arith::AndIOp::create(
                        b, l,
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                                              pos, fc(0)),
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE,
                                              pos, fc(in - 1)));
                    w = arith::SelectOp::create(b, l, inside, w, fc(0));
                  }
                  weights.push_back(w);
                  tapIndex[d].push_back(clampIndex(pos, in));
                }
                if (excludeOutside) {
                  Value total = fc(0);
                  for (Value w : weights)
                    total = arith::AddFOp::create(b, l, total, w);
                  for (Value &w : weights)
                    w = arith::DivFOp::create(b, l, w, total);
                }
                tapWeight[d] = weights;
              }
              Value acc = fc(0);
              int64_t taps = offsets.size();
              int64_t combos = 1;
              for (size_t j = 0; j < resized.size(); ++j)
                combos *= taps;
              for (int64_t combo = 0; combo < combos; ++combo) {
                SmallVector<Value> src;
                for (int64_t d = 0; d < rank; ++d)
                  src.push_back(tapIndex[d][0]);
                Value w = fc(1);
                int64_t rest = combo;
                for (int64_t d : resized) {
                  int64_t tap = rest % taps;
                  rest /= taps;
                  src[d] = tapIndex[d][tap];
                  w = arith::MulFOp::create(b, l, w, tapWeight[d][tap]);
                }
                Value v = tensor::ExtractOp::create(b, l, input, src);
                v = convertScalar(b, l, v, element, f64, f64);
                acc = arith::AddFOp::create(b, l, acc,
                                            arith::MulFOp::create(b, l, v, w));
              }
              return convertScalar(b, l, acc, f64, element, element);
            }));
    return success();
  }
};

/// ReverseSequence: the first sequence_lens[b] steps of each batch entry
/// are reversed along the time axis; the rest stay.
struct ReverseSequenceLowering
    : OpConversionPattern<smelt::onnx::ReverseSequenceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ReverseSequenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput(), lens = adaptor.getSequenceLens();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input, lens});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t batchAxis = op.getBatchAxis(), timeAxis = op.getTimeAxis();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Value len = arith::IndexCastOp::create(
                               b, l, b.getIndexType(),
                               tensor::ExtractOp::create(
                                   b, l, lens, ValueRange{idx[batchAxis]}));
                           Value t = idx[timeAxis];
                           Value inside = arith::CmpIOp::create(
                               b, l, arith::CmpIPredicate::slt, t, len);
                           Value mirrored = arith::SubIOp::create(
                               b, l,
                               arith::SubIOp::create(b, l, len,
                                                     indexConstant(b, l, 1)),
                               t);
                           SmallVector<Value> src(idx.begin(), idx.end());
                           src[timeAxis] =
                               arith::SelectOp::create(b, l, inside, mirrored, t);
                           return tensor::ExtractOp::create(b, l, input, src);
                         }));
    return success();
  }
};

/// Hann, Hamming and Blackman windows: cosine sums over n / N.
template <typename OpTy>
struct WindowLowering : OpConversionPattern<OpTy> {
  WindowLowering(const TypeConverter &converter, MLIRContext *context,
                 ArrayRef<double> coefficients)
      : OpConversionPattern<OpTy>(converter, context),
        coefficients(coefficients) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = getStaticTensorType(
        *this->getTypeConverter(), op.getOutput().getType());
    if (!resultType || resultType.getRank() != 1)
      return rewriter.notifyMatchFailure(op, "needs a static 1-D result");
    int64_t size = resultType.getDimSize(0);
    double n = op.getPeriodic() ? size : size - 1;
    Type element = resultType.getElementType();
    rewriter.replaceOp(
        op, buildIndexed(rewriter, op.getLoc(), resultType,
                         [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
                           Type f64 = b.getF64Type();
                           Value i = arith::IndexCastOp::create(
                               b, l, b.getI64Type(), idx[0]);
                           Value x = arith::SIToFPOp::create(b, l, f64, i);
                           Value angle = arith::MulFOp::create(
                               b, l, x,
                               createScalarConstant(b, l, f64,
                                                    2 * M_PI / (n > 0 ? n : 1)));
                           Value v = createScalarConstant(b, l, f64,
                                                          coefficients[0]);
                           for (size_t c = 1; c < coefficients.size(); ++c) {
                             Value cosine = math::CosOp::create(
                                 b, l,
                                 arith::MulFOp::create(
                                     b, l, angle,
                                     createScalarConstant(b, l, f64, c)));
                             v = arith::AddFOp::create(
                                 b, l, v,
                                 arith::MulFOp::create(
                                     b, l, cosine,
                                     createScalarConstant(b, l, f64,
                                                          coefficients[c])));
                           }
                           return convertScalar(b, l, v, f64, element, element);
                         }));
    return success();
  }
  SmallVector<double> coefficients;
};

} // namespace

void smelt::populateONNXDataMovementToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<SliceLowering, GatherLowering, GatherElementsLowering,
               SplitLowering, PadLowering, ExpandLowering, TileLowering,
               ConstantOfShapeLowering, RangeLowering, CastLikeLowering,
               TriluLowering,
               DepthSpaceLowering<smelt::onnx::DepthToSpaceOp, true>,
               DepthSpaceLowering<smelt::onnx::SpaceToDepthOp, false>,
               EyeLikeLowering, OneHotLowering, GatherNDLowering,
               ResizeLowering, ReverseSequenceLowering>(
      converter, patterns.getContext());
  // ONNX's own coefficients (Hamming: 25/46 and 21/46).
  patterns.add<WindowLowering<smelt::onnx::HannWindowOp>>(
      converter, patterns.getContext(), ArrayRef<double>{0.5, -0.5});
  patterns.add<WindowLowering<smelt::onnx::HammingWindowOp>>(
      converter, patterns.getContext(),
      ArrayRef<double>{25.0 / 46.0, -21.0 / 46.0});
  patterns.add<WindowLowering<smelt::onnx::BlackmanWindowOp>>(
      converter, patterns.getContext(), ArrayRef<double>{0.42, -0.5, 0.08});
}
