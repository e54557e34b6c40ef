//===- ONNXImporter.cpp - ONNX models into the onnx dialect ---------------===//
//
// Walks a loaded, checked and shape-inferred ModelProto and builds one
// func.func of onnx ops. Operands, results and attributes are matched to the
// op through ONNX's schema for the node, the same schema the dialect was
// generated from. Every op is verified as it is built, so that a diagnostic
// can name the node it came from.
//
//===----------------------------------------------------------------------===//

#include "smelt/Import/ONNXImport.h"

#include "ONNXModelLoader.h"
#include "ONNXTensorImport.h"

#include "ONNX/ONNXDialect.h"

#include "onnx/defs/schema.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;
using ::onnx::AttributeProto;
using ::onnx::GraphProto;
using ::onnx::NodeProto;
using ::onnx::OpSchema;

namespace {

const char *attributeKindName(int kind) {
  switch (kind) {
  case AttributeProto::FLOAT:
    return "FLOAT";
  case AttributeProto::INT:
    return "INT";
  case AttributeProto::STRING:
    return "STRING";
  case AttributeProto::TENSOR:
    return "TENSOR";
  case AttributeProto::GRAPH:
    return "GRAPH";
  case AttributeProto::SPARSE_TENSOR:
    return "SPARSE_TENSOR";
  case AttributeProto::TYPE_PROTO:
    return "TYPE_PROTO";
  case AttributeProto::FLOATS:
    return "FLOATS";
  case AttributeProto::INTS:
    return "INTS";
  case AttributeProto::STRINGS:
    return "STRINGS";
  case AttributeProto::TENSORS:
    return "TENSORS";
  case AttributeProto::GRAPHS:
    return "GRAPHS";
  case AttributeProto::SPARSE_TENSORS:
    return "SPARSE_TENSORS";
  case AttributeProto::TYPE_PROTOS:
    return "TYPE_PROTOS";
  default:
    return "UNDEFINED";
  }
}

std::string displayDomain(llvm::StringRef domain) {
  return domain.empty() ? "ai.onnx" : domain.str();
}

class ModelImporter {
public:
  ModelImporter(MLIRContext *context, llvm::StringRef path,
                ::onnx::ModelProto &model, const ONNXImportOptions &options)
      : context(context), path(path.str()), model(model), builder(context),
        fileLoc(FileLineColLoc::get(context, path, 0, 0)),
        tensorContext{context, llvm::sys::path::parent_path(path).str(),
                      options.maxInlineElements} {
    for (const auto &opset : model.opset_import())
      opsets[displayDomain(opset.domain())] = opset.version();
  }

  OwningOpRef<ModuleOp> importModel();

private:
  InFlightDiagnostic emitModelError() { return mlir::emitError(fileLoc); }

  /// "node 'conv1' (Conv)", or for unnamed nodes "node #3 (Conv) producing
  /// 'y'".
  std::string describeNode(const NodeProto &node) const {
    std::string op = node.domain().empty() || node.domain() == "ai.onnx"
                         ? node.op_type()
                         : node.domain() + "." + node.op_type();
    if (!node.name().empty())
      return "node '" + node.name() + "' (" + op + ")";
    std::string s = "node #" + std::to_string(nodeIndex) + " (" + op + ")";
    if (node.output_size() > 0)
      s += " producing '" + node.output(0) + "'";
    return s;
  }

  InFlightDiagnostic emitNodeError(const NodeProto &node) {
    return mlir::emitError(fileLoc) << describeNode(node) << ": ";
  }

  Location nodeLoc(const NodeProto &node) {
    std::string name = node.name();
    if (name.empty() && node.output_size() > 0)
      name = node.output(0);
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  }

  /// Looks a value up through the enclosing graphs, innermost first.
  Value lookupValue(llvm::StringRef name) const {
    for (auto it = valueScopes.rbegin(); it != valueScopes.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end())
        return found->second;
    }
    return nullptr;
  }

