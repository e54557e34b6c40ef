//===- ONNXDialect.cpp - The onnx dialect ---------------------------------===//

#include "ONNX/ONNXDialect.h"
#include "ONNX/ONNXBuild.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

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
