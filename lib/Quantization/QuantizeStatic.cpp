//===- QuantizeStatic.cpp - Static int8 QDQ rewriting ----------------------===//
//
// See Quantize.h. Numbers follow ONNX Runtime's quantization tool:
// activations uint8 with scale (high - low) / 255 and zero point
// round(-low / scale); weights int8 symmetric in [-127, 127] with scale
// max|w| / 127 per output channel; biases int32 at x_scale * w_scale.
// Rounding is half to even throughout.
//
//===----------------------------------------------------------------------===//

#include "smelt/Quantization/Quantize.h"

#include "ONNXBuilding.h"

#include "smelt/Import/ONNXImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

std::optional<std::vector<float>>
smelt::detail::readFloats(Operation *constant) {
  if (!constant || constant->getName().getStringRef() != "onnx.Constant")
    return std::nullopt;
  Attribute value = constant->getAttr("value");
  auto shaped = dyn_cast_or_null<ShapedType>(
      value ? cast<TypedAttr>(value).getType() : Type());
  if (!shaped || !shaped.getElementType().isF32() || !shaped.hasStaticShape())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(value)) {
    std::vector<float> out;
    for (APFloat v : dense.getValues<APFloat>())
      out.push_back(v.convertToFloat());
    return out;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    if (data.size() != shaped.getNumElements() * sizeof(float))
      return std::nullopt;
    std::vector<float> out(shaped.getNumElements());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
  }
  return std::nullopt;
}


bool smelt::detail::isExcluded(Operation *op, const QuantizeOptions &options) {
  std::string type = op->getName().getStringRef().drop_front(5).str();
  if (options.excluded.count(type))
    return true;
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return options.excluded.count(loc.getName().str()) != 0;
  return false;
}

LayerQuantization smelt::detail::layerEntry(Operation *op,
                                           llvm::StringRef format,
                                           llvm::StringRef detail) {
  LayerQuantization layer;
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    layer.node = loc.getName().str();
  layer.op = op->getName().getStringRef().drop_front(5).str();
  layer.format = format.str();
  layer.detail = detail.str();
  return layer;
}

Value smelt::detail::onnxConstant(OpBuilder &b, Location loc, TypedAttr value,
                                  StringRef name) {
  OperationState state(loc, "onnx.Constant");
  state.addAttribute("value", value);
  if (!name.empty())
    state.addAttribute("onnx.name", b.getStringAttr(name));
  state.addTypes(value.getType());
  return b.create(state)->getResult(0);
}

void smelt::detail::eraseUnusedConstants(func::FuncOp func) {
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(func.getBody().front().getOperations())))
    if (op.getName().getStringRef() == "onnx.Constant" && op.use_empty())
      op.erase();
}


namespace {

int64_t bytesOf(Type type) {
  auto shaped = cast<ShapedType>(type);
  return shaped.getNumElements() *
         std::max<int64_t>(1, shaped.getElementTypeBitWidth() / 8);
}

/// What only moves or selects values keeps the quantization of its input,
/// so that it can run on the integers (onnx-fuse-qdq's pass-through ops).
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
  Rewriter(func::FuncOp func, const std::vector<TensorRange> &ranges)
      : func(func), b(func.getContext()) {
    for (const TensorRange &r : ranges) {
      if (r.opName == "input")
        inputs[r.node] = &r;
      else
        results[{r.node, r.result}] = &r;
    }
  }