  const ::onnx::TypeProto *lookupTypeProto(llvm::StringRef name) const {
    for (auto it = typeScopes.rbegin(); it != typeScopes.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end())
        return found->second;
    }
    return nullptr;
  }

  LogicalResult defineValue(llvm::StringRef name, Value value,
                            const NodeProto *node) {
    if (!valueScopes.back().try_emplace(name, value).second) {
      auto diag = node ? emitNodeError(*node) : emitModelError();
      diag << "value '" << name << "' is defined twice";
      return failure();
    }
    return success();
  }

  /// The value names with an inferred or declared type in `graph`.
  llvm::StringMap<const ::onnx::TypeProto *> collectTypes(const GraphProto &g) {
    llvm::StringMap<const ::onnx::TypeProto *> types;
    for (const auto &vi : g.input())
      if (vi.has_type())
        types[vi.name()] = &vi.type();
    for (const auto &vi : g.value_info())
      if (vi.has_type())
        types[vi.name()] = &vi.type();
    for (const auto &vi : g.output())
      if (vi.has_type())
        types[vi.name()] = &vi.type();
    return types;
  }

  LogicalResult importInitializers(GraphProto &graph);
  LogicalResult importNodes(GraphProto &graph);
  LogicalResult importNode(NodeProto &node);
  LogicalResult importSubgraph(GraphProto &graph, Region &region,
                               const NodeProto &node);
  FailureOr<Attribute> importAttribute(AttributeProto &attr, int schemaKind,
                                       const NodeProto &node);
  LogicalResult verifyNodeOp(Operation *op, const NodeProto &node);
  FailureOr<Type> valueType(llvm::StringRef name, const NodeProto *node);

  MLIRContext *context;
  std::string path;
  ::onnx::ModelProto &model;
  OpBuilder builder;
  Location fileLoc;
  TensorImportContext tensorContext;
  std::map<std::string, int64_t> opsets;
  llvm::SmallVector<llvm::StringMap<Value>> valueScopes;
  llvm::SmallVector<llvm::StringMap<const ::onnx::TypeProto *>> typeScopes;
  int nodeIndex = 0;
};

FailureOr<Type> ModelImporter::valueType(llvm::StringRef name,
                                         const NodeProto *node) {
  const ::onnx::TypeProto *proto = lookupTypeProto(name);
  if (!proto) {
    auto diag = node ? emitNodeError(*node) : emitModelError();
    diag << "the type of '" << name
         << "' is neither declared nor inferable by ONNX shape inference";
    return failure();
  }
  std::string error;
  Type type = importType(*proto, context, error);
  if (!type) {
    auto diag = node ? emitNodeError(*node) : emitModelError();
    diag << "value '" << name << "' has " << error;
    return failure();
  }
  return type;
}

LogicalResult ModelImporter::importInitializers(GraphProto &graph) {
  OperationName constantName(smelt::onnx::ConstantOp::getOperationName(), context);
  for (auto &init : *graph.mutable_initializer()) {
    std::string error;
    ElementsAttr value = importTensor(init, tensorContext, error);
    if (!value) {
      emitModelError() << "initializer '" << init.name() << "': " << error;
      return failure();
    }
    OperationState state(NameLoc::get(builder.getStringAttr(init.name()),
                                      fileLoc),
                         constantName);
    state.addAttribute("value", value);
    state.addAttribute("onnx.name", builder.getStringAttr(init.name()));
    state.addTypes(value.getType());
    Operation *op = builder.create(state);
    if (failed(defineValue(init.name(), op->getResult(0), nullptr)))
      return failure();
  }
  return success();
}

LogicalResult ModelImporter::importNodes(GraphProto &graph) {
  for (auto &node : *graph.mutable_node()) {
    if (failed(importNode(node)))
      return failure();
    ++nodeIndex;
  }
  return success();
}

