//===- DataMovementUtils.cpp - Data movement helpers ----------------------===//
//
// The element-by-element result builder and the shape checks shared by
// the lowerings of ops that only move elements.
//
//===----------------------------------------------------------------------===//

#include "DataMovementUtils.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

Value smelt::detail::buildIndexed(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
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

Value smelt::detail::indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

int64_t smelt::detail::normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType smelt::detail::staticResult(const TypeConverter &converter,
                                             Operation *op, unsigned result,
                                             ValueRange operands) {
  for (Value v : operands) {
    auto t = dyn_cast_or_null<RankedTensorType>(v ? v.getType() : Type());
    if (v && (!t || !t.hasStaticShape()))
      return nullptr;
  }
  return getStaticTensorType(converter, op->getResult(result).getType());
}
