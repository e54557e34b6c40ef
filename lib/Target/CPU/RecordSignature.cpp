//===- RecordSignature.cpp - smelt-cpu-record-signature --------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "smelt/Import/ONNXImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

namespace smelt {
#define GEN_PASS_DEF_CPURECORDSIGNATUREPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The runtime's name for an element type; empty when it has none.
std::string runtimeTypeName(Type element) {
  if (element.isF32())
    return "f32";
  if (element.isF64())
    return "f64";
  if (element.isF16())
    return "f16";
  if (element.isBF16())
    return "bf16";
  if (auto integer = dyn_cast<IntegerType>(element)) {
    if (integer.getWidth() == 1)
      return "bool";
    if (integer.getWidth() > 64 || integer.getWidth() % 8)
      return "";
    return (integer.isUnsigned() ? "u" : "i") +
           std::to_string(integer.getWidth());
  }
  return "";
}

struct CPURecordSignaturePass
    : smelt::impl::CPURecordSignaturePassBase<CPURecordSignaturePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(smelt::kONNXEntryName);
    if (!func) {
      module.emitError() << "has no entry function @" << smelt::kONNXEntryName;
      return signalPassFailure();
    }
    std::string signature;
    auto describe = [&](const char *kind, unsigned index, Type type,
                        DictionaryAttr attrs) -> LogicalResult {
      auto nameAttr = attrs ? attrs.getAs<StringAttr>("onnx.name") : nullptr;
      std::string name = nameAttr ? nameAttr.str()
                                  : std::string(kind) + std::to_string(index);
      if (!isa<TensorType>(type))
        return func.emitError()
               << kind << " '" << name << "' has type " << type
               << "; the CPU runtime passes only tensors";
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor)
        return func.emitError()
               << kind << " '" << name << "' has type " << type
               << "; the CPU target needs its rank (set its shape with "
                  "smeltc --input-shape="
               << name << ":DIMxDIM...)";
      std::string elem = runtimeTypeName(tensor.getElementType());
      if (elem.empty())
        return func.emitError() << kind << " '" << name
                                << "' has element type "
                                << tensor.getElementType()
                                << ", which the runtime cannot pass";
      if (name.find_first_of("\t\n") != std::string::npos)
        return func.emitError() << kind << " '" << name
                                << "' has a tab or newline in its name";
      signature += std::string(kind) + "\t" + name + "\t" + elem + "\t";
      // A dimension known only at run time is '?'.
      for (auto [i, d] : llvm::enumerate(tensor.getShape()))
        signature += (i ? "," : "") +
                     (ShapedType::isDynamic(d) ? "?" : std::to_string(d));
      signature += "\n";
      return success();
    };
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (failed(describe("input", i, func.getArgument(i).getType(),
                          func.getArgAttrDict(i))))
        return signalPassFailure();
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      if (failed(describe("output", i, func.getResultTypes()[i],
                          func.getResultAttrDict(i))))
        return signalPassFailure();
    module->setAttr(smelt::kSignatureAttrName,
                    StringAttr::get(module.getContext(), signature));
    // The names now live in the signature; LLVM has no use for them.
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.removeArgAttr(i, "onnx.name");
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      func.removeResultAttr(i, StringAttr::get(module.getContext(), "onnx.name"));
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(module.getContext()));
  }
};

} // namespace
