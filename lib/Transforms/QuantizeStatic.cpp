//===- QuantizeStatic.cpp - smelt-quantize-static --------------------------===//
//
// Static int8 QDQ rewriting from the `#smelt.calibration` ranges. Numbers
// follow ONNX Runtime's quantization tool: activations uint8 with scale
// (high - low) / 255 and zero point round(-low / scale); weights int8
// symmetric in [-127, 127] with scale max|w| / 127 per output channel;
// biases int32 at x_scale * w_scale. Rounding is half to even throughout.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Calibration.h"
#include "smelt/Transforms/Passes.h"

#include "QuantizeUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <optional>

namespace smelt {
#define GEN_PASS_DEF_SMELTQUANTIZESTATICPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {

int64_t bytesOf(Type type) {
  auto shaped = cast<ShapedType>(type);
  return shaped.getNumElements() *
         std::max<int64_t>(1, shaped.getElementTypeBitWidth() / 8);
}

/// What only moves or selects values keeps the quantization of its input,
/// so that it can run on the integers (smelt-fuse-qdq's pass-through ops).
bool isPassThrough(Operation *op) {
  StringRef name = op->getName().getStringRef();
  if (name == "onnx.Resize") {
    auto mode = op->getAttrOfType<StringAttr>("mode");
    return mode && mode.getValue() == "nearest";
  }
  return name == "onnx.MaxPool" || name == "onnx.Flatten" ||
         name == "onnx.Reshape" || name == "onnx.Transpose" ||
         name == "onnx.Squeeze" || name == "onnx.Unsqueeze";
}

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32() && type.hasStaticShape();
}

bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->getName().getStringRef() == "onnx.Constant";
}

class Rewriter {
public:
  explicit Rewriter(func::FuncOp func) : func(func), b(func.getContext()) {}

  /// The uint8 parameters calibration chose for `v`, or for the value a
  /// DequantizeLinear this rewrite made stands for.
  std::optional<UInt8Parameters> rangeOf(Value v) {
    auto origin = originOf.find(v);
    if (origin != originOf.end())
      v = origin->second;
    if (auto arg = dyn_cast<BlockArgument>(v))
      if (arg.getOwner() != &func.getBody().front())
        return std::nullopt;
    if (CalibrationAttr stats = getCalibration(v))
      return uint8Parameters(stats);
    return std::nullopt;
  }

  Value constant(Location loc, TypedAttr value, StringRef name = "") {
    return onnxConstant(b, loc, value, name);
  }

  template <typename OpTy>
  Value op(Location loc, ValueRange operands, Type result,
           std::optional<int64_t> axis = std::nullopt) {
    SmallVector<NamedAttribute> attrs;
    if (axis)
      attrs.push_back(b.getNamedAttr("axis", b.getI64IntegerAttr(*axis)));
    return OpTy::create(b, loc, TypeRange{result}, operands, attrs)
        ->getResult(0);
  }

  /// DequantizeLinear(QuantizeLinear(v)) with the range's uint8 parameters,
  /// made once per value, right after it is defined.
  Value activation(Value v, const UInt8Parameters &table) {
    auto cached = dequantized.find(v);
    if (cached != dequantized.end())
      return cached->second;
    // Already quantized here: an op's output whose readers now read its
    // DequantizeLinear (a Gemm's Relu output, read by the next Gemm).
    if (Operation *def = v.getDefiningOp(); def && paramsOf.count(def))
      return v;
    // What only moves or selects values (MaxPool, Flatten, Reshape) keeps
    // the quantization of its input, so that it can run on the integers.
    UInt8Parameters r = table;
    if (Operation *def = v.getDefiningOp()) {
      if (isPassThrough(def))
        if (Operation *dq = def->getOperand(0).getDefiningOp();
            dq && dq->getName().getStringRef() == "onnx.DequantizeLinear")
          if (auto params = paramsOf.find(dq); params != paramsOf.end())
            r = params->second;
    }
    OpBuilder::InsertionGuard guard(b);
    if (Operation *def = v.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(&func.getBody().front());
    Value dq = quantizeDequantize(v, r);
    v.replaceAllUsesExcept(dq, dq.getDefiningOp()->getOperand(0).getDefiningOp());
    dequantized[v] = dq;
    originOf[dq] = v;
    return dq;
  }

  /// `user`'s operand `index` through QuantizeLinear/DequantizeLinear with
  /// `r`'s parameters, for that reader alone (a Concat's inputs share its
  /// output's parameters, so that it runs on the integers).
  void requantizeOperand(Operation *user, unsigned index,
                         const UInt8Parameters &r) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(user);
    user->setOperand(index, quantizeDequantize(user->getOperand(index), r));
  }

