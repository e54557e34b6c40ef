//===- Shape.cpp - onnx constants and data-movement ops to tensor ---------===//
//
// With static result types (from ONNX's shape inference), shape operands
// need not be computed at all: Reshape, Squeeze, Unsqueeze and Flatten all
// become one tensor.reshape to the known result shape, and Shape and Size
// become constants.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// The same elements under a signless element type.
Attribute retypeElements(ElementsAttr value, RankedTensorType type) {
  if (value.getType() == type)
    return value;
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.bitcast(type.getElementType());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(type, resource.getRawHandle());
  return nullptr;
}

struct ConstantLowering : OpConversionPattern<smelt::onnx::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<RankedTensorType>(
        getTypeConverter()->convertType(op.getOutput().getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "needs a ranked result");
    Attribute value;
    if (auto tensor = op.getValueAttr()) {
      value = retypeElements(tensor, type);
    } else if (auto f = op.getValueFloatAttr()) {
      value = DenseElementsAttr::get(type, f);
    } else if (auto i = op.getValueIntAttr()) {
      value = DenseElementsAttr::get(type, i);
    } else if (auto fs = op.getValueFloatsAttr()) {
      value = DenseElementsAttr::get(type, fs.getValue());
    } else if (auto is = op.getValueIntsAttr()) {
      value = DenseElementsAttr::get(type, is.getValue());
    }
    if (!value || isa<smelt::onnx::StringType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported constant value");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

/// Ops that only pass their first operand on (in this form).
struct IdentityLowering : OpConversionPattern<smelt::onnx::IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<RankedTensorType>(adaptor.getInput().getType()))
      return rewriter.notifyMatchFailure(op, "only tensors");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Reshape, Flatten, Squeeze, Unsqueeze: the data keeps its order; only the
/// (known) result shape changes.
class ReshapeLikeLowering : public ConversionPattern {
public:
  ReshapeLikeLowering(const TypeConverter &converter, MLIRContext *context,
                      StringRef opName)
      : ConversionPattern(converter, opName, 1, context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op->getResult(0).getType());
    auto inputType = dyn_cast<RankedTensorType>(operands[0].getType());
    if (!resultType || !inputType)
      return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    Location loc = op->getLoc();
    if (inputType == resultType) {
      rewriter.replaceOp(op, operands[0]);
      return success();
    }
    Value reshaped = reshapeToStatic(rewriter, loc, operands[0], resultType);
    if (!reshaped)
      return rewriter.notifyMatchFailure(
          op, "a dynamic reshape that is not a collapse or expansion of "
              "dimensions");
    rewriter.replaceOp(op, reshaped);
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<smelt::onnx::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getTransposed().getType());
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    if (!resultType || !inputType)
      return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    SmallVector<int64_t> perm;
    if (auto permAttr = op.getPermAttr()) {
      for (Attribute a : permAttr)
        perm.push_back(cast<IntegerAttr>(a).getInt());
    } else {
      for (int64_t i = inputType.getRank() - 1; i >= 0; --i)
        perm.push_back(i);
    }
    Value init =
        emptyTensor(rewriter, op.getLoc(), resultType, [&](int64_t d) -> Value {
          return tensor::DimOp::create(rewriter, op.getLoc(),
                                       adaptor.getData(), perm[d]);
        });
    rewriter.replaceOp(op, linalg::TransposeOp::create(
                               rewriter, op.getLoc(), adaptor.getData(), init,
                               perm)
                               .getResult());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<smelt::onnx::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType =
        getRankedTensorType(*getTypeConverter(), op.getConcatResult().getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    int64_t rank = resultType.getRank();
    int64_t axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    for (Value input : adaptor.getInputs())
      if (!isa<RankedTensorType>(input.getType()))
        return rewriter.notifyMatchFailure(op, "needs ranked shapes");
    Location loc = op.getLoc();
    // Each input goes at the sum of the sizes before it along the axis: a
    // constant while they are static.
    SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(0)};
    for (Value input : adaptor.getInputs()) {
      OpFoldResult size = tensor::getMixedSize(rewriter, loc, input, axis);
      std::optional<int64_t> before = getConstantIntValue(offsets.back());
      std::optional<int64_t> added = getConstantIntValue(size);
      if (before && added) {
        offsets.push_back(rewriter.getIndexAttr(*before + *added));
        continue;
      }
      offsets.push_back(
          arith::AddIOp::create(
              rewriter, loc,
              getValueOrCreateConstantIndexOp(rewriter, loc, offsets.back()),
              getValueOrCreateConstantIndexOp(rewriter, loc, size))
              .getResult());
    }
    Value first = adaptor.getInputs().front();
    Value result =
        emptyTensor(rewriter, loc, resultType, [&](int64_t d) -> Value {
          if (d == axis)
            return getValueOrCreateConstantIndexOp(rewriter, loc,
                                                   offsets.back());
          return tensor::DimOp::create(rewriter, loc, first, d);
        });
    for (auto [i, input] : llvm::enumerate(adaptor.getInputs())) {
      SmallVector<OpFoldResult> at(rank, rewriter.getIndexAttr(0));
      at[axis] = offsets[i];
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, at,
          tensor::getMixedSizes(rewriter, loc, input), strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The size of `value`'s dimension `d` as an i64: a constant where it is
/// static, read from the tensor where it is not.
Value dimAsI64(OpBuilder &b, Location loc, Value value, int64_t d) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(d))
    return arith::ConstantOp::create(b, loc,
                                     b.getI64IntegerAttr(type.getDimSize(d)));
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    tensor::DimOp::create(b, loc, value, d));
}

