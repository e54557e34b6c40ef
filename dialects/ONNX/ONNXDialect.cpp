//===- ONNXDialect.cpp - The onnx dialect ---------------------------------===//

#include "ONNX/ONNXDialect.h"
#include "ONNX/ONNXBuild.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
using namespace smelt::onnx;

#include "ONNX/ONNXDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "ONNX/ONNXTypes.cpp.inc"

void ONNXDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ONNX/ONNXTypes.cpp.inc"
      >();
  registerOps();
}

namespace {
struct DomainSpelling {
  llvm::StringLiteral onnxDomain;
  llvm::StringLiteral opPrefix;
};
// Keep in step with kDomains in gen/ONNXOpsGen.cpp.
constexpr DomainSpelling kDomains[] = {
    {"ai.onnx.ml", "ml."},
    {"ai.onnx.preview.training", "training."},
};
} // namespace

std::pair<llvm::StringRef, llvm::StringRef>
smelt::onnx::getONNXDomainAndName(llvm::StringRef opName) {
  opName.consume_front("onnx.");
  for (const DomainSpelling &d : kDomains)
    if (opName.starts_with(d.opPrefix))
      return {d.onnxDomain, opName.drop_front(d.opPrefix.size())};
  return {"", opName};
}

std::string smelt::onnx::getMLIROpName(llvm::StringRef domain,
                                       llvm::StringRef opType) {
  if (domain.empty() || domain == "ai.onnx")
    return ("onnx." + opType).str();
  for (const DomainSpelling &d : kDomains)
    if (domain == d.onnxDomain)
      return ("onnx." + d.opPrefix + opType).str();
  return "";
}

bool smelt::onnx::isSameTypeParam(Type a, Type b) {
  if (auto ta = dyn_cast<TensorType>(a)) {
    auto tb = dyn_cast<TensorType>(b);
    return tb && ta.getElementType() == tb.getElementType();
  }
  if (auto sa = dyn_cast<SeqType>(a)) {
    auto sb = dyn_cast<SeqType>(b);
    return sb && isSameTypeParam(sa.getElementType(), sb.getElementType());
  }
  if (auto oa = dyn_cast<OptType>(a)) {
    auto ob = dyn_cast<OptType>(b);
    return ob && isSameTypeParam(oa.getElementType(), ob.getElementType());
  }
  if (auto ma = dyn_cast<MapType>(a)) {
    auto mb = dyn_cast<MapType>(b);
    return mb && ma.getKeyType() == mb.getKeyType() &&
           isSameTypeParam(ma.getValueType(), mb.getValueType());
  }
  return a == b;
}

LogicalResult smelt::onnx::detail::verifyTypeParams(
    Operation *op, std::initializer_list<TypeParamGroup> groups) {
  for (const TypeParamGroup &group : groups) {
    Type first;
    const char *firstName = nullptr;
    for (const TypeParamMember &member : group.members) {
      for (Value v : member.values) {
        if (!first) {
          first = v.getType();
          firstName = member.name;
          continue;
        }
        if (!isSameTypeParam(first, v.getType()))
          return op->emitOpError()
                 << "'" << member.name << "' has type " << v.getType()
                 << " but '" << firstName << "' has type " << first
                 << "; both bind type parameter " << group.param
                 << " and must agree on the element type";
      }
    }
  }
  return success();
}

bool smelt::onnx::isONNXOp(mlir::Operation *op, llvm::StringRef name) {
  return op && op->getName().getStringRef() == name;
}

mlir::Operation *smelt::onnx::buildONNXOp(mlir::OpBuilder &b,
                                          mlir::Location loc,
                                          llvm::StringRef name,
                                          mlir::ValueRange operands,
                                          mlir::TypeRange results,
                                          llvm::ArrayRef<mlir::NamedAttribute> attrs) {
  mlir::OperationState state(loc, name);
  state.addOperands(operands);
  state.addTypes(results);
  state.addAttributes(attrs);
  return b.create(state);
}

std::optional<SmallVector<int64_t>>
smelt::onnx::getConstantInts(Value value) {
  DenseIntElementsAttr attr;
  // An onnx.Constant that the conversion has not reached yet, seen through
  // the cast that stands for its converted value.
  if (auto cast = value.getDefiningOp<UnrealizedConversionCastOp>())
    if (cast.getInputs().size() == 1)
      value = cast.getInputs()[0];
  if (Operation *def = value.getDefiningOp();
      def && def->getName().getStringRef() == "onnx.Constant") {
    attr = dyn_cast_or_null<DenseIntElementsAttr>(def->getAttr("value"));
    // Initializers of more than a few elements are resource blobs.
    auto resource =
        dyn_cast_or_null<DenseResourceElementsAttr>(def->getAttr("value"));
    auto integer = resource ? dyn_cast<IntegerType>(
                                  resource.getType().getElementType())
                            : IntegerType();
    if (integer && integer.getWidth() % 8 == 0 && integer.getWidth() <= 64) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return std::nullopt;
      ArrayRef<char> data = blob->getData();
      size_t width = integer.getWidth() / 8;
      int64_t count = resource.getType().getNumElements();
      if (data.size() != static_cast<size_t>(count) * width)
        return std::nullopt;
      SmallVector<int64_t> values;
      for (int64_t i = 0; i < count; ++i) {
        uint64_t raw = 0;
        std::memcpy(&raw, data.data() + i * width, width);
        APInt v(integer.getWidth(), raw);
        values.push_back(integer.isUnsigned() ? int64_t(v.getZExtValue())
                                              : v.getSExtValue());
      }
      return values;
    }
  }
  if (!attr && !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  bool isUnsigned = attr.getElementType().isUnsignedInteger();
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue());
  return values;
}

std::optional<SmallVector<double>>
smelt::onnx::getConstantFloats(Value value) {
  DenseFPElementsAttr attr;
  if (auto cast = value.getDefiningOp<UnrealizedConversionCastOp>())
    if (cast.getInputs().size() == 1)
      value = cast.getInputs()[0];
  if (Operation *def = value.getDefiningOp();
      def && def->getName().getStringRef() == "onnx.Constant") {
    attr = dyn_cast_or_null<DenseFPElementsAttr>(def->getAttr("value"));
    // f32 and f64 initializers of more than a few elements are blobs.
    if (auto resource =
            dyn_cast_or_null<DenseResourceElementsAttr>(def->getAttr("value"))) {
      Type element = resource.getType().getElementType();
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      int64_t count = resource.getType().getNumElements();
      if (!blob || !(element.isF32() || element.isF64()))
        return std::nullopt;
      ArrayRef<char> data = blob->getData();
      size_t width = element.isF32() ? 4 : 8;
      if (data.size() != static_cast<size_t>(count) * width)
        return std::nullopt;
      SmallVector<double> values;
      for (int64_t i = 0; i < count; ++i) {
        if (width == 4) {
          float f;
          std::memcpy(&f, data.data() + i * 4, 4);
          values.push_back(f);
        } else {
          double d;
          std::memcpy(&d, data.data() + i * 8, 8);
          values.push_back(d);
        }
      }
      return values;
    }
  }
  if (!attr && !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<double> values;
  for (const APFloat &v : attr.getValues<APFloat>())
    values.push_back(v.convertToDouble());
  return values;
}