FailureOr<Attribute> ModelImporter::importAttribute(AttributeProto &attr,
                                                    int schemaKind,
                                                    const NodeProto &node) {
  int kind = attr.type() == AttributeProto::UNDEFINED ? schemaKind : attr.type();
  if (kind != schemaKind) {
    emitNodeError(node) << "attribute '" << attr.name() << "' is "
                        << attributeKindName(kind) << " but the operator wants "
                        << attributeKindName(schemaKind);
    return failure();
  }
  auto tensorAttr = [&](::onnx::TensorProto &t) -> ElementsAttr {
    std::string error;
    ElementsAttr value = importTensor(t, tensorContext, error);
    if (!value)
      emitNodeError(node) << "attribute '" << attr.name() << "': " << error;
    return value;
  };
  auto typeAttr = [&](const ::onnx::TypeProto &t) -> Type {
    std::string error;
    Type type = importType(t, context, error);
    if (!type)
      emitNodeError(node) << "attribute '" << attr.name() << "' has " << error;
    return type;
  };
  switch (kind) {
  case AttributeProto::FLOAT:
    return Attribute(builder.getF32FloatAttr(attr.f()));
  case AttributeProto::INT:
    return Attribute(builder.getI64IntegerAttr(attr.i()));
  case AttributeProto::STRING:
    return Attribute(builder.getStringAttr(attr.s()));
  case AttributeProto::FLOATS:
    return Attribute(builder.getF32ArrayAttr(
        llvm::SmallVector<float>(attr.floats().begin(), attr.floats().end())));
  case AttributeProto::INTS:
    return Attribute(builder.getI64ArrayAttr(
        llvm::SmallVector<int64_t>(attr.ints().begin(), attr.ints().end())));
  case AttributeProto::STRINGS: {
    llvm::SmallVector<llvm::StringRef> strings(attr.strings().begin(),
                                               attr.strings().end());
    return Attribute(builder.getStrArrayAttr(strings));
  }
  case AttributeProto::TENSOR: {
    ElementsAttr value = tensorAttr(*attr.mutable_t());
    if (!value)
      return failure();
    return Attribute(value);
  }
  case AttributeProto::TENSORS: {
    llvm::SmallVector<Attribute> values;
    for (auto &t : *attr.mutable_tensors()) {
      ElementsAttr value = tensorAttr(t);
      if (!value)
        return failure();
      values.push_back(value);
    }
    return Attribute(builder.getArrayAttr(values));
  }
  case AttributeProto::TYPE_PROTO: {
    Type type = typeAttr(attr.tp());
    if (!type)
      return failure();
    return Attribute(TypeAttr::get(type));
  }
  case AttributeProto::TYPE_PROTOS: {
    llvm::SmallVector<Attribute> types;
    for (const auto &tp : attr.type_protos()) {
      Type type = typeAttr(tp);
      if (!type)
        return failure();
      types.push_back(TypeAttr::get(type));
    }
    return Attribute(builder.getArrayAttr(types));
  }
  default:
    emitNodeError(node) << "attribute '" << attr.name() << "' of kind "
                        << attributeKindName(kind)
                        << " is not supported by Smelt";
    return failure();
  }
}

LogicalResult ModelImporter::importSubgraph(GraphProto &graph, Region &region,
                                            const NodeProto &node) {
  Block *block = new Block();
  region.push_back(block);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);

  valueScopes.emplace_back();
  typeScopes.push_back(collectTypes(graph));
  llvm::scope_exit popScopes([&] {
    valueScopes.pop_back();
    typeScopes.pop_back();
  });

  for (const auto &input : graph.input()) {
    std::string error;
    Type type = input.has_type() ? importType(input.type(), context, error)
                                 : Type();
    if (!type) {
      emitNodeError(node) << "subgraph '" << graph.name() << "' input '"
                          << input.name() << "' has "
                          << (error.empty() ? "no type" : error);
      return failure();
    }
    Value arg = block->addArgument(type, nodeLoc(node));
    if (failed(defineValue(input.name(), arg, &node)))
      return failure();
  }
  int outerIndex = nodeIndex;
  nodeIndex = 0;
  if (failed(importInitializers(graph)) || failed(importNodes(graph)))
    return failure();
  nodeIndex = outerIndex;

  llvm::SmallVector<Value> outputs;
  for (const auto &output : graph.output()) {
    Value v = lookupValue(output.name());
    if (!v) {
      emitNodeError(node) << "subgraph '" << graph.name() << "' output '"
                          << output.name() << "' is never defined";
      return failure();
    }
    outputs.push_back(v);
  }
  smelt::onnx::YieldOp::create(builder, nodeLoc(node), outputs);
  return success();
}