  const TensorRange *rangeOf(Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() != &func.getBody().front())
        return nullptr;
      auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                    "onnx.name");
      auto it = name ? inputs.find(name.str()) : inputs.end();
      return it == inputs.end() ? nullptr : it->second;
    }
    auto loc = dyn_cast<NameLoc>(v.getDefiningOp()->getLoc());
    if (!loc)
      return nullptr;
    auto it = results.find(
        {loc.getName().str(), cast<OpResult>(v).getResultNumber()});
    return it == results.end() ? nullptr : it->second;
  }

  Value constant(Location loc, TypedAttr value, StringRef name = "") {
    return onnxConstant(b, loc, value, name);
  }

  Value op(Location loc, StringRef name, ValueRange operands, Type result,
           std::optional<int64_t> axis = std::nullopt) {
    SmallVector<NamedAttribute> attrs;
    if (axis)
      attrs.push_back(b.getNamedAttr("axis", b.getI64IntegerAttr(*axis)));
    return buildONNXOp(b, loc, name, operands, result, attrs)->getResult(0);
  }

  /// DequantizeLinear(QuantizeLinear(v)) with the range's uint8 parameters,
  /// made once per value, right after it is defined.
  Value activation(Value v, const TensorRange &table) {
    auto cached = dequantized.find(v);
    if (cached != dequantized.end())
      return cached->second;
    // Already quantized here: an op's output whose readers now read its
    // DequantizeLinear (a Gemm's Relu output, read by the next Gemm).
    if (Operation *def = v.getDefiningOp(); def && paramsOf.count(def))
      return v;
    // What only moves or selects values (MaxPool, Flatten, Reshape) keeps
    // the quantization of its input, so that it can run on the integers.
    TensorRange r = table;
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
    return dq;
  }

  /// `user`'s operand `index` through QuantizeLinear/DequantizeLinear with
  /// `r`'s parameters, for that reader alone (a Concat's inputs share its
  /// output's parameters, so that it runs on the integers).
  void requantizeOperand(Operation *user, unsigned index,
                         const TensorRange &r) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(user);
    user->setOperand(index, quantizeDequantize(user->getOperand(index), r));
  }

  /// DequantizeLinear(QuantizeLinear(v)) with `r`'s uint8 parameters, at
  /// the builder's insertion point.
  Value quantizeDequantize(Value v, const TensorRange &r) {
    Location loc = v.getLoc();
    auto type = cast<RankedTensorType>(v.getType());
    Type u8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
    Value scale = constant(
        loc, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                    r.scale));
    Value zp = constant(
        loc, DenseElementsAttr::get(RankedTensorType::get({}, u8),
                                    static_cast<uint8_t>(r.zeroPoint)));
    Value q = op(loc, "onnx.QuantizeLinear", {v, scale, zp}, type.clone(u8));
    Value dq = op(loc, "onnx.DequantizeLinear", {q, scale, zp}, type);
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
    return op(loc, "onnx.DequantizeLinear", {qw, scale, zp}, type,
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
    return op(loc, "onnx.DequantizeLinear", {qb, scale, zp},
              RankedTensorType::get({n}, b.getF32Type()), 0);
  }

  func::FuncOp func;
  OpBuilder b;
  std::map<std::string, const TensorRange *> inputs;
  std::map<std::pair<std::string, unsigned>, const TensorRange *> results;
  DenseMap<Value, Value> dequantized;
  /// The parameters of each DequantizeLinear this rewrite made.
  DenseMap<Operation *, TensorRange> paramsOf;
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
      const TensorRange &r = *rw.rangeOf(op->getResult(0));
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

Value makeConstant(OpBuilder &b, Location loc, ArrayRef<float> data,
                   ArrayRef<int64_t> shape, StringRef name) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return onnxConstant(b, loc, DenseElementsAttr::get(type, data), name);
}

/// A constant that broadcasts against a Conv's [N, M, ...] output with one
/// value per output channel (or one in all): its M values.
std::optional<std::vector<float>> perChannel(Value v, int64_t channels,
                                             int64_t outputRank) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  std::optional<std::vector<float>> data = readFloats(v.getDefiningOp());
  if (!type || !data || type.getRank() > outputRank)
    return std::nullopt;
  if (data->size() == 1)
    return std::vector<float>(channels, data->front());
  // Right-aligned against [N, M, spatial...]: M at position rank - (r - 1).
  int64_t channelDim = type.getRank() - (outputRank - 1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.getDimSize(d) != (d == channelDim ? channels : 1))
      return std::nullopt;
  return data;
}

} // namespace

