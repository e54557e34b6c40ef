//===- LoweringUtils.cpp - Helpers shared by the onnx lowerings -----------===//

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

RankedTensorType
smelt::detail::getStaticTensorType(const TypeConverter &converter, Type type) {
  auto ranked = dyn_cast_or_null<RankedTensorType>(converter.convertType(type));
  if (!ranked || !ranked.hasStaticShape())
    return nullptr;
  return ranked;
}

RankedTensorType
smelt::detail::getRankedTensorType(const TypeConverter &converter, Type type) {
  return dyn_cast_or_null<RankedTensorType>(converter.convertType(type));
}

bool smelt::detail::isStaticPastBatch(RankedTensorType type) {
  return type && type.getRank() >= 3 &&
         llvm::none_of(type.getShape().drop_front(), ShapedType::isDynamic);
}

Value smelt::detail::emptyTensor(OpBuilder &b, Location loc,
                                 RankedTensorType type,
                                 llvm::function_ref<Value(int64_t)> dynamicSize) {
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(dynamicSize(d));
  return tensor::EmptyOp::create(b, loc, type, sizes);
}

Value smelt::detail::emptyLike(OpBuilder &b, Location loc,
                               RankedTensorType type, Value like) {
  return emptyTensor(b, loc, type, [&](int64_t d) -> Value {
    return tensor::DimOp::create(b, loc, like, d);
  });
}

Value smelt::detail::broadcastSize(OpBuilder &b, Location loc,
                                   ValueRange operands, int64_t rank,
                                   int64_t d, ArrayRef<int64_t> trailing) {
  Value dynamic;
  for (auto [i, operand] : llvm::enumerate(operands)) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t skipped = trailing.empty() ? 0 : trailing[i];
    int64_t at = d - (rank - (type.getRank() - skipped));
    if (at < 0)
      continue;
    if (!type.isDynamicDim(at)) {
      if (type.getDimSize(at) != 1)
        return arith::ConstantIndexOp::create(b, loc, type.getDimSize(at));
      continue;
    }
    if (!dynamic)
      dynamic = tensor::DimOp::create(b, loc, operand, at);
  }
  return dynamic ? dynamic : arith::ConstantIndexOp::create(b, loc, 1);
}

Type smelt::detail::elementTypeOf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}

bool smelt::detail::isUnsignedElement(Type onnxType) {
  Type element = elementTypeOf(onnxType);
  if (auto quantized = dyn_cast<quant::QuantizedType>(element))
    return !quantized.isSigned();
  auto integer = dyn_cast<IntegerType>(element);
  return integer && integer.isUnsigned();
}

Value smelt::detail::buildBroadcastElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ValueRange operands,
    llvm::function_ref<Value(OpBuilder &, Location, ValueRange)> body,
    llvm::function_ref<Value(int64_t)> dynamicSize) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    int64_t offset = rank - type.getRank();
    SmallVector<AffineExpr> exprs;
    SmallVector<int64_t> kept;
    bool broadcasts = false;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      bool broadcast =
          type.getDimSize(i) == 1 && resultType.getDimSize(offset + i) != 1;
      broadcasts |= broadcast;
      exprs.push_back(broadcast ? b.getAffineConstantExpr(0)
                                : b.getAffineDimExpr(offset + i));
      if (!broadcast)
        kept.push_back(type.getDimSize(i));
    }
    // A static operand drops its broadcast unit dims, so that its map is a
    // projected permutation: reshapes then move through the op, and
    // elementwise fusion reaches across them.
    if (broadcasts && type.hasStaticShape()) {
      auto keptType = RankedTensorType::get(kept, type.getElementType());
      std::optional<SmallVector<ReassociationIndices>> groups =
          kept.empty() ? std::optional(SmallVector<ReassociationIndices>())
                       : getReassociationIndicesForCollapse(type.getShape(),
                                                            kept);
      if (groups) {
        operand = tensor::CollapseShapeOp::create(b, loc, keptType, operand,
                                                  *groups);
        llvm::erase_if(exprs, [](AffineExpr e) {
          return isa<AffineConstantExpr>(e);
        });
      }
    }
    inputs.push_back(operand);
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = emptyTensor(b, loc, resultType, [&](int64_t d) {
    return dynamicSize ? dynamicSize(d)
                       : broadcastSize(b, loc, operands, rank, d);
  });
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value smelt::detail::reshapeToStatic(OpBuilder &b, Location loc, Value value,
                                     RankedTensorType type) {
  if (value.getType() == type)
    return value;
  // Pure collapses and expansions as such: elementwise fusion moves them
  // through linalg ops, where a tensor.reshape would stop it.
  auto source = cast<RankedTensorType>(value.getType());
  if (source.hasStaticShape() && type.hasStaticShape()) {
    if (source.getRank() > type.getRank())
      if (auto groups = getReassociationIndicesForCollapse(source.getShape(),
                                                           type.getShape()))
        return tensor::CollapseShapeOp::create(b, loc, type, value, *groups);
    if (source.getRank() < type.getRank())
      if (auto groups = getReassociationIndicesForCollapse(type.getShape(),
                                                           source.getShape()))
        return tensor::ExpandShapeOp::create(b, loc, type, value, *groups);
  } else if (source.getRank() != type.getRank()) {
    // Dynamic dimensions: a collapse or expansion whose groups hold at most
    // one of them each (its size then follows from the group's).
    auto groups = getReassociationIndicesForReshape(source, type);
    RankedTensorType wide = source.getRank() > type.getRank() ? source : type;
    bool oneDynamicEach =
        groups && llvm::all_of(*groups, [&](const ReassociationIndices &g) {
          return llvm::count_if(g, [&](int64_t d) {
                   return wide.isDynamicDim(d);
                 }) <= 1;
        });
    if (oneDynamicEach && source.getRank() > type.getRank())
      return tensor::CollapseShapeOp::create(b, loc, type, value, *groups);
    if (oneDynamicEach)
      return tensor::ExpandShapeOp::create(b, loc, type, value, *groups);
  }
  if (!type.hasStaticShape())
    return Value();
  SmallVector<int64_t> dims(type.getShape());
  auto shapeType = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                         b.getI64Type());
  Value shape = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(shapeType, ArrayRef(dims)));
  return tensor::ReshapeOp::create(b, loc, type, value, shape);
}