LogicalResult ModelImporter::verifyNodeOp(Operation *op,
                                          const NodeProto &node) {
  std::string message;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error && message.empty())
        message = diag.str();
      return success();
    });
    result = mlir::verify(op, /*verifyRecursively=*/false);
  }
  if (failed(result))
    emitNodeError(node) << (message.empty() ? "does not verify" : message);
  return result;
}

LogicalResult ModelImporter::importNode(NodeProto &node) {
  llvm::StringRef domain = node.domain();
  std::string opName = smelt::onnx::getMLIROpName(domain, node.op_type());
  if (opName.empty()) {
    emitNodeError(node) << "domain '" << domain.str()
                        << "' is not one Smelt supports (ai.onnx, ai.onnx.ml, "
                           "ai.onnx.preview.training)";
    return failure();
  }
  std::string shownDomain = displayDomain(domain);
  auto opset = opsets.find(shownDomain);
  if (opset == opsets.end()) {
    emitNodeError(node) << "the model imports no opset for domain '"
                        << shownDomain << "'";
    return failure();
  }
  const OpSchema *schema =
      lookupONNXSchema(node.op_type(), domain, static_cast<int>(opset->second));
  if (!schema) {
    emitNodeError(node) << "unknown operator '" << node.op_type()
                        << "' in domain '" << shownDomain << "' at opset "
                        << opset->second;
    return failure();
  }
  if (schema->deprecated()) {
    emitNodeError(node) << "operator '" << node.op_type()
                        << "' is deprecated at opset " << opset->second;
    return failure();
  }
  OperationName name(opName, context);
  if (!name.isRegistered()) {
    emitNodeError(node) << "operator '" << node.op_type() << "' in domain '"
                        << shownDomain << "' is not in Smelt's onnx dialect";
    return failure();
  }
  // The dialect holds each operator at its newest version; a node of another
  // version (only possible outside the default domain, which is converted)
  // would be read with the wrong signature.
  int newestOpset = shownDomain == "ai.onnx" ? kONNXTargetOpset
                                             : getMaxKnownOpset(shownDomain);
  const OpSchema *newest =
      lookupONNXSchema(node.op_type(), domain, newestOpset);
  if (newest && newest->since_version() != schema->since_version()) {
    emitNodeError(node) << "uses version " << schema->since_version()
                        << " of the operator; Smelt supports version "
                        << newest->since_version()
                        << " and ONNX has no converter for domain '"
                        << shownDomain << "'";
    return failure();
  }

  // Operands: match the node's inputs to the schema's formal parameters.
  OperationState state(nodeLoc(node), name);
  llvm::SmallVector<int32_t> operandSegments;
  const auto &inputs = schema->inputs();
  int numInputs = node.input_size();
  for (size_t f = 0; f < inputs.size(); ++f) {
    const auto &formal = inputs[f];
    int32_t count = 0;
    int end = formal.GetOption() == OpSchema::Variadic
                  ? numInputs
                  : std::min<int>(static_cast<int>(f) + 1, numInputs);
    for (int i = static_cast<int>(f); i < end; ++i) {
      if (node.input(i).empty())
        continue; // an omitted optional input
      Value v = lookupValue(node.input(i));
      if (!v) {
        emitNodeError(node) << "input '" << node.input(i)
                            << "' is not a graph input, an initializer or an "
                               "output of an earlier node";
        return failure();
      }
      state.addOperands(v);
      ++count;
    }
    if (formal.GetOption() == OpSchema::Single && count == 0) {
      emitNodeError(node) << "required input '" << formal.GetName()
                          << "' (#" << f << ") is missing";
      return failure();
    }
    operandSegments.push_back(count);
  }
  if (numInputs > static_cast<int>(inputs.size()) &&
      (inputs.empty() || inputs.back().GetOption() != OpSchema::Variadic)) {
    emitNodeError(node) << "has " << numInputs << " inputs; the operator takes "
                        << inputs.size();
    return failure();
  }

  // Results, typed from shape inference.
  llvm::SmallVector<int32_t> resultSegments;
  llvm::SmallVector<std::string> resultNames;
  const auto &outputs = schema->outputs();
  int numOutputs = node.output_size();
  for (size_t f = 0; f < outputs.size(); ++f) {
    const auto &formal = outputs[f];
    int32_t count = 0;
    int end = formal.GetOption() == OpSchema::Variadic
                  ? numOutputs
                  : std::min<int>(static_cast<int>(f) + 1, numOutputs);
    for (int i = static_cast<int>(f); i < end; ++i) {
      if (node.output(i).empty())
        continue;
      FailureOr<Type> type = valueType(node.output(i), &node);
      if (failed(type))
        return failure();
      state.addTypes(*type);
      resultNames.push_back(node.output(i));
      ++count;
    }
    if (formal.GetOption() == OpSchema::Single && count == 0) {
      emitNodeError(node) << "required output '" << formal.GetName()
                          << "' (#" << f << ") is missing";
      return failure();
    }
    resultSegments.push_back(count);
  }
  if (numOutputs > static_cast<int>(outputs.size()) &&
      (outputs.empty() || outputs.back().GetOption() != OpSchema::Variadic)) {
    emitNodeError(node) << "has " << numOutputs
                        << " outputs; the operator has " << outputs.size();
    return failure();
  }
  if (name.hasTrait<OpTrait::AttrSizedOperandSegments>())
    state.addAttribute("operandSegmentSizes",
                       builder.getDenseI32ArrayAttr(operandSegments));
  if (name.hasTrait<OpTrait::AttrSizedResultSegments>())
    state.addAttribute("resultSegmentSizes",
                       builder.getDenseI32ArrayAttr(resultSegments));

  // Attributes; subgraphs become regions, in the schema's (sorted) order,
  // which is the order the generated op declares them in.
  llvm::StringMap<AttributeProto *> byName;
  for (auto &attr : *node.mutable_attribute()) {
    if (!attr.ref_attr_name().empty()) {
      emitNodeError(node) << "attribute '" << attr.name()
                          << "' refers to a function attribute outside a "
                             "function";
      return failure();
    }
    auto it = schema->attributes().find(attr.name());
    if (it == schema->attributes().end()) {
      emitNodeError(node) << "unknown attribute '" << attr.name() << "'";
      return failure();
    }
    byName[attr.name()] = &attr;
    int kind = it->second.type;
    if (kind == AttributeProto::GRAPH || kind == AttributeProto::GRAPHS)
      continue;
    FailureOr<Attribute> value = importAttribute(attr, kind, node);
    if (failed(value))
      return failure();
    state.addAttribute(attr.name(), *value);
  }
  for (const auto &[attrName, schemaAttr] : schema->attributes()) {
    if (schemaAttr.type != AttributeProto::GRAPH &&
        schemaAttr.type != AttributeProto::GRAPHS)
      continue;
    Region *region = state.addRegion();
    AttributeProto *attr = byName.lookup(attrName);
    if (!attr) {
      if (schemaAttr.required) {
        emitNodeError(node) << "required subgraph '" << attrName
                            << "' is missing";
        return failure();
      }
      continue;
    }
    if (schemaAttr.type == AttributeProto::GRAPHS ||
        attr->type() == AttributeProto::GRAPHS) {
      emitNodeError(node) << "attribute '" << attrName
                          << "' holds several graphs, which Smelt does not "
                             "support";
      return failure();
    }
    if (failed(importSubgraph(*attr->mutable_g(), *region, node)))
      return failure();
  }

  Operation *op = builder.create(state);
  if (failed(verifyNodeOp(op, node)))
    return failure();
  for (auto [result, resultName] : llvm::zip(op->getResults(), resultNames))
    if (failed(defineValue(resultName, result, &node)))
      return failure();
  return success();
}

