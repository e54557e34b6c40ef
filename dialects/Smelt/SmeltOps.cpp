//===- SmeltOps.cpp - Integer computation on quantized types ---------------===//
//
// Verifiers of the integer ops on `!quant.uniform` tensors (SmeltOps.td):
// the types must say what the lowering will compute, so a mismatched scale
// or axis is an error here, not a wrong number later.
//
//===----------------------------------------------------------------------===//

#include "Smelt/SmeltDialect.h"

#include "Smelt/QuantizedTypes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace smelt;

#define GET_OP_CLASSES
#include "Smelt/SmeltOps.cpp.inc"

namespace {

quant::QuantizedType elementOf(Value v) {
  return cast<quant::QuantizedType>(
      cast<RankedTensorType>(v.getType()).getElementType());
}

/// A uniform type (per tensor or per axis) whose axis, if any, is inside
/// `type`'s rank and has one scale per element along it.
LogicalResult verifyUniform(Operation *op, StringRef what,
                            RankedTensorType type) {
  auto element = type.getElementType();
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          element))
    return op->emitOpError() << what << " must be !quant.uniform, not "
                             << element;
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element);
  if (!perAxis)
    return success();
  int32_t axis = perAxis.getQuantizedDimension();
  if (axis >= type.getRank())
    return op->emitOpError() << what << "'s quantized axis " << axis
                             << " is outside its rank " << type.getRank();
  if (!type.isDynamicDim(axis) &&
      type.getDimSize(axis) != static_cast<int64_t>(perAxis.getScales().size()))
    return op->emitOpError()
           << what << " has " << perAxis.getScales().size()
           << " scales for dimension " << axis << " of size "
           << type.getDimSize(axis);
  return success();
}

/// The accumulator's axis that a contraction's per-axis second operand
/// becomes: a convolution's output channels (1), a product's columns (the
/// last).
int64_t accumulatorAxis(Operation *op) {
  if (isa<QuantizedConvOp>(op))
    return 1;
  return cast<RankedTensorType>(op->getResult(0).getType()).getRank() - 1;
}

/// Scales equal to f32 precision: the accumulator's is the product of two
/// f32 scales, exact in f64, but a hand-written one is a decimal.
bool sameScale(double a, double b) {
  return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

/// An int32 accumulator of `lhs` and `rhs` (8-bit, `lhs` per tensor):
/// zero point 0, scale lhs * rhs, per axis `axis` exactly when `rhs` is per
/// axis.
LogicalResult verifyAccumulator(Operation *op, Value lhs, Value rhs,
                                Value result, int64_t axis) {
  auto resultType = cast<RankedTensorType>(result.getType());
  if (failed(verifyUniform(op, "the operand", cast<RankedTensorType>(lhs.getType()))) ||
      failed(verifyUniform(op, "the operand", cast<RankedTensorType>(rhs.getType()))) ||
      failed(verifyUniform(op, "the result", resultType)))
    return failure();
  quant::QuantizedType l = elementOf(lhs), r = elementOf(rhs),
                       acc = elementOf(result);
  if (quantizedAxis(l))
    return op->emitOpError() << "its first operand must be quantized per "
                                "tensor, not "
                             << l;
  for (quant::QuantizedType t : {l, r})
    if (t.getStorageTypeIntegralWidth() > 8)
      return op->emitOpError() << "its operands must store at most 8 bits, not "
                               << t;
  if (acc.getStorageTypeIntegralWidth() != 32 || !acc.isSigned())
    return op->emitOpError() << "the result must store i32, not " << acc;
  if (l.getExpressedType() != r.getExpressedType() ||
      acc.getExpressedType() != l.getExpressedType())
    return op->emitOpError() << "its types must express the same type";
  std::optional<int32_t> rAxis = quantizedAxis(r), accAxis = quantizedAxis(acc);
  if (rAxis && *rAxis != axis)
    return op->emitOpError() << "the second operand must be quantized per "
                                "tensor or along axis "
                             << axis << ", not " << *rAxis;
  if (rAxis.has_value() != accAxis.has_value() ||
      (accAxis && *accAxis != accumulatorAxis(op)))
    return op->emitOpError()
           << "the result must be quantized "
           << (rAxis ? "along axis " + std::to_string(accumulatorAxis(op))
                     : std::string("per tensor"))
           << " as the second operand is, not " << acc;
  SmallVector<double> ls, rs, accs;
  SmallVector<int64_t> zs;
  double lScale = quantizedScales(l, ls).front();
  ArrayRef<double> rScales = quantizedScales(r, rs);
  ArrayRef<double> accScales = quantizedScales(acc, accs);
  if (rScales.size() != accScales.size())
    return op->emitOpError() << "the result has " << accScales.size()
                             << " scales for the second operand's "
                             << rScales.size();
  for (auto [rScale, accScale] : llvm::zip(rScales, accScales))
    if (!sameScale(lScale * rScale, accScale))
      return op->emitOpError()
             << "the result's scale " << accScale
             << " must be the operands' product " << lScale * rScale;
  if (llvm::any_of(quantizedZeroPoints(acc, zs), [](int64_t z) { return z; }))
    return op->emitOpError() << "the result's zero point must be 0";
  return success();
}

} // namespace