Value smelt::detail::createScalarConstant(OpBuilder &b, Location loc,
                                          Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc,
                                     b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value smelt::detail::convertScalar(OpBuilder &b, Location loc, Value value,
                                   Type fromOnnx, Type toOnnx,
                                   Type toConverted) {
  Type from = value.getType();
  if (from == toConverted && isUnsignedElement(fromOnnx) ==
                                 isUnsignedElement(toOnnx))
    return value;
  bool fromUnsigned = isUnsignedElement(fromOnnx);
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(toConverted);
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(toConverted);

  // To bool: anything non-zero is true.
  if (toInt && toInt.getWidth() == 1) {
    if (fromFloat)
      return arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::UNE, value,
          createScalarConstant(b, loc, from, 0.0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 createScalarConstant(b, loc, from, 0.0));
  }
  if (fromFloat && toFloat) {
    if (fromFloat.getWidth() < toFloat.getWidth())
      return arith::ExtFOp::create(b, loc, toFloat, value);
    if (fromFloat.getWidth() > toFloat.getWidth())
      return arith::TruncFOp::create(b, loc, toFloat, value);
    // Same width, different format (f16 <-> bf16): through f32.
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    return arith::TruncFOp::create(b, loc, toFloat, wide);
  }
  if (fromFloat && toInt) {
    if (isUnsignedElement(toOnnx))
      return arith::FPToUIOp::create(b, loc, toInt, value);
    return arith::FPToSIOp::create(b, loc, toInt, value);
  }
  if (fromInt && toFloat) {
    // Bools and unsigned integers count up from zero.
    if (fromUnsigned || fromInt.getWidth() == 1)
      return arith::UIToFPOp::create(b, loc, toFloat, value);
    return arith::SIToFPOp::create(b, loc, toFloat, value);
  }
  if (fromInt && toInt) {
    if (fromInt.getWidth() < toInt.getWidth()) {
      if (fromUnsigned || fromInt.getWidth() == 1)
        return arith::ExtUIOp::create(b, loc, toInt, value);
      return arith::ExtSIOp::create(b, loc, toInt, value);
    }
    if (fromInt.getWidth() > toInt.getWidth())
      return arith::TruncIOp::create(b, loc, toInt, value);
    return value; // same bits, other sign
  }
  return nullptr;
}

AffineMap smelt::detail::reducedMap(int64_t rank, ArrayRef<int64_t> axes,
                                    MLIRContext *ctx) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value smelt::detail::reduce(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    Value init,
    llvm::function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape, kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(axes, d)) {
      shape.push_back(type.getDimSize(d));
      kept.push_back(d);
    }
  Value empty = emptyTensor(
      b, loc, RankedTensorType::get(shape, init.getType()),
      [&](int64_t d) -> Value {
        return tensor::DimOp::create(b, loc, input, kept[d]);
      });
  Value filled = linalg::FillOp::create(b, loc, init, empty).getResult(0);
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d)
    iterators.push_back(llvm::is_contained(axes, d)
                            ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 reducedMap(rank, axes, b.getContext())};
  return linalg::GenericOp::create(
             b, loc, TypeRange{filled.getType()}, ValueRange{input},
             ValueRange{filled}, maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl,
                                       combine(nb, nl, args[0], args[1]));
             })
      .getResult(0);
}

/// An integer element read from a tensor, as an index, made non-negative by
/// adding `dim` when negative (ONNX's negative indices).
Value smelt::detail::readIndex(OpBuilder &b, Location loc, Value tensor,
                               ValueRange at, int64_t dim) {
  Value raw = tensor::ExtractOp::create(b, loc, tensor, at);
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::AddIOp::create(
      b, loc, index, arith::ConstantIndexOp::create(b, loc, dim));
  return arith::SelectOp::create(b, loc, negative, wrapped, index);
}

Value smelt::detail::lowestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(), true)));
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, isUnsigned ? APInt::getMinValue(width)
                                                : APInt::getSignedMinValue(width)));
}

Value smelt::detail::highestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics())));
  unsigned width = type.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, isUnsigned ? APInt::getMaxValue(width)
                                                : APInt::getSignedMaxValue(width)));
}

Value smelt::detail::maxOf(OpBuilder &b, Location loc, Value x, Value y,
                           bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::MaxUIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value smelt::detail::minOf(OpBuilder &b, Location loc, Value x, Value y,
                           bool isUnsigned) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  if (isUnsigned)
    return arith::MinUIOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}



bool smelt::detail::innerDimensionsAgree(RankedTensorType lhs,
                                         RankedTensorType rhs) {
  if (lhs.getRank() < 1 || rhs.getRank() < 1)
    return false;
  int64_t k = lhs.getDimSize(lhs.getRank() - 1);
  int64_t rhsK = rhs.getDimSize(rhs.getRank() == 1 ? 0 : rhs.getRank() - 2);
  return ShapedType::isDynamic(k) || ShapedType::isDynamic(rhsK) || k == rhsK;
}
