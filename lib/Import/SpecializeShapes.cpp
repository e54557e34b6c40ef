//===- SpecializeShapes.cpp - Input shapes fixed in the IR ----------------===//
//
// smelt-specialize-shapes: the module goes out as ONNX with the new input
// shapes (ONNXExport.h, large tensors without their bytes), ONNX's inference
// and the importer's Reshape evaluation run on it as at import, and the
// shapes they find come back onto the same values. Nothing else of the
// module is rebuilt.
//
//===----------------------------------------------------------------------===//

#include "smelt/Import/SpecializeShapes.h"
#include "smelt/Import/Passes.h"

#include "ONNXModelLoader.h"
#include "ONNXTensorImport.h"

#include "ONNX/ONNXBuild.h"
#include "ONNX/ONNXDialect.h"
#include "smelt/Export/ONNXModelExport.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"

namespace smelt {
#define GEN_PASS_DEF_SMELTSPECIALIZESHAPESPASS
#include "smelt/Import/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {

/// What ONNX's inference left in a graph and its subgraphs, by value name.
struct InferredGraph {
  llvm::StringMap<const ::onnx::TypeProto *> types;
  /// Values a Constant node makes (the size computations folded).
  llvm::StringMap<const ::onnx::NodeProto *> constants;

  void collect(const ::onnx::GraphProto &graph) {
    for (const auto *infos : {&graph.input(), &graph.value_info(),
                              &graph.output()})
      for (const ::onnx::ValueInfoProto &info : *infos)
        if (info.has_type())
          types[info.name()] = &info.type();
    for (const ::onnx::NodeProto &node : graph.node()) {
      if (node.op_type() == "Constant" && node.domain().empty())
        for (const std::string &output : node.output())
          constants[output] = &node;
      for (const ::onnx::AttributeProto &attr : node.attribute()) {
        if (attr.has_g())
          collect(attr.g());
        for (const ::onnx::GraphProto &sub : attr.graphs())
          collect(sub);
      }
    }
  }
};

/// `old` with what `found` knows that it does not: `found`'s static sizes
/// where `old` has dynamic ones, `old`'s element type. Null when the two
/// contradict (another rank, another static size).
Type refine(Type old, Type found) {
  auto wanted = dyn_cast<RankedTensorType>(found);
  auto had = dyn_cast<TensorType>(old);
  if (!wanted || !had)
    return old;
  if (!had.hasRank())
    return RankedTensorType::get(wanted.getShape(), had.getElementType());
  if (had.getRank() != wanted.getRank())
    return nullptr;
  llvm::SmallVector<int64_t> dims;
  for (auto [a, b] : llvm::zip(had.getShape(), wanted.getShape())) {
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return nullptr;
    dims.push_back(ShapedType::isDynamic(a) ? b : a);
  }
  return RankedTensorType::get(dims, had.getElementType());
}

std::string describe(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// The function `module` holds (the importer's entry, or its only one).
func::FuncOp entryOf(ModuleOp module) {
  if (auto entry = module.lookupSymbol<func::FuncOp>(kONNXEntryName))
    return entry;
  func::FuncOp only;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (only)
      return nullptr;
    only = func;
  }
  return only;
}

} // namespace