int64_t smelt::foldChannelAffineIntoConvs(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return 0;
  OpBuilder b(module.getContext());
  int64_t folded = 0;
  SmallVector<Operation *> convs;
  func.walk([&](Operation *op) {
    StringRef name = op->getName().getStringRef();
    auto group = op->getAttrOfType<IntegerAttr>("group");
    if (name == "onnx.Conv" ||
        (name == "onnx.ConvTranspose" && (!group || group.getInt() == 1)))
      convs.push_back(op);
  });
  for (Operation *conv : convs) {
    Value w = conv->getOperand(1);
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    auto outType = dyn_cast<RankedTensorType>(conv->getResult(0).getType());
    std::optional<std::vector<float>> weights = readFloats(w.getDefiningOp());
    if (!wType || !outType || !weights || wType.getRank() < 3 ||
        !outType.hasRank())
      continue;
    // Output channels: Conv's weights [M, C/G, K...], ConvTranspose's
    // [C, M, K...].
    bool transposed = conv->getName().getStringRef() == "onnx.ConvTranspose";
    int64_t channels = wType.getDimSize(transposed ? 1 : 0);
    int64_t inner = 1;
    for (int64_t d = transposed ? 2 : 1; d < wType.getRank(); ++d)
      inner *= wType.getDimSize(d);
    auto channelOf = [&](int64_t i) { return (i / inner) % channels; };
    std::vector<float> bias(channels, 0.0f);
    bool hasBias = conv->getNumOperands() > 2 && conv->getOperand(2);
    if (hasBias) {
      std::optional<std::vector<float>> data =
          readFloats(conv->getOperand(2).getDefiningOp());
      if (!data || static_cast<int64_t>(data->size()) != channels)
        continue;
      bias = *data;
    }
    int64_t rank = outType.getRank();
    bool changed = false;
    while (conv->getResult(0).hasOneUse()) {
      Operation *user = *conv->getResult(0).getUsers().begin();
      StringRef name = user->getName().getStringRef();
      Value result = conv->getResult(0);
      std::vector<float> scale(channels, 1.0f), shift(channels, 0.0f);
      if ((name == "onnx.Mul" || name == "onnx.Add" || name == "onnx.Sub") &&
          user->getNumOperands() == 2) {
        Value other = user->getOperand(user->getOperand(0) == result ? 1 : 0);
        if (name == "onnx.Sub" && user->getOperand(0) != result)
          break;
        std::optional<std::vector<float>> c = perChannel(other, channels, rank);
        if (!c || user->getResult(0).getType() != result.getType())
          break;
        if (name == "onnx.Mul")
          scale = *c;
        else
          for (int64_t m = 0; m < channels; ++m)
            shift[m] = name == "onnx.Add" ? (*c)[m] : -(*c)[m];
      } else if (name == "onnx.BatchNormalization" &&
                 user->getNumResults() == 1 && user->getNumOperands() == 5) {
        std::optional<std::vector<float>> gamma =
            perChannel(user->getOperand(1), channels, 2);
        std::optional<std::vector<float>> beta =
            perChannel(user->getOperand(2), channels, 2);
        std::optional<std::vector<float>> mean =
            perChannel(user->getOperand(3), channels, 2);
        std::optional<std::vector<float>> var =
            perChannel(user->getOperand(4), channels, 2);
        if (!gamma || !beta || !mean || !var)
          break;
        float epsilon = 1e-5f;
        if (auto attr = user->getAttrOfType<FloatAttr>("epsilon"))
          epsilon = attr.getValueAsDouble();
        for (int64_t m = 0; m < channels; ++m) {
          scale[m] = (*gamma)[m] / std::sqrt((*var)[m] + epsilon);
          shift[m] = (*beta)[m] - (*mean)[m] * scale[m];
        }
      } else {
        break;
      }
      for (int64_t i = 0; i < static_cast<int64_t>(weights->size()); ++i)
        (*weights)[i] *= scale[channelOf(i)];
      for (int64_t m = 0; m < channels; ++m)
        bias[m] = bias[m] * scale[m] + shift[m];
      user->getResult(0).replaceAllUsesWith(result);
      user->erase();
      changed = true;
      ++folded;
    }
    if (!changed)
      continue;
    b.setInsertionPoint(conv);
    std::string base = "conv";
    if (auto loc = dyn_cast<NameLoc>(conv->getLoc()))
      base = loc.getName().str();
    conv->setOperand(1, makeConstant(b, w.getLoc(), *weights, wType.getShape(),
                                     base + "_folded_weights"));
    Value newBias =
        makeConstant(b, conv->getLoc(), bias, {channels}, base + "_folded_bias");
    if (hasBias)
      conv->setOperand(2, newBias);
    else
      conv->insertOperands(2, newBias);
  }
  eraseUnusedConstants(func);
  return folded;
}