OwningOpRef<ModuleOp> ModelImporter::importModel() {
  GraphProto &graph = *model.mutable_graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);

  // The opsets, the IR version and who produced the model travel with it.
  llvm::SmallVector<NamedAttribute> opsetAttrs;
  for (const auto &[domain, version] : opsets)
    opsetAttrs.push_back(
        builder.getNamedAttr(domain, builder.getI64IntegerAttr(version)));
  (*module)->setAttr("onnx.opset_import",
                     builder.getDictionaryAttr(opsetAttrs));
  (*module)->setAttr("onnx.ir_version",
                     builder.getI64IntegerAttr(model.ir_version()));
  if (!model.producer_name().empty())
    (*module)->setAttr("onnx.producer_name",
                       builder.getStringAttr(model.producer_name()));
  if (!model.producer_version().empty())
    (*module)->setAttr("onnx.producer_version",
                       builder.getStringAttr(model.producer_version()));

  // Graph inputs that are also initializers are constants with a default
  // (IR version < 4); they stay constants, not arguments.
  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());

  typeScopes.push_back(collectTypes(graph));
  valueScopes.emplace_back();

  llvm::SmallVector<Type> argTypes;
  llvm::SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    FailureOr<Type> type = valueType(input.name(), nullptr);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, kONNXEntryName,
                                   builder.getFunctionType(argTypes, {}));
  if (!graph.name().empty())
    func->setAttr("onnx.graph_name", builder.getStringAttr(graph.name()));
  Block *entry = func.addEntryBlock();
  for (auto [i, argName] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(argName));
    if (failed(defineValue(argName, entry->getArgument(i), nullptr)))
      return nullptr;
  }

  builder.setInsertionPointToStart(entry);
  if (failed(importInitializers(graph)) || failed(importNodes(graph)))
    return nullptr;

  llvm::SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    Value v = lookupValue(output.name());
    if (!v) {
      emitModelError() << "graph output '" << output.name()
                       << "' is not produced by any node, input or "
                          "initializer";
      return nullptr;
    }
    if (output.has_type()) {
      std::string error;
      Type declared = importType(output.type(), context, error);
      if (!declared) {
        emitModelError() << "graph output '" << output.name() << "' has "
                         << error;
        return nullptr;
      }
      if (!smelt::onnx::isSameTypeParam(declared, v.getType())) {
        emitModelError() << "graph output '" << output.name()
                         << "' is declared as " << declared
                         << " but its value has type " << v.getType();
        return nullptr;
      }
    }
    results.push_back(v);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(output.name()));
  return module;
}