  /// DequantizeLinear(QuantizeLinear(v)) with `r`'s uint8 parameters, at
  /// the builder's insertion point.
  Value quantizeDequantize(Value v, const UInt8Parameters &r) {
    Location loc = v.getLoc();
    auto type = cast<RankedTensorType>(v.getType());
    Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
    Value scale = constant(
        loc, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                    r.scale));
    Value zp = constant(
        loc, DenseElementsAttr::get(RankedTensorType::get({}, u8),
                                    static_cast<uint8_t>(r.zeroPoint)));
    Value q = op<onnx::QuantizeLinearOp>(loc, {v, scale, zp}, type.clone(u8));
    Value dq = op<onnx::DequantizeLinearOp>(loc, {q, scale, zp}, type);
    paramsOf[dq.getDefiningOp()] = r;
    return dq;
  }

  /// Weights as int8 per channel along `axis` (or per tensor), read through
  /// DequantizeLinear; fills `scales` (one per channel, or one).
  Value weights(Operation *user, Value w, const std::vector<float> &data,
                int64_t axis, bool perChannel, std::vector<float> &scales,
                QuantizeReport &report) {
    auto type = cast<RankedTensorType>(w.getType());
    int64_t channels = perChannel ? type.getDimSize(axis) : 1;
    int64_t inner = 1;
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
    auto channelOf = [&](int64_t i) {
      return perChannel ? (i / inner) % type.getDimSize(axis) : 0;
    };
    std::vector<float> maxAbs(channels, 0.0f);
    for (int64_t i = 0; i < static_cast<int64_t>(data.size()); ++i)
      maxAbs[channelOf(i)] = std::max(maxAbs[channelOf(i)], std::fabs(data[i]));
    scales.assign(channels, 1.0f);
    for (int64_t c = 0; c < channels; ++c)
      if (maxAbs[c] > 0)
        scales[c] = maxAbs[c] / 127.0f;
    std::vector<int8_t> q(data.size());
    for (size_t i = 0; i < data.size(); ++i)
      q[i] = static_cast<int8_t>(std::clamp(
          std::nearbyint(data[i] / scales[channelOf(i)]), -127.0f, 127.0f));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(user);
    Location loc = w.getLoc();
    Type i8 = b.getIntegerType(8);
    auto qType = type.clone(i8);
    std::string name = "weights";
    if (auto n = w.getDefiningOp()->getAttrOfType<StringAttr>("onnx.name"))
      name = n.str();
    Value qw = constant(loc, DenseElementsAttr::get(qType, ArrayRef(q)),
                        name + "_quantized");
    auto paramType = [&](Type element) {
      return perChannel ? RankedTensorType::get({channels}, element)
                        : RankedTensorType::get({}, element);
    };
    Value scale = constant(
        loc, DenseElementsAttr::get(paramType(b.getF32Type()), ArrayRef(scales)),
        name + "_scale");
    Value zp = constant(loc,
                        DenseElementsAttr::get(paramType(i8),
                                               ArrayRef(std::vector<int8_t>(
                                                   channels, 0))),
                        name + "_zero_point");
    report.weightBytesBefore += bytesOf(type);
    report.weightBytesAfter += bytesOf(qType);
    return op<onnx::DequantizeLinearOp>(loc, {qw, scale, zp}, type,
              perChannel ? std::optional<int64_t>(axis) : std::nullopt);
  }

  /// A 1-D bias as int32 at scale x_scale * w_scale[c], through
  /// DequantizeLinear.
  Value bias(Operation *user, Value bias, const std::vector<float> &data,
             float xScale, const std::vector<float> &wScales) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(user);
    Location loc = bias.getLoc();
    int64_t n = data.size();
    std::vector<float> scales(n);
    std::vector<int32_t> q(n);
    for (int64_t c = 0; c < n; ++c) {
      scales[c] = xScale * wScales[wScales.size() == 1 ? 0 : c];
      q[c] = static_cast<int32_t>(std::nearbyint(data[c] / scales[c]));
    }
    Type i32 = b.getIntegerType(32);
    auto type = RankedTensorType::get({n}, i32);
    std::string name = "bias";
    if (auto nm = bias.getDefiningOp()->getAttrOfType<StringAttr>("onnx.name"))
      name = nm.str();
    Value qb = constant(loc, DenseElementsAttr::get(type, ArrayRef(q)),
                        name + "_quantized");
    Value scale = constant(
        loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getF32Type()),
                               ArrayRef(scales)),
        name + "_scale");
    Value zp = constant(
        loc, DenseElementsAttr::get(type, ArrayRef(std::vector<int32_t>(n, 0))),
        name + "_zero_point");
    return op<onnx::DequantizeLinearOp>(loc, {qb, scale, zp},
              RankedTensorType::get({n}, b.getF32Type()), 0);
  }

  func::FuncOp func;
  OpBuilder b;
  DenseMap<Value, Value> dequantized;
  /// The value each DequantizeLinear `activation` made stands for.
  DenseMap<Value, Value> originOf;
  /// The parameters of each DequantizeLinear this rewrite made.
  DenseMap<Operation *, UInt8Parameters> paramsOf;
};