FailureOr<QuantizeReport>
smelt::quantizeStaticInt8(ModuleOp module,
                          const std::vector<TensorRange> &ranges,
                          const QuantizeOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return module.emitError() << "the model has no entry function";
  Rewriter rw(func, ranges);
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
    const TensorRange *in = rw.rangeOf(x);
    const TensorRange *out = rw.rangeOf(result);
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
        if (const TensorRange *relu = rw.rangeOf(user->getResult(0))) {
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

namespace {

/// The lower Cholesky factor of the symmetric positive definite `a` (n x n,
/// row-major), in place; false when it is not positive definite.
bool cholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k)
      d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      double v = a[i * n + j];
      const double *ri = &a[i * n], *rj = &a[j * n];
      for (int64_t k = 0; k < j; ++k)
        v -= ri[k] * rj[k];
      a[i * n + j] = v / d;
    }
    for (int64_t i = 0; i < j; ++i)
      a[i * n + j] = 0;
  }
  return true;
}

/// GPTQ (Frantar et al. 2023) on `w` ([rows][k], row-major, updated in
/// place) with the Gram matrix `gram` of the layer's input: columns are
/// quantized in order, each one's rounding error spread over the columns
/// not yet quantized as the inverse Hessian's Cholesky factor says. Scales
/// are per row and group of `group` columns, taken when the group starts.
/// Writes the integers to `q` and the scales to `scales` [rows][k/group].
bool gptq(std::vector<double> &w, int64_t rows, int64_t k, int64_t group,
          float qmax, std::vector<double> gram, std::vector<int8_t> &q,
          std::vector<float> &scales) {
  double mean = 0;
  for (int64_t i = 0; i < k; ++i) {
    if (gram[i * k + i] == 0) {
      // An input that is always zero: its weights do not matter.
      gram[i * k + i] = 1;
      for (int64_t r = 0; r < rows; ++r)
        w[r * k + i] = 0;
    }
    mean += gram[i * k + i];
  }
  double damp = 0.01 * mean / k;
  for (int64_t i = 0; i < k; ++i)
    gram[i * k + i] += damp;
  // H^-1 from H = L L^T, then its upper Cholesky factor U (H^-1 = U^T U).
  if (!cholesky(gram, k))
    return false;
  std::vector<double> inv(k * k, 0.0);
  for (int64_t c = 0; c < k; ++c) {
    // Column c of L^-1 by forward substitution.
    for (int64_t i = 0; i < k; ++i) {
      double v = i == c ? 1.0 : 0.0;
      for (int64_t j = c; j < i; ++j)
        v -= gram[i * k + j] * inv[j * k + c];
      inv[i * k + c] = v / gram[i * k + i];
    }
  }
  // H^-1 = L^-T L^-1.
  std::vector<double> hinv(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      double v = 0;
      for (int64_t m = i; m < k; ++m)
        v += inv[m * k + i] * inv[m * k + j];
      hinv[i * k + j] = hinv[j * k + i] = v;
    }
  if (!cholesky(hinv, k))
    return false;
  // U = L2^T: U[i][j] = hinv[j][i] for j >= i.
  int64_t groups = k / group;
  scales.assign(rows * groups, 1.0f);
  q.assign(rows * k, 0);
  for (int64_t i = 0; i < k; ++i) {
    double u = hinv[i * k + i];
    for (int64_t r = 0; r < rows; ++r) {
      double *row = &w[r * k];
      if (i % group == 0) {
        double maxAbs = 0;
        for (int64_t j = i; j < i + group; ++j)
          maxAbs = std::max(maxAbs, std::fabs(row[j]));
        scales[r * groups + i / group] =
            maxAbs > 0 ? static_cast<float>(maxAbs / qmax) : 1.0f;
      }
      float scale = scales[r * groups + i / group];
      float level = std::clamp(
          std::nearbyint(static_cast<float>(row[i]) / scale), -qmax, qmax);
      q[r * k + i] = static_cast<int8_t>(level);
      double err = (row[i] - static_cast<double>(level) * scale) / u;
      for (int64_t j = i + 1; j < k; ++j)
        row[j] -= err * hinv[j * k + i];
    }
  }
  return true;
}

/// trace(D G D^T) for D = W - Q ([rows][k]) and the Gram matrix G.
double outputError(const std::vector<double> &d, int64_t rows, int64_t k,
                   const std::vector<double> &gram) {
  double total = 0;
  std::vector<double> t(k);
  for (int64_t r = 0; r < rows; ++r) {
    const double *dr = &d[r * k];
    for (int64_t j = 0; j < k; ++j) {
      double v = 0;
      for (int64_t m = 0; m < k; ++m)
        v += gram[j * k + m] * dr[m];
      t[j] = v;
    }
    for (int64_t j = 0; j < k; ++j)
      total += dr[j] * t[j];
  }
  return total;
}

} // namespace