LogicalResult QuantizedConvOp::verify() {
  auto xType = getX().getType(), wType = getW().getType();
  auto resultType = getOutput().getType();
  if (xType.getRank() < 3 || xType.getRank() > 5 ||
      wType.getRank() != xType.getRank() ||
      resultType.getRank() != xType.getRank())
    return emitOpError() << "needs input, weights and result of one rank, 3 "
                            "to 5 (1-D to 3-D windows)";
  if (failed(verifyAccumulator(*this, getX(), getW(), getOutput(), 0)))
    return failure();
  if (!wType.isDynamicDim(0) && !resultType.isDynamicDim(1) &&
      wType.getDimSize(0) != resultType.getDimSize(1))
    return emitOpError() << "has " << wType.getDimSize(0)
                         << " filters for " << resultType.getDimSize(1)
                         << " output channels";
  if (!getBias())
    return success();
  auto biasType = cast<RankedTensorType>(getBias().getType());
  if (failed(verifyUniform(*this, "the bias", biasType)))
    return failure();
  quant::QuantizedType bias = elementOf(getBias()), acc = elementOf(getOutput());
  if (biasType.getRank() != 1 ||
      (!biasType.isDynamicDim(0) && !wType.isDynamicDim(0) &&
       biasType.getDimSize(0) != wType.getDimSize(0)))
    return emitOpError() << "the bias must have one element per filter";
  SmallVector<double> bs, as;
  SmallVector<int64_t> zs;
  ArrayRef<double> biasScales = quantizedScales(bias, bs);
  ArrayRef<double> accScales = quantizedScales(acc, as);
  if (bias.getStorageTypeIntegralWidth() != 32 ||
      biasScales.size() != accScales.size() ||
      llvm::any_of(quantizedZeroPoints(bias, zs), [](int64_t z) { return z; }) ||
      !llvm::all_of(llvm::zip(biasScales, accScales), [](auto pair) {
        return sameScale(std::get<0>(pair), std::get<1>(pair));
      }))
    return emitOpError() << "the bias must be i32 with zero point 0 and the "
                            "result's scales, not "
                         << bias;
  return success();
}

LogicalResult QuantizedMatMulOp::verify() {
  auto aType = getA().getType(), bType = getB().getType();
  if (aType.getRank() < 1 || bType.getRank() < 2)
    return emitOpError() << "needs a of rank 1 or more and b of rank 2 or more";
  int64_t k = aType.getDimSize(aType.getRank() - 1);
  int64_t bK = bType.getDimSize(bType.getRank() - 2);
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(bK) && k != bK)
    return emitOpError() << "a has " << k << " columns for b's " << bK
                         << " rows";
  return verifyAccumulator(*this, getA(), getB(), getOutput(),
                           bType.getRank() - 1);
}

LogicalResult RequantizeOp::verify() {
  auto inType = getInput().getType(), outType = getOutput().getType();
  if (failed(verifyUniform(*this, "the input", inType)) ||
      failed(verifyUniform(*this, "the result", outType)))
    return failure();
  if (failed(verifyCompatibleShape(inType, outType)))
    return emitOpError() << "the input and the result must have one shape";
  quant::QuantizedType in = elementOf(getInput()), out = elementOf(getOutput());
  if (in.getExpressedType() != out.getExpressedType())
    return emitOpError() << "the input and the result must express one type";
  std::optional<int32_t> inAxis = quantizedAxis(in), outAxis = quantizedAxis(out);
  if (inAxis && outAxis && *inAxis != *outAxis)
    return emitOpError() << "the input and the result are quantized along "
                            "different axes ("
                         << *inAxis << ", " << *outAxis << ")";
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}