/// Shape and Size: constants where the input's shape is static, computed
/// from its dimensions at run time where it is not.
struct ShapeLowering : OpConversionPattern<smelt::onnx::ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getShape().getType());
    if (!inputType || !resultType)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    int64_t rank = inputType.getRank();
    auto clampIndex = [&](int64_t i) {
      if (i < 0)
        i += rank;
      return std::clamp<int64_t>(i, 0, rank);
    };
    int64_t start = clampIndex(op.getStart());
    int64_t end = op.getEndAttr() ? clampIndex(*op.getEnd()) : rank;
    if (resultType.getRank() != 1 ||
        resultType.getDimSize(0) != std::max<int64_t>(0, end - start))
      return rewriter.notifyMatchFailure(op, "result type does not match");
    if (inputType.hasStaticShape()) {
      SmallVector<int64_t> dims;
      for (int64_t i = start; i < end; ++i)
        dims.push_back(inputType.getDimSize(i));
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, resultType, DenseElementsAttr::get(resultType, ArrayRef(dims)));
      return success();
    }
    SmallVector<Value> dims;
    for (int64_t i = start; i < end; ++i)
      dims.push_back(dimAsI64(rewriter, op.getLoc(), adaptor.getData(), i));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType, dims);
    return success();
  }
};

struct SizeLowering : OpConversionPattern<smelt::onnx::SizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::SizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(adaptor.getData().getType());
    RankedTensorType resultType =
        getStaticTensorType(*getTypeConverter(), op.getSize().getType());
    if (!inputType || !resultType || resultType.getNumElements() != 1)
      return rewriter.notifyMatchFailure(op, "needs a ranked input");
    if (inputType.hasStaticShape()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, resultType,
          DenseElementsAttr::get(resultType, inputType.getNumElements()));
      return success();
    }
    Location loc = op.getLoc();
    Value size = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getI64IntegerAttr(1));
    for (int64_t d = 0; d < inputType.getRank(); ++d)
      size = arith::MulIOp::create(
          rewriter, loc, size, dimAsI64(rewriter, loc, adaptor.getData(), d));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, resultType, size);
    return success();
  }
};

} // namespace

void smelt::populateONNXShapeToLinalgPatterns(const TypeConverter &converter,
                                              RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ConstantLowering, IdentityLowering, TransposeLowering,
               ConcatLowering, ShapeLowering, SizeLowering>(converter, context);
  for (const char *name :
       {"onnx.Reshape", "onnx.Flatten", "onnx.Squeeze", "onnx.Unsqueeze"})
    patterns.add<ReshapeLikeLowering>(converter, context, name);
}
