//===- Instrument.cpp - Every f32 tensor of a model as an output ----------===//

#include "Instrument.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {
bool isMeasurable(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  // Dynamic sizes are known when the executor runs the samples.
  return tensor && tensor.getElementType().isF32() &&
         (!tensor.hasStaticShape() || tensor.getNumElements() > 0);
}
} // namespace

std::vector<Tap> smelt::detail::instrument(func::FuncOp func) {
  std::vector<Tap> taps;
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Value> results(ret.getOperands());
  // The model's f32 inputs first (their ranges set the first activations'
  // quantization), as "input" tensors named by the input.
  for (BlockArgument arg : func.getArguments()) {
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    if (!name || !isMeasurable(arg.getType()))
      continue;
    Tap t;
    t.node = name.str();
    t.opName = "input";
    t.argument = arg.getArgNumber();
    taps.push_back(t);
    results.push_back(arg);
  }
  int64_t index = -1;
  for (Operation &op : body.without_terminator()) {
    ++index;
    if (op.getName().getStringRef() == "onnx.Constant")
      continue;
    std::string node = "?";
    if (auto name = dyn_cast<NameLoc>(op.getLoc()))
      node = name.getName().str();
    for (OpResult result : op.getResults()) {
      if (!isMeasurable(result.getType()))
        continue;
      Tap t;
      t.node = node;
      t.result = result.getResultNumber();
      t.opName = op.getName().getStringRef().str();
      t.opIndex = index;
      taps.push_back(t);
      results.push_back(result);
    }
  }
  unsigned original = ret.getNumOperands();
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  SmallVector<Type> types(func.getFunctionType().getResults());
  SmallVector<DictionaryAttr> attrs;
  for (unsigned i = 0; i < original; ++i)
    attrs.push_back(func.getResultAttrDict(i));
  for (size_t i = original; i < results.size(); ++i) {
    types.push_back(results[i].getType());
    attrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
        "onnx.name", b.getStringAttr("smelt_calibration_" +
                                     std::to_string(i - original)))));
  }
  func.setFunctionType(
      FunctionType::get(func.getContext(), func.getArgumentTypes(), types));
  func.setAllResultAttrs(attrs);
  return taps;
}

Value smelt::detail::tappedValue(func::FuncOp func, const Tap &tap) {
  Block &body = func.getBody().front();
  if (tap.argument >= 0)
    return tap.argument < body.getNumArguments() ? body.getArgument(tap.argument)
                                                 : Value();
  int64_t index = 0;
  for (Operation &op : body) {
    if (index++ != tap.opIndex)
      continue;
    return tap.result < op.getNumResults() ? op.getResult(tap.result) : Value();
  }
  return Value();
}
