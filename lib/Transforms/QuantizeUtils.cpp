//===- QuantizeUtils.cpp - What the quantization passes share --------------===//

#include "QuantizeUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

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
  SmallVector<NamedAttribute> attrs = {b.getNamedAttr("value", value)};
  if (!name.empty())
    attrs.push_back(b.getNamedAttr("onnx.name", b.getStringAttr(name)));
  return onnx::ConstantOp::create(b, loc, TypeRange{value.getType()},
                                  ValueRange{}, attrs)
      .getResult();
}

void smelt::detail::eraseUnusedConstants(func::FuncOp func) {
  for (Operation &op : llvm::make_early_inc_range(
           llvm::reverse(func.getBody().front().getOperations())))
    if (op.getName().getStringRef() == "onnx.Constant" && op.use_empty())
      op.erase();
}

FailureOr<func::FuncOp> smelt::detail::entryFunction(ModuleOp module,
                                                     llvm::StringRef pass) {
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return module.emitError() << pass << ": the module has no entry function @"
                              << kONNXEntryName;
  return func;
}