/// The activations that compiled code stores between kernels, beyond the
/// contractions' inputs and outputs: values read by several ops (a fused
/// chain of elementwise ops keeps its intermediate values in registers,
/// a shared value is written out), the inputs and outputs of nearest
/// Resize and other pass-through ops, Concat (its inputs at its output's
/// parameters) and the input of global pooling. Stored as uint8 they take a
/// quarter of the bytes, and moves run on the integers. Values only one
/// elementwise op reads stay float, so that a fused chain rounds once.
void quantizeBoundaries(Rewriter &rw, func::FuncOp func,
                        const QuantizeOptions &options,
                        QuantizeReport &report) {
  auto quantizable = [&](Value v) {
    return isFloatTensor(v) && !isConstant(v) && rw.rangeOf(v) &&
           !(v.getDefiningOp() &&
             v.getDefiningOp()->getName().getStringRef() ==
                 "onnx.DequantizeLinear");
  };
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    StringRef name = op->getName().getStringRef();
    if (name == "onnx.QuantizeLinear" || name == "onnx.DequantizeLinear" ||
        name == "onnx.Constant" || isExcluded(op, options))
      continue;
    bool changed = false;
    if (isPassThrough(op) && op->getNumResults() == 1 &&
        quantizable(op->getOperand(0)) && quantizable(op->getResult(0))) {
      rw.activation(op->getOperand(0), *rw.rangeOf(op->getOperand(0)));
      rw.activation(op->getResult(0), *rw.rangeOf(op->getResult(0)));
      changed = true;
    } else if (name == "onnx.Concat" && quantizable(op->getResult(0)) &&
               llvm::all_of(op->getOperands(), [&](Value v) {
                 return isFloatTensor(v) && !isConstant(v);
               })) {
      UInt8Parameters r = *rw.rangeOf(op->getResult(0));
      for (unsigned i = 0; i < op->getNumOperands(); ++i)
        rw.requantizeOperand(op, i, r);
      rw.activation(op->getResult(0), r);
      changed = true;
    } else if ((name == "onnx.GlobalAveragePool" ||
                name == "onnx.GlobalMaxPool") &&
               quantizable(op->getOperand(0))) {
      rw.activation(op->getOperand(0), *rw.rangeOf(op->getOperand(0)));
      changed = true;
    }
    for (Value result : op->getResults())
      if (quantizable(result) && !result.hasOneUse() && !result.use_empty()) {
        rw.activation(result, *rw.rangeOf(result));
        changed = true;
      }
    if (changed)
      ++report.boundaryValues;
  }
}

} // namespace

