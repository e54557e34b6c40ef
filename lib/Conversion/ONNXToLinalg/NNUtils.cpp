//===- NNUtils.cpp - Helpers of the NN op lowerings -----------------------===//
//
// Window geometry, spatial padding and per-channel broadcasts shared by
// the convolution, pooling and normalization lowerings.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/NNUtils.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace smelt::detail;

SmallVector<int64_t> smelt::detail::intsOf(ArrayAttr attr, size_t count,
                                           int64_t fallback) {
  SmallVector<int64_t> values;
  if (attr)
    for (Attribute a : attr)
      values.push_back(cast<IntegerAttr>(a).getInt());
  if (values.empty())
    values.assign(count, fallback);
  return values;
}

LogicalResult smelt::detail::computeWindow(Operation *op,
                                           RankedTensorType input,
                                           RankedTensorType output, Window &w) {
  size_t spatial = input.getRank() - 2;
  if (w.kernel.size() != spatial)
    return failure();
  w.strides = intsOf(op->getAttrOfType<ArrayAttr>("strides"), spatial, 1);
  w.dilations = intsOf(op->getAttrOfType<ArrayAttr>("dilations"), spatial, 1);
  SmallVector<int64_t> pads =
      intsOf(op->getAttrOfType<ArrayAttr>("pads"), 2 * spatial, 0);
  if (w.strides.size() != spatial || w.dilations.size() != spatial ||
      pads.size() != 2 * spatial)
    return failure();
  auto autoPad = op->getAttrOfType<StringAttr>("auto_pad");
  StringRef mode = autoPad ? autoPad.getValue() : "NOTSET";
  w.padBegin.assign(spatial, 0);
  w.padEnd.assign(spatial, 0);
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = input.getDimSize(2 + i), out = output.getDimSize(2 + i);
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (mode == "SAME_UPPER" || mode == "SAME_LOWER") {
      int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in);
      int64_t small = total / 2;
      w.padBegin[i] = mode == "SAME_UPPER" ? small : total - small;
      w.padEnd[i] = total - w.padBegin[i];
    } else if (mode == "NOTSET") {
      w.padBegin[i] = pads[i];
      w.padEnd[i] = pads[spatial + i];
    }
    int64_t needed = (out - 1) * w.strides[i] + span;
    int64_t have = in + w.padBegin[i] + w.padEnd[i];
    if (needed > have)
      w.padEnd[i] += needed - have;
  }
  return success();
}

Value smelt::detail::padSpatial(OpBuilder &b, Location loc, Value input,
                                ArrayRef<int64_t> begin, ArrayRef<int64_t> end,
                                Value value) {
  if (llvm::all_of(begin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(end, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)),
      high(2, b.getIndexAttr(0));
  for (int64_t p : begin)
    low.push_back(b.getIndexAttr(p));
  for (int64_t p : end)
    high.push_back(b.getIndexAttr(p));
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < begin.size(); ++i)
    shape[2 + i] += begin[i] + end[i];
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, low, high, value);
}

Value smelt::detail::perChannel(OpBuilder &b, Location loc, Value v,
                                int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape = {type.getDimSize(0)};
  shape.append(rank - 2, 1);
  return reshapeToStatic(b, loc, v,
                         RankedTensorType::get(shape, type.getElementType()));
}
