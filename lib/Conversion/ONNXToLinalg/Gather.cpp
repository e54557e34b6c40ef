//===- Gather.cpp - onnx gathers to linalg --------------------------------===//
//
// Gather, GatherElements and GatherND: one linalg.generic over the result
// whose body reads the index tensor (negative indices count from the
// end) and extracts the element it names.
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

using namespace mlir;
using namespace smelt::detail;

namespace {

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

} // namespace

void smelt::populateONNXGatherToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<GatherLowering, GatherElementsLowering, GatherNDLowering>(
      converter, patterns.getContext());
}