FailureOr<QuantizeReport>
smelt::quantizeWeightsOnly(ModuleOp module, unsigned bits, int64_t groupSize,
                           const QuantizeOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return module.emitError() << "the model has no entry function";
  if (bits != 4 && bits != 8)
    return module.emitError() << "weight-only quantization takes 4 or 8 bits";
  const float qmax = bits == 4 ? 7.0f : 127.0f;
  OpBuilder b(module.getContext());
  QuantizeReport report;
  SmallVector<Operation *> candidates;
  for (Operation &op : func.getBody().front()) {
    StringRef name = op.getName().getStringRef();
    if (name == "onnx.Conv" || name == "onnx.Gemm" || name == "onnx.MatMul")
      candidates.push_back(&op);
  }
  for (Operation *op : candidates) {
    StringRef name = op->getName().getStringRef();
    Value w = op->getOperand(1);
    std::optional<std::vector<float>> data = readFloats(w.getDefiningOp());
    auto type = dyn_cast<RankedTensorType>(w.getType());
    bool transB = false;
    if (auto tb = op->getAttrOfType<IntegerAttr>("transB"))
      transB = tb.getInt() != 0;
    if (isExcluded(op, options) || !data || !type ||
        (name != "onnx.Conv" && type.getRank() != 2)) {
      report.layers.push_back(layerEntry(
          op, "float32",
          isExcluded(op, options) ? "excluded"
          : !data || !type        ? "weights computed at run time"
                                  : "weights not 2-D"));
      ++report.skippedOps;
      continue;
    }
    // The weights as [outputs, K] (Conv [F, C*KH*KW], Gemm with transB
    // [N, K]) or [K, outputs] (MatMul, Gemm): groups run along K.
    bool outputsFirst = name == "onnx.Conv" || transB;
    int64_t outputs = outputsFirst ? type.getDimSize(0) : type.getDimSize(1);
    int64_t k = type.getNumElements() / outputs;
    int64_t group = groupSize > 0 && k % groupSize == 0 ? groupSize : k;
    int64_t groups = k / group;
    auto at = [&](int64_t o, int64_t kk) {
      return outputsFirst ? o * k + kk : kk * outputs + o;
    };
    // Scales as [outputs, groups, 1] or [groups, 1, outputs], matching the
    // weights reshaped to [outputs, groups, group] or [groups, group,
    // outputs].
    std::vector<float> scales(outputs * groups, 1.0f);
    std::vector<int8_t> q(data->size());
    for (int64_t o = 0; o < outputs; ++o)
      for (int64_t g = 0; g < groups; ++g) {
        float maxAbs = 0;
        for (int64_t i = 0; i < group; ++i)
          maxAbs = std::max(maxAbs, std::fabs((*data)[at(o, g * group + i)]));
        float scale = maxAbs > 0 ? maxAbs / qmax : 1.0f;
        scales[outputsFirst ? o * groups + g : g * outputs + o] = scale;
        for (int64_t i = 0; i < group; ++i) {
          int64_t idx = at(o, g * group + i);
          q[idx] = static_cast<int8_t>(std::clamp(
              std::nearbyint((*data)[idx] / scale), -qmax, qmax));
        }
      }
    // GPTQ for Gemm and MatMul when calibration measured their input.
    const std::vector<double> *gram = nullptr;
    bool usedGptq = false;
    if (options.grams && name != "onnx.Conv") {
      Value x = op->getOperand(0);
      std::pair<std::string, unsigned> key;
      if (auto arg = dyn_cast<BlockArgument>(x)) {
        if (auto nm = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "onnx.name"))
          key = {nm.str(), 0};
      } else if (auto loc = dyn_cast<NameLoc>(x.getDefiningOp()->getLoc())) {
        key = {loc.getName().str(), cast<OpResult>(x).getResultNumber()};
      }
      auto it = options.grams->find(key);
      if (it != options.grams->end() &&
          it->second.size() == static_cast<size_t>(k * k))
        gram = &it->second;
    }
    if (gram) {
      std::vector<double> rowsW(outputs * k), nearest(outputs * k);
      for (int64_t o = 0; o < outputs; ++o)
        for (int64_t kk = 0; kk < k; ++kk) {
          int64_t idx = at(o, kk);
          rowsW[o * k + kk] = (*data)[idx];
          float scale = scales[outputsFirst ? o * groups + kk / group
                                            : (kk / group) * outputs + o];
          nearest[o * k + kk] = (*data)[idx] - q[idx] * scale;
        }
      std::vector<double> original = rowsW;
      std::vector<int8_t> gq;
      std::vector<float> gscales;
      if (gptq(rowsW, outputs, k, group, qmax, *gram, gq, gscales)) {
        std::vector<double> diff(outputs * k);
        for (int64_t o = 0; o < outputs; ++o)
          for (int64_t kk = 0; kk < k; ++kk) {
            float scale = gscales[o * groups + kk / group];
            q[at(o, kk)] = gq[o * k + kk];
            scales[outputsFirst ? o * groups + kk / group
                                : (kk / group) * outputs + o] = scale;
            diff[o * k + kk] = original[o * k + kk] - gq[o * k + kk] * scale;
          }
        report.gptqError += outputError(diff, outputs, k, *gram);
        report.nearestError += outputError(nearest, outputs, k, *gram);
        ++report.gptqOps;
        usedGptq = true;
      }
    }
    b.setInsertionPoint(op);
    Location loc = w.getLoc();
    auto constant = [&](TypedAttr value, StringRef nm = "") {
      return onnxConstant(b, loc, value, nm);
    };
    auto make = [&](StringRef opName, ValueRange operands, Type result,
                    ArrayRef<NamedAttribute> attrs = {}) {
      return buildONNXOp(b, loc, opName, operands, result, attrs)->getResult(0);
    };
    std::string base = "weights";
    if (auto nm = w.getDefiningOp()->getAttrOfType<StringAttr>("onnx.name"))
      base = nm.str();
    auto i8 = b.getIntegerType(8);
    Value qw = constant(DenseElementsAttr::get(type.clone(i8), ArrayRef(q)),
                        base + (bits == 4 ? "_int4" : "_int8"));
    SmallVector<int64_t> grouped =
        outputsFirst ? SmallVector<int64_t>{outputs, groups, group}
                     : SmallVector<int64_t>{groups, group, outputs};
    SmallVector<int64_t> scaleShape =
        outputsFirst ? SmallVector<int64_t>{outputs, groups, 1}
                     : SmallVector<int64_t>{groups, 1, outputs};
    auto f32 = b.getF32Type();
    Value scale = constant(
        DenseElementsAttr::get(RankedTensorType::get(scaleShape, f32),
                               ArrayRef(scales)),
        base + "_scale");
    auto shapeConstant = [&](ArrayRef<int64_t> dims) {
      auto t = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                     b.getI64Type());
      return constant(DenseElementsAttr::get(t, dims));
    };
    Value asFloat = make("onnx.Cast", {qw}, type,
                         {b.getNamedAttr("to", b.getI64IntegerAttr(1))});
    Value groupedValue =
        make("onnx.Reshape", {asFloat, shapeConstant(grouped)},
             RankedTensorType::get(grouped, f32));
    Value scaled = make("onnx.Mul", {groupedValue, scale},
                        RankedTensorType::get(grouped, f32));
    Value restored = make("onnx.Reshape", {scaled, shapeConstant(type.getShape())},
                          type);
    op->setOperand(1, restored);
    LayerQuantization layer = layerEntry(
        op, bits == 4 ? "int4-weights" : "int8-weights",
        (llvm::Twine(bits) + "-bit weights, " +
         (group == k ? llvm::Twine("one scale per output channel")
                     : llvm::Twine(group) + " per scale") +
         (usedGptq ? ", GPTQ" : "") + "; float activations")
            .str());
    // The layer's entry counts the bytes as stored (one integer a byte);
    // the totals count them packed, as the log line says.
    layer.weightBytesBefore = type.getNumElements() * 4;
    layer.weightBytesAfter = type.getNumElements() + scales.size() * 4;
    report.weightBytesBefore += layer.weightBytesBefore;
    report.weightBytesAfter +=
        type.getNumElements() * bits / 8 + scales.size() * 4;
    report.layers.push_back(layer);
    ++report.quantizedOps;
  }
  eraseUnusedConstants(func);
  return report;
}
