//===- QuantizedTypes.cpp - ONNX's quantized tensors as quant types --------===//

#include "Smelt/QuantizedTypes.h"


#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include <cmath>

using namespace mlir;

ArrayRef<double> smelt::quantizedScales(quant::QuantizedType type,
                                        SmallVectorImpl<double> &storage) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return perAxis.getScales();
  storage.assign(1, cast<quant::UniformQuantizedType>(type).getScale());
  return storage;
}

ArrayRef<int64_t> smelt::quantizedZeroPoints(quant::QuantizedType type,
                                             SmallVectorImpl<int64_t> &storage) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return perAxis.getZeroPoints();
  storage.assign(1, cast<quant::UniformQuantizedType>(type).getZeroPoint());
  return storage;
}

std::optional<int32_t> smelt::quantizedAxis(quant::QuantizedType type) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return perAxis.getQuantizedDimension();
  return std::nullopt;
}

quant::QuantizedType smelt::getUniformQuantizedType(Type storage,
                                                    ArrayRef<double> scales,
                                                    ArrayRef<int64_t> zeroPoints,
                                                    int32_t axis) {
  auto integer = dyn_cast<IntegerType>(storage);
  if (!integer || scales.empty() || zeroPoints.empty() ||
      (zeroPoints.size() != 1 && zeroPoints.size() != scales.size()))
    return {};
  unsigned width = integer.getWidth();
  bool isSigned = !integer.isUnsigned();
  if (width < 2 || width > 32)
    return {};
  int64_t lo = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t hi = isSigned ? (int64_t(1) << (width - 1)) - 1
                        : (int64_t(1) << width) - 1;
  for (double s : scales)
    if (!(s > 0) || !std::isfinite(s))
      return {};
  for (int64_t z : zeroPoints)
    if (z < lo || z > hi)
      return {};
  MLIRContext *ctx = storage.getContext();
  Type signless = IntegerType::get(ctx, width);
  Type f32 = Float32Type::get(ctx);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  if (scales.size() == 1)
    return quant::UniformQuantizedType::get(flags, signless, f32,
                                            scales.front(), zeroPoints.front(),
                                            lo, hi);
  SmallVector<int64_t> zeros(zeroPoints);
  if (zeros.size() == 1)
    zeros.assign(scales.size(), zeroPoints.front());
  return quant::UniformQuantizedPerAxisType::get(flags, signless, f32, scales,
                                                 zeros, axis, lo, hi);
}

quant::QuantizedType smelt::getAccumulatorType(quant::QuantizedType lhs,
                                               quant::QuantizedType rhs,
                                               int32_t axis) {
  SmallVector<double> ls, rs, scales;
  double lScale = quantizedScales(lhs, ls).front();
  for (double s : quantizedScales(rhs, rs))
    scales.push_back(lScale * s);
  return getUniformQuantizedType(IntegerType::get(lhs.getContext(), 32),
                                 scales, {0}, axis);
}

Value smelt::castToQuantized(OpBuilder &b, Location loc, Value storage,
                             quant::QuantizedType type) {
  auto tensorType = cast<RankedTensorType>(storage.getType());
  if (auto integer = dyn_cast<IntegerType>(tensorType.getElementType());
      integer && !integer.isSignless())
    storage = tensor::BitcastOp::create(
        b, loc,
        tensorType.clone(IntegerType::get(b.getContext(), integer.getWidth())),
        storage);
  return quant::StorageCastOp::create(b, loc, tensorType.clone(type), storage);
}

Value smelt::castToStorage(OpBuilder &b, Location loc, Value quantized,
                           Type storageElement) {
  auto tensorType = cast<RankedTensorType>(quantized.getType());
  auto element = cast<quant::QuantizedType>(tensorType.getElementType());
  Value signless = quant::StorageCastOp::create(
      b, loc, tensorType.clone(element.getStorageType()), quantized);
  if (signless.getType() == tensorType.clone(storageElement))
    return signless;
  return tensor::BitcastOp::create(b, loc, tensorType.clone(storageElement),
                                   signless);
}