bool looksTextual(llvm::StringRef bytes, llvm::StringRef path) {
  if (path.ends_with(".onnxtext") || path.ends_with(".onnxtxt"))
    return true;
  llvm::StringRef trimmed = bytes.ltrim();
  return !trimmed.empty() && trimmed.front() == '<';
}

} // namespace

OwningOpRef<ModuleOp> smelt::importONNX(llvm::StringRef bytes,
                                        llvm::StringRef path,
                                        MLIRContext *context,
                                        const ONNXImportOptions &options) {
  context->loadDialect<smelt::onnx::ONNXDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  ::onnx::ModelProto model;
  std::string error;
  if (!loadONNXModel(bytes, looksTextual(bytes, path),
                     llvm::sys::path::parent_path(path), kONNXTargetOpset,
                     options.inputShapes, model, error)) {
    mlir::emitError(fileLoc) << error;
    return nullptr;
  }
  ModelImporter importer(context, path, model, options);
  return importer.importModel();
}

OwningOpRef<ModuleOp> smelt::importONNXFile(llvm::StringRef path,
                                            MLIRContext *context,
                                            const ONNXImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/
                                                   false);
  if (!buffer) {
    mlir::emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read the model: " << buffer.getError().message();
    return nullptr;
  }
  return importONNX((*buffer)->getBuffer(), path, context, options);
}

void smelt::registerONNXImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "import an ONNX model (.onnx or textual .onnxtext)",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        return importONNX(buffer->getBuffer(), buffer->getBufferIdentifier(),
                          context);
      },
      [](DialectRegistry &registry) {
        registry.insert<smelt::onnx::ONNXDialect, func::FuncDialect>();
      });
}
