//===- CalibrationTable.cpp - Calibration statistics in and out of the IR ---===//
//
// Statistics live on the values they describe; the table is how they leave
// a module (to be looked at, or to quantize another import of the model
// many times without running it again) and come back. A table names
// tensors as ONNX does: by producing node and result, inputs by name.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Calibration.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace smelt;

CalibrationAttr smelt::getCalibration(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!func)
      return nullptr;
    return func.getArgAttrOfType<CalibrationAttr>(arg.getArgNumber(),
                                                  kCalibrationAttrName);
  }
  auto result = cast<OpResult>(value);
  auto all = result.getOwner()->getAttrOfType<ArrayAttr>(kCalibrationAttrName);
  if (!all || result.getResultNumber() >= all.size())
    return nullptr;
  return dyn_cast<CalibrationAttr>(all[result.getResultNumber()]);
}

void smelt::setCalibration(Value value, CalibrationAttr stats) {
  if (!value)
    return;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      func.setArgAttr(arg.getArgNumber(), kCalibrationAttrName, stats);
    return;
  }
  auto result = cast<OpResult>(value);
  Operation *op = result.getOwner();
  SmallVector<Attribute> all(op->getNumResults(),
                             UnitAttr::get(op->getContext()));
  if (auto old = op->getAttrOfType<ArrayAttr>(kCalibrationAttrName))
    for (unsigned i = 0; i < old.size() && i < all.size(); ++i)
      all[i] = old[i];
  all[result.getResultNumber()] = stats;
  op->setAttr(kCalibrationAttrName, ArrayAttr::get(op->getContext(), all));
}

void smelt::clearCalibration(func::FuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    func.removeArgAttr(i, kCalibrationAttrName);
  func.walk([](Operation *op) { op->removeAttr(kCalibrationAttrName); });
}

UInt8Parameters smelt::uint8Parameters(CalibrationAttr stats) {
  return uint8Parameters(stats.getLowValue(), stats.getHighValue());
}

UInt8Parameters smelt::uint8Parameters(double low, double high) {
  double scale = (high - low) / 255.0;
  if (scale <= 0)
    scale = 1.0;
  UInt8Parameters p;
  p.scale = static_cast<float>(scale);
  p.zeroPoint =
      static_cast<int>(std::clamp(std::nearbyint(-low / scale), 0.0, 255.0));
  return p;
}

namespace {

std::string nodeName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  return "?";
}

TensorRange rangeOf(CalibrationAttr stats) {
  TensorRange r;
  r.min = stats.getMinValue();
  r.max = stats.getMaxValue();
  r.low = stats.getLowValue();
  r.high = stats.getHighValue();
  r.count = stats.getElements();
  return r;
}

} // namespace

std::vector<TensorRange> smelt::collectCalibration(func::FuncOp func) {
  std::vector<TensorRange> ranges;
  for (BlockArgument arg : func.getArguments()) {
    CalibrationAttr stats = getCalibration(arg);
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    if (!stats || !name)
      continue;
    TensorRange r = rangeOf(stats);
    r.node = name.str();
    r.opName = "input";
    ranges.push_back(r);
  }
  for (Operation &op : func.getBody().front())
    for (OpResult result : op.getResults())
      if (CalibrationAttr stats = getCalibration(result)) {
        TensorRange r = rangeOf(stats);
        r.node = nodeName(&op);
        r.result = result.getResultNumber();
        r.opName = op.getName().getStringRef().str();
        ranges.push_back(r);
      }
  return ranges;
}

std::string smelt::formatCalibrationTable(const std::vector<TensorRange> &ranges,
                                          llvm::StringRef method,
                                          double percentile,
                                          llvm::StringRef dataPath) {
  llvm::json::Array tensors;
  for (const TensorRange &r : ranges) {
    UInt8Parameters p = uint8Parameters(r.low, r.high);
    tensors.push_back(llvm::json::Object{
        {"node", r.node},
        {"result", static_cast<int64_t>(r.result)},
        {"op", r.opName},
        {"min", r.min},
        {"max", r.max},
        {"low", r.low},
        {"high", r.high},
        {"scale", p.scale},
        {"zero_point", p.zeroPoint},
        {"elements", r.count}});
  }
  llvm::json::Object table{{"method", method},
                           {"data", dataPath},
                           {"tensors", std::move(tensors)}};
  if (method == "percentile")
    table["percentile"] = percentile;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(table))) << "\n";
  return text;
}

namespace {

/// The values of `func` by the names a table uses: inputs by name, results
/// by producing node and result number (the last op of a name wins, as in
/// the model that was measured).
struct NamedValues {
  explicit NamedValues(func::FuncOp func) {
    for (BlockArgument arg : func.getArguments())
      if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "onnx.name"))
        inputs[name.str()] = arg;
    for (Operation &op : func.getBody().front())
      if (isa<NameLoc>(op.getLoc()))
        for (OpResult result : op.getResults())
          results[{nodeName(&op), result.getResultNumber()}] = result;
  }
  Value lookup(llvm::StringRef node, unsigned result, bool input) const {
    if (input) {
      auto it = inputs.find(node.str());
      return it == inputs.end() ? Value() : it->second;
    }
    auto it = results.find({node.str(), result});
    return it == results.end() ? Value() : it->second;
  }
  std::map<std::string, Value> inputs;
  std::map<std::pair<std::string, unsigned>, Value> results;
};

bool isF32Tensor(Value v) {
  auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
  return type && type.getElementType().isF32();
}

} // namespace

LogicalResult smelt::applyCalibrationTable(func::FuncOp func,
                                           llvm::StringRef path) {
  MLIRContext *ctx = func.getContext();
  Location loc = FileLineColLoc::get(ctx, path, 0, 0);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path);
  if (!file)
    return emitError(loc) << "cannot read the calibration table '" << path
                          << "': " << file.getError().message();
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*file)->getBuffer());
  if (!parsed)
    return emitError(loc) << "the calibration table '" << path
                          << "' is not JSON: "
                          << llvm::toString(parsed.takeError());
  const llvm::json::Object *root = parsed->getAsObject();
  const llvm::json::Array *tensors = root ? root->getArray("tensors") : nullptr;
  if (!tensors)
    return emitError(loc) << "the calibration table '" << path
                          << "' has no \"tensors\" array";

  NamedValues values(func);

  for (size_t i = 0; i < tensors->size(); ++i) {
    const llvm::json::Object *entry = (*tensors)[i].getAsObject();
    std::optional<llvm::StringRef> node =
        entry ? entry->getString("node") : std::nullopt;
    std::optional<double> low = entry ? entry->getNumber("low") : std::nullopt;
    std::optional<double> high = entry ? entry->getNumber("high") : std::nullopt;
    if (!node || !low || !high)
      return emitError(loc) << "the calibration table '" << path
                            << "': entry " << i
                            << " needs \"node\", \"low\" and \"high\"";
    if (!(*low <= 0 && 0 <= *high))
      return emitError(loc) << "the calibration table '" << path
                            << "': the range of '" << *node
                            << "' must include zero";
    std::optional<llvm::StringRef> op = entry->getString("op");
    int64_t result = entry->getInteger("result").value_or(0);
    Value value = values.lookup(*node, static_cast<unsigned>(result),
                                op && *op == "input");
    if (!isF32Tensor(value))
      continue;
    setCalibration(value, CalibrationAttr::get(
                              ctx, *low, *high,
                              entry->getNumber("min").value_or(*low),
                              entry->getNumber("max").value_or(*high),
                              entry->getInteger("elements").value_or(0),
                              ElementsAttr()));
  }
  return success();
}
