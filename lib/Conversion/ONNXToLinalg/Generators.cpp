//===- Generators.cpp - onnx tensor generators to linalg ------------------===//
//
// Ops whose result is computed from its indices and a few scalars, not
// moved from an input: ConstantOfShape, Range, EyeLike, OneHot and the
// Hann, Hamming and Blackman windows.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "DataMovementUtils.h"
#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

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

void smelt::populateONNXGeneratorsToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<ConstantOfShapeLowering, RangeLowering, EyeLikeLowering,
               OneHotLowering>(converter, patterns.getContext());
  // ONNX's own coefficients (Hamming: 25/46 and 21/46).
  patterns.add<WindowLowering<smelt::onnx::HannWindowOp>>(
      converter, patterns.getContext(), ArrayRef<double>{0.5, -0.5});
  patterns.add<WindowLowering<smelt::onnx::HammingWindowOp>>(
      converter, patterns.getContext(),
      ArrayRef<double>{25.0 / 46.0, -21.0 / 46.0});
  patterns.add<WindowLowering<smelt::onnx::BlackmanWindowOp>>(
      converter, patterns.getContext(), ArrayRef<double>{0.42, -0.5, 0.08});
}