LogicalResult smelt::specializeShapes(
    ModuleOp module, const std::map<std::string, std::vector<int64_t>> &shapes) {
  func::FuncOp func = entryOf(module);
  if (!func || func.isExternal())
    return module.emitError("has no function with a body to specialize");

  // The new input types, checked against the declared ones.
  llvm::SmallVector<Type> argTypes(func.getArgumentTypes());
  std::map<std::string, unsigned> argIndex;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name"))
      argIndex[name.str()] = i;
  bool changes = false;
  for (const auto &[name, dims] : shapes) {
    auto it = argIndex.find(name);
    if (it == argIndex.end())
      return func.emitError() << "a shape is given for '" << name
                              << "', which is not an input of the model";
    auto declared = dyn_cast<TensorType>(argTypes[it->second]);
    if (!declared)
      return func.emitError() << "input '" << name << "' is not a tensor";
    Type wanted = RankedTensorType::get(dims, declared.getElementType());
    Type refined = refine(declared, wanted);
    if (!refined)
      return func.emitError()
             << "the shape given for input '" << name << "', "
             << describe(wanted) << ", does not fit its declared "
             << describe(declared);
    changes |= refined != declared;
    argTypes[it->second] = refined;
  }
  if (!changes)
    return success();

  ::onnx::ModelProto model;
  ONNXExportOptions exportOptions;
  exportOptions.forShapeInference = true;
  llvm::DenseMap<Value, std::string> names;
  if (failed(exportONNXModel(module, model, exportOptions, &names)))
    return failure();
  // The graph's inputs are the function's arguments, in order.
  for (auto [input, type] :
       llvm::zip(*model.mutable_graph()->mutable_input(), argTypes)) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked || !input.mutable_type()->has_tensor_type())
      continue;
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : ranked.getShape()) {
      auto *dim = shape->add_dim();
      if (!ShapedType::isDynamic(d))
        dim->set_dim_value(d);
    }
  }
  std::string error;
  if (!inferONNXShapes(model, error))
    return func.emitError() << "cannot specialize the shapes: " << error;
  InferredGraph inferred;
  inferred.collect(model.graph());

  // Each value takes its shape; folded size computations are collected.
  MLIRContext *context = module.getContext();
  llvm::SmallVector<std::pair<Value, const ::onnx::NodeProto *>> folded;
  auto update = [&](Value value) -> LogicalResult {
    auto name = names.find(value);
    if (name == names.end())
      return success();
    Operation *def = value.getDefiningOp();
    bool isConstant = def && isa<smelt::onnx::ConstantOp>(def);
    if (auto node = inferred.constants.find(name->second);
        node != inferred.constants.end() && def && !isConstant) {
      folded.push_back({value, node->second});
      return success();
    }
    auto proto = inferred.types.find(name->second);
    if (proto == inferred.types.end() || isConstant)
      return success();
    std::string why;
    Type found = importType(*proto->second, context, why);
    if (!found)
      return success(); // inference knows less than the module
    Type refined = refine(value.getType(), found);
    if (!refined) {
      InFlightDiagnostic diag =
          def ? def->emitError() : mlir::emitError(value.getLoc());
      return diag << "specializing the input shapes gives '" << name->second
                  << "' the type " << describe(found)
                  << ", which contradicts its " << describe(value.getType());
    }
    value.setType(refined);
    return success();
  };
  for (auto [arg, type] : llvm::zip(func.getArguments(), argTypes))
    arg.setType(type);
  WalkResult walked = func.getBody().walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (failed(update(arg)))
            return WalkResult::interrupt();
    for (Value result : op->getResults())
      if (failed(update(result)))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walked.wasInterrupted())
    return failure();

  // Folded size computations become constants; what fed only them goes.
  llvm::SetVector<Operation *> maybeDead;
  llvm::SmallVector<Operation *> created;
  TensorImportContext tensors{context, "", /*maxInlineElements=*/1 << 20};
  for (auto [value, node] : folded) {
    const ::onnx::TensorProto *tensor = nullptr;
    for (const ::onnx::AttributeProto &attr : node->attribute())
      if (attr.name() == "value" && attr.has_t())
        tensor = &attr.t();
    if (!tensor)
      continue;
    ::onnx::TensorProto copy = *tensor;
    std::string why;
    ElementsAttr attr = importTensor(copy, tensors, why);
    if (!attr)
      return value.getDefiningOp()->emitError()
             << "its folded size cannot be imported: " << why;
    Operation *def = value.getDefiningOp();
    OpBuilder builder(def);
    OperationState state(def->getLoc(),
                         smelt::onnx::ConstantOp::getOperationName());
    state.addAttribute("value", attr);
    state.addTypes(attr.getType());
    Operation *constant = builder.create(state);
    value.replaceAllUsesWith(constant->getResult(0));
    maybeDead.insert(def);
    created.push_back(constant);
  }
  // A constant made here can be left unused by a later one (Shape, then the
  // Gather of it).
  maybeDead.insert(created.begin(), created.end());
  while (!maybeDead.empty()) {
    Operation *op = maybeDead.pop_back_val();
    if (!op->use_empty() || op->getNumRegions() != 0 ||
        !isa_and_present<smelt::onnx::ONNXDialect>(op->getDialect()))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        maybeDead.insert(def);
    op->erase();
  }

  Operation *terminator = func.getBody().front().getTerminator();
  func.setType(FunctionType::get(context, argTypes,
                                 terminator->getOperandTypes()));
  return success();
}

namespace {

struct SmeltSpecializeShapesPass
    : smelt::impl::SmeltSpecializeShapesPassBase<SmeltSpecializeShapesPass> {
  using SmeltSpecializeShapesPassBase::SmeltSpecializeShapesPassBase;

  void runOnOperation() override {
    std::map<std::string, std::vector<int64_t>> parsed;
    for (const std::string &entry : shapes) {
      llvm::StringRef text(entry);
      auto [name, dimsText] = text.rsplit(':');
      std::vector<int64_t> dims;
      bool bad = name.empty() || dimsText.empty() || name == text;
      llvm::SmallVector<llvm::StringRef> parts;
      dimsText.split(parts, 'x');
      for (llvm::StringRef part : parts) {
        int64_t d;
        if (part.getAsInteger(10, d) || d < 0)
          bad = true;
        dims.push_back(d);
      }
      if (bad) {
        getOperation().emitError()
            << "smelt-specialize-shapes: '" << entry
            << "' is not a shape; write name:DIMxDIM...";
        return signalPassFailure();
      }
      parsed[name.str()] = dims;
    }
    if (failed(specializeShapes(getOperation(), parsed)))
      signalPassFailure();
  }
};

} // namespace