namespace {

QuantizeReport quantizeStaticInt8(func::FuncOp func,
                                  const QuantizeOptions &options) {
  Rewriter rw(func);
  QuantizeReport report;
  SmallVector<Operation *> candidates;
  for (Operation &op : func.getBody().front()) {
    StringRef name = op.getName().getStringRef();
    auto group = op.getAttrOfType<IntegerAttr>("group");
    if (name == "onnx.Conv" || name == "onnx.Gemm" || name == "onnx.MatMul" ||
        (name == "onnx.ConvTranspose" && (!group || group.getInt() == 1)))
      candidates.push_back(&op);
  }
  for (Operation *op : candidates) {
    StringRef name = op->getName().getStringRef();
    bool convolution = name == "onnx.Conv" || name == "onnx.ConvTranspose";
    Value x = op->getOperand(0), w = op->getOperand(1);
    Value result = op->getResult(0);
    std::optional<UInt8Parameters> in = rw.rangeOf(x);
    std::optional<UInt8Parameters> out = rw.rangeOf(result);
    std::optional<std::vector<float>> wData = readFloats(w.getDefiningOp());
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    bool transA = false, transB = false;
    if (name == "onnx.Gemm") {
      auto ta = op->getAttrOfType<IntegerAttr>("transA");
      auto tb = op->getAttrOfType<IntegerAttr>("transB");
      transA = ta && ta.getInt() != 0;
      transB = tb && tb.getInt() != 0;
    }
    const char *reason = isExcluded(op, options) ? "excluded"
                         : !in || !out ? "no calibrated range"
                         : !wData || !wType ? "weights computed at run time"
                         : (!convolution && wType.getRank() != 2)
                             ? "weights not 2-D"
                         : transA ? "transposed A"
                                  : nullptr;
    if (reason) {
      report.layers.push_back(layerEntry(op, "float32", reason));
      ++report.skippedOps;
      continue;
    }
    LayerQuantization layer = layerEntry(
        op, "int8",
        options.perChannelWeights
            ? "int8 weights per output channel, uint8 activations"
            : "int8 weights per tensor, uint8 activations");
    int64_t before = report.weightBytesBefore, after = report.weightBytesAfter;
    // The output channel: Conv's weights [M, C/G, K...] axis 0;
    // ConvTranspose's [C, M, K...] axis 1; Gemm's [K, N] axis 1 ([N, K]
    // with transB: axis 0); MatMul's [K, N] axis 1.
    int64_t axis = name == "onnx.Conv" ? 0 : (transB ? 0 : 1);
    Value xq = rw.activation(x, *in);
    std::vector<float> wScales;
    Value wq = rw.weights(op, w, *wData, axis, options.perChannelWeights,
                          wScales, report);
    layer.weightBytesBefore = report.weightBytesBefore - before;
    layer.weightBytesAfter = report.weightBytesAfter - after;
    report.layers.push_back(layer);
    op->setOperand(0, xq);
    op->setOperand(1, wq);
    if (op->getNumOperands() > 2 && op->getOperand(2)) {
      Value bias = op->getOperand(2);
      auto bType = dyn_cast<RankedTensorType>(bias.getType());
      std::optional<std::vector<float>> bData =
          readFloats(bias.getDefiningOp());
      float beta = 1.0f;
      if (auto attr = op->getAttrOfType<FloatAttr>("beta"))
        beta = attr.getValueAsDouble();
      if (bData && bType && bType.getRank() == 1 &&
          bType.getDimSize(0) == wType.getDimSize(axis) && beta == 1.0f)
        op->setOperand(2, rw.bias(op, bias, *bData, in->scale, wScales));
    }
    // A Relu that is the op's only reader: quantize its output instead
    // (its range starts at zero, so the integer op's clamp is the Relu),
    // as ONNX Runtime's tool does.
    Value quantized = result;
    if (result.hasOneUse()) {
      Operation *user = *result.getUsers().begin();
      if (user->getName().getStringRef() == "onnx.Relu")
        if (std::optional<UInt8Parameters> relu =
                rw.rangeOf(user->getResult(0))) {
          quantized = user->getResult(0);
          out = relu;
        }
    }
    rw.activation(quantized, *out);
    ++report.quantizedOps;
  }
  quantizeBoundaries(rw, func, options, report);
  // The float weights and biases the rewrite replaced.
  eraseUnusedConstants(func);
  return report;
}

struct QuantizeStaticPass
    : smelt::impl::SmeltQuantizeStaticPassBase<QuantizeStaticPass> {
  using Base::Base;
  QuantizeStaticPass(const SmeltQuantizeStaticPassOptions &options,
                     QuantizeReport *report)
      : Base(options), report(report) {}

  void runOnOperation() override {
    FailureOr<func::FuncOp> func =
        entryFunction(getOperation(), "smelt-quantize-static");
    if (failed(func))
      return signalPassFailure();
    QuantizeOptions selection;
    selection.perChannelWeights = perChannel;
    selection.excluded.insert(exclude.begin(), exclude.end());
    QuantizeReport done = quantizeStaticInt8(*func, selection);
    clearCalibration(*func);
    if (report)
      *report = std::move(done);
  }

  QuantizeReport *report = nullptr;
};

} // namespace

std::unique_ptr<Pass> smelt::createSmeltQuantizeStaticPass(
    const SmeltQuantizeStaticPassOptions &options, QuantizeReport *report) {
  return std::make_unique<QuantizeStaticPass>(options, report);
}
