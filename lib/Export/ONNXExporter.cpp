//===- ONNXExporter.cpp - The onnx dialect back to ONNX -------------------===//
//
// The inverse of the importer: one func.func of onnx ops becomes a GraphProto.
// Operands and attributes are placed through ONNX's schema of each op, so an
// omitted optional input is written as "" where ONNX expects it.
//
//===----------------------------------------------------------------------===//

#include "smelt/Export/ONNXExport.h"
#include "smelt/Export/ONNXModelExport.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Import/ONNXImport.h"

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using ::onnx::AttributeProto;
using ::onnx::OpSchema;
using ::onnx::TensorProto;

namespace {

int32_t exportElementType(Type type) {
  if (type.isF32())
    return TensorProto::FLOAT;
  if (type.isF64())
    return TensorProto::DOUBLE;
  if (type.isF16())
    return TensorProto::FLOAT16;
  if (type.isBF16())
    return TensorProto::BFLOAT16;
  if (isa<smelt::onnx::StringType>(type))
    return TensorProto::STRING;
  if (auto complex = dyn_cast<ComplexType>(type)) {
    if (complex.getElementType().isF32())
      return TensorProto::COMPLEX64;
    if (complex.getElementType().isF64())
      return TensorProto::COMPLEX128;
    return TensorProto::UNDEFINED;
  }
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 1:
      return TensorProto::BOOL;
    case 8:
      return isUnsigned ? TensorProto::UINT8 : TensorProto::INT8;
    case 16:
      return isUnsigned ? TensorProto::UINT16 : TensorProto::INT16;
    case 32:
      return isUnsigned ? TensorProto::UINT32 : TensorProto::INT32;
    case 64:
      return isUnsigned ? TensorProto::UINT64 : TensorProto::INT64;
    default:
      break;
    }
  }
  return TensorProto::UNDEFINED;
}

class ModelExporter {
public:
  ModelExporter(ModuleOp module, const smelt::ONNXExportOptions &options)
      : module(module), options(options) {}

  LogicalResult exportModel(::onnx::ModelProto &model);
  const llvm::DenseMap<Value, std::string> &valueNames() const {
    return names;
  }

private:
  LogicalResult exportType(Type type, ::onnx::TypeProto &proto, Location loc,
                           bool withShape = true);
  LogicalResult exportTensor(ElementsAttr attr, TensorProto &proto,
                             Location loc);
  LogicalResult exportBlock(Block &block, ::onnx::GraphProto &graph,
                            llvm::ArrayRef<std::string> argNames,
                            llvm::ArrayRef<std::string> resultNames);
  LogicalResult exportOp(Operation *op, ::onnx::GraphProto &graph);
  LogicalResult exportAttribute(Attribute value, int kind,
                                AttributeProto &proto, Location loc);

  /// A name for `value`, made once: the importer's names where the IR kept
  /// them, fresh ones elsewhere.
  std::string nameOf(Value value) {
    auto it = names.find(value);
    if (it != names.end())
      return it->second;
    return names[value] = freshName("v");
  }
  std::string freshName(llvm::StringRef base) {
    std::string name = base.str();
    for (int i = 0; !used.insert(name).second; ++i)
      name = (base + "_" + llvm::Twine(i)).str();
    return name;
  }
  /// Node names are a namespace of their own.
  std::string freshNodeName(llvm::StringRef base) {
    std::string name = base.str();
    for (int i = 0; !usedNodeNames.insert(name).second; ++i)
      name = (base + "_" + llvm::Twine(i)).str();
    return name;
  }
  const OpSchema *schemaFor(Operation *op) {
    auto [domain, opType] =
        smelt::onnx::getONNXDomainAndName(op->getName().getStringRef());
    int version = domain.empty() ? smelt::kONNXTargetOpset : 1000;
    return ::onnx::OpSchemaRegistry::Schema(opType.str(), version,
                                            domain.str());
  }

  ModuleOp module;
  smelt::ONNXExportOptions options;
  llvm::DenseMap<Value, std::string> names;
  llvm::StringSet<> used;
  llvm::StringSet<> usedNodeNames;
};

LogicalResult ModelExporter::exportType(Type type, ::onnx::TypeProto &proto,
                                        Location loc, bool withShape) {
  if (auto tensor = dyn_cast<TensorType>(type)) {
    int32_t elem = exportElementType(tensor.getElementType());
    if (elem == TensorProto::UNDEFINED)
      return emitError(loc) << "element type " << tensor.getElementType()
                            << " has no ONNX equivalent";
    auto *t = proto.mutable_tensor_type();
    t->set_elem_type(elem);
    if (auto ranked = dyn_cast<RankedTensorType>(tensor);
        ranked && withShape) {
      auto *shape = t->mutable_shape();
      for (int64_t d : ranked.getShape()) {
        auto *dim = shape->add_dim();
        if (!ShapedType::isDynamic(d))
          dim->set_dim_value(d);
      }
    }
    return success();
  }
  if (auto seq = dyn_cast<smelt::onnx::SeqType>(type))
    return exportType(seq.getElementType(),
                      *proto.mutable_sequence_type()->mutable_elem_type(), loc,
                      withShape);
  if (auto opt = dyn_cast<smelt::onnx::OptType>(type))
    return exportType(opt.getElementType(),
                      *proto.mutable_optional_type()->mutable_elem_type(), loc,
                      withShape);
  if (auto map = dyn_cast<smelt::onnx::MapType>(type)) {
    auto *m = proto.mutable_map_type();
    m->set_key_type(exportElementType(map.getKeyType()));
    return exportType(map.getValueType(), *m->mutable_value_type(), loc,
                      withShape);
  }
  return emitError(loc) << "type " << type << " has no ONNX equivalent";
}

LogicalResult ModelExporter::exportTensor(ElementsAttr attr, TensorProto &proto,
                                          Location loc) {
  auto type = cast<ShapedType>(attr.getType());
  int32_t elem = exportElementType(type.getElementType());
  if (elem == TensorProto::UNDEFINED)
    return emitError(loc) << "tensor of " << type.getElementType()
                          << " has no ONNX equivalent";
  proto.set_data_type(elem);
  for (int64_t d : type.getShape())
    proto.add_dims(d);
  int64_t count = type.getNumElements();

  // What the importer detaches while inference runs (kDetachBytes there).
  constexpr int64_t kShapeOnlyBytes = 64 * 1024;
  if (options.forShapeInference && !isa<DenseStringElementsAttr>(attr) &&
      count * (type.getElementType().isIntOrFloat()
                   ? std::max<int64_t>(1, type.getElementTypeBitWidth() / 8)
                   : 16) >=
          kShapeOnlyBytes) {
    proto.set_raw_data(std::string(1, '\0'));
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitError(loc) << "the tensor's resource blob '"
                            << resource.getRawHandle().getKey()
                            << "' holds no data (was it elided?)";
    ArrayRef<char> data = blob->getData();
    proto.set_raw_data(data.data(), data.size());
    // A tensor attribute keeps its name through the resource's key.
    if (proto.name().empty())
      proto.set_name(resource.getRawHandle().getKey().str());
    return success();
  }
  if (auto strings = dyn_cast<DenseStringElementsAttr>(attr)) {
    for (StringRef s : strings.getValues<StringRef>())
      proto.add_string_data(s.str());
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return emitError(loc) << "cannot write " << attr << " as an ONNX tensor";
  if (elem == TensorProto::BOOL) {
    std::string bytes;
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b ? 1 : 0);
    proto.set_raw_data(bytes);
    return success();
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    std::string bytes;
    bytes.reserve(raw.size() * count);
    for (int64_t i = 0; i < count; ++i)
      bytes.append(raw.data(), raw.size());
    proto.set_raw_data(bytes);
  } else {
    proto.set_raw_data(raw.data(), raw.size());
  }
  return success();
}

LogicalResult ModelExporter::exportAttribute(Attribute value, int kind,
                                             AttributeProto &proto,
                                             Location loc) {
  proto.set_type(static_cast<AttributeProto::AttributeType>(kind));
  switch (kind) {
  case AttributeProto::FLOAT:
    if (auto f = dyn_cast<FloatAttr>(value)) {
      proto.set_f(static_cast<float>(f.getValueAsDouble()));
      return success();
    }
    break;
  case AttributeProto::INT:
    if (auto i = dyn_cast<IntegerAttr>(value)) {
      proto.set_i(i.getInt());
      return success();
    }
    break;
  case AttributeProto::STRING:
    if (auto s = dyn_cast<StringAttr>(value)) {
      proto.set_s(s.str());
      return success();
    }
    break;
  case AttributeProto::TENSOR:
    if (auto t = dyn_cast<ElementsAttr>(value))
      return exportTensor(t, *proto.mutable_t(), loc);
    break;
  case AttributeProto::TYPE_PROTO:
    if (auto t = dyn_cast<TypeAttr>(value))
      return exportType(t.getValue(), *proto.mutable_tp(), loc);
    break;
  case AttributeProto::FLOATS:
  case AttributeProto::INTS:
  case AttributeProto::STRINGS:
  case AttributeProto::TENSORS:
  case AttributeProto::TYPE_PROTOS: {
    auto array = dyn_cast<ArrayAttr>(value);
    if (!array)
      break;
    for (Attribute element : array) {
      if (kind == AttributeProto::FLOATS)
        proto.add_floats(
            static_cast<float>(cast<FloatAttr>(element).getValueAsDouble()));
      else if (kind == AttributeProto::INTS)
        proto.add_ints(cast<IntegerAttr>(element).getInt());
      else if (kind == AttributeProto::STRINGS)
        proto.add_strings(cast<StringAttr>(element).str());
      else if (kind == AttributeProto::TENSORS) {
        if (failed(exportTensor(cast<ElementsAttr>(element),
                                *proto.add_tensors(), loc)))
          return failure();
      } else if (failed(exportType(cast<TypeAttr>(element).getValue(),
                                   *proto.add_type_protos(), loc)))
        return failure();
    }
    return success();
  }
  default:
    break;
  }
  return emitError(loc) << "attribute '" << proto.name() << "' (" << value
                        << ") cannot be written as ONNX attribute kind "
                        << kind;
}

/// How many operands (or results) each formal parameter of the schema holds:
/// from the segment sizes where the op has them, else from the one variable
/// formal taking what the single ones leave.
llvm::SmallVector<int32_t>
formalCounts(const std::vector<OpSchema::FormalParameter> &formals,
             size_t actual, Attribute segments) {
  if (auto sizes = dyn_cast_or_null<DenseI32ArrayAttr>(segments))
    return llvm::SmallVector<int32_t>(sizes.asArrayRef());
  llvm::SmallVector<int32_t> counts(formals.size(), 1);
  size_t singles = 0;
  for (const auto &f : formals)
    singles += f.GetOption() == OpSchema::Single;
  for (size_t i = 0; i < formals.size(); ++i)
    if (formals[i].GetOption() != OpSchema::Single)
      counts[i] = static_cast<int32_t>(actual - singles);
  return counts;
}

LogicalResult ModelExporter::exportOp(Operation *op,
                                      ::onnx::GraphProto &graph) {
  Location loc = op->getLoc();
  if (!isa_and_present<smelt::onnx::ONNXDialect>(op->getDialect()))
    return op->emitError("only onnx dialect ops can be exported to ONNX");

  const OpSchema *schema = schemaFor(op);
  if (!schema)
    return op->emitError("has no ONNX schema");

  // Initializers (of the main graph or a subgraph): constants the importer
  // named.
  if (auto constant = dyn_cast<smelt::onnx::ConstantOp>(op)) {
    auto name = op->getAttrOfType<StringAttr>("onnx.name");
    if (name && constant.getValueAttr()) {
      std::string unique = freshName(name.getValue());
      names[op->getResult(0)] = unique;
      TensorProto *init = graph.add_initializer();
      init->set_name(unique);
      return exportTensor(constant.getValueAttr(), *init, loc);
    }
  }

  auto [domain, opType] =
      smelt::onnx::getONNXDomainAndName(op->getName().getStringRef());
  ::onnx::NodeProto *node = graph.add_node();
  node->set_op_type(opType.str());
  if (!domain.empty())
    node->set_domain(domain.str());
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    node->set_name(freshNodeName(nameLoc.getName().getValue()));

  // Inputs, with "" for omitted optionals; trailing ones are dropped.
  llvm::SmallVector<int32_t> operandCounts =
      formalCounts(schema->inputs(), op->getNumOperands(),
                   op->getInherentAttr("operandSegmentSizes").value_or(
                       Attribute()));
  unsigned next = 0;
  for (int32_t count : operandCounts) {
    if (count == 0)
      node->add_input("");
    for (int32_t i = 0; i < count; ++i)
      node->add_input(nameOf(op->getOperand(next++)));
  }
  while (node->input_size() > 0 && node->input(node->input_size() - 1).empty())
    node->mutable_input()->RemoveLast();

  llvm::SmallVector<int32_t> resultCounts =
      formalCounts(schema->outputs(), op->getNumResults(),
                   op->getInherentAttr("resultSegmentSizes").value_or(
                       Attribute()));
  next = 0;
  for (int32_t count : resultCounts) {
    if (count == 0)
      node->add_output("");
    for (int32_t i = 0; i < count; ++i)
      node->add_output(nameOf(op->getResult(next++)));
  }
  while (node->output_size() > 0 &&
         node->output(node->output_size() - 1).empty())
    node->mutable_output()->RemoveLast();

  // Attributes in the schema's order; regions are its graph attributes.
  unsigned regionIndex = 0;
  for (const auto &[name, schemaAttr] : schema->attributes()) {
    if (schemaAttr.type == AttributeProto::GRAPH) {
      Region &region = op->getRegion(regionIndex++);
      if (region.empty())
        continue;
      AttributeProto *attr = node->add_attribute();
      attr->set_name(name);
      attr->set_type(AttributeProto::GRAPH);
      ::onnx::GraphProto *sub = attr->mutable_g();
      sub->set_name(freshName(name));
      llvm::SmallVector<std::string> argNames;
      for (BlockArgument arg : region.front().getArguments()) {
        argNames.push_back(freshName(name + "_in"));
        names[arg] = argNames.back();
      }
      if (failed(exportBlock(region.front(), *sub, argNames, {})))
        return failure();
      continue;
    }
    std::optional<Attribute> value = op->getInherentAttr(name);
    if (!value || !*value)
      continue;
    AttributeProto *attr = node->add_attribute();
    attr->set_name(name);
    if (failed(exportAttribute(*value, schemaAttr.type, *attr, loc)))
      return failure();
  }

  // Intermediate values keep their types, so a round trip keeps shapes.
  if (options.forShapeInference)
    return success();
  for (Value result : op->getResults()) {
    ::onnx::ValueInfoProto *info = graph.add_value_info();
    info->set_name(nameOf(result));
    if (failed(exportType(result.getType(), *info->mutable_type(), loc)))
      return failure();
  }
  return success();
}

LogicalResult ModelExporter::exportBlock(Block &block,
                                         ::onnx::GraphProto &graph,
                                         llvm::ArrayRef<std::string> argNames,
                                         llvm::ArrayRef<std::string>
                                             resultNames) {
  for (auto [arg, name] : llvm::zip(block.getArguments(), argNames)) {
    ::onnx::ValueInfoProto *input = graph.add_input();
    input->set_name(name);
    if (failed(exportType(arg.getType(), *input->mutable_type(),
                          arg.getLoc())))
      return failure();
  }
  for (Operation &op : block) {
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      for (auto [i, value] : llvm::enumerate(op.getOperands())) {
        std::string name = nameOf(value);
        // A graph output keeps its own (already claimed) name even when the
        // value is named otherwise: route it through an Identity.
        if (i < resultNames.size() && resultNames[i] != name) {
          ::onnx::NodeProto *identity = graph.add_node();
          identity->set_op_type("Identity");
          identity->add_input(name);
          identity->add_output(resultNames[i]);
          name = resultNames[i];
        }
        ::onnx::ValueInfoProto *output = graph.add_output();
        output->set_name(name);
        if (failed(exportType(value.getType(), *output->mutable_type(),
                              op.getLoc(), !options.forShapeInference)))
          return failure();
      }
      continue;
    }
    if (failed(exportOp(&op, graph)))
      return failure();
  }
  // value_info must not repeat inputs or outputs.
  llvm::StringSet<> io;
  for (const auto &vi : graph.input())
    io.insert(vi.name());
  for (const auto &vi : graph.output())
    io.insert(vi.name());
  auto *infos = graph.mutable_value_info();
  infos->erase(std::remove_if(infos->begin(), infos->end(),
                              [&](const ::onnx::ValueInfoProto &vi) {
                                return io.contains(vi.name());
                              }),
               infos->end());
  return success();
}

LogicalResult ModelExporter::exportModel(::onnx::ModelProto &model) {
  func::FuncOp func;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (func)
      return module.emitError("can only export a module with one function");
    func = f;
  }
  if (!func || func.isExternal())
    return module.emitError("has no function with a body to export");

  auto irVersion = module->getAttrOfType<IntegerAttr>("onnx.ir_version");
  // Opset 17 needs IR version 8 (initializers no longer listed as inputs).
  constexpr int64_t kIRVersionOfOpset17 = 8;
  model.set_ir_version(
      std::max<int64_t>(irVersion ? irVersion.getInt() : 0, kIRVersionOfOpset17));
  model.set_producer_name("smelt");
  if (auto opsets =
          module->getAttrOfType<DictionaryAttr>("onnx.opset_import")) {
    for (NamedAttribute opset : opsets) {
      auto *entry = model.add_opset_import();
      StringRef domain = opset.getName().getValue();
      entry->set_domain(domain == "ai.onnx" ? "" : domain.str());
      entry->set_version(cast<IntegerAttr>(opset.getValue()).getInt());
    }
  } else {
    auto *entry = model.add_opset_import();
    entry->set_domain("");
    entry->set_version(smelt::kONNXTargetOpset);
  }

  ::onnx::GraphProto *graph = model.mutable_graph();
  auto graphName = func->getAttrOfType<StringAttr>("onnx.graph_name");
  graph->set_name(graphName ? graphName.str() : func.getSymName().str());

  auto nameFromAttrs = [&](DictionaryAttr attrs, const char *base) {
    auto name = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr();
    return freshName(name ? name.getValue() : base);
  };
  llvm::SmallVector<std::string> argNames, resultNames;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    argNames.push_back(nameFromAttrs(func.getArgAttrDict(i), "input"));
    names[func.getArgument(i)] = argNames.back();
  }
  // Result names are claimed before the body so no inner value takes them.
  // A returned value produced in the body takes its output's name directly;
  // an argument, or a value returned twice, goes through an Identity.
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    resultNames.push_back(nameFromAttrs(func.getResultAttrDict(i), "output"));
  Operation *terminator = func.getBody().front().getTerminator();
  for (auto [value, name] : llvm::zip(terminator->getOperands(), resultNames))
    if (!names.count(value))
      names[value] = name;

  return exportBlock(func.getBody().front(), *graph, argNames, resultNames);
}

} // namespace

LogicalResult
smelt::exportONNXModel(ModuleOp module, ::onnx::ModelProto &model,
                       const ONNXExportOptions &options,
                       llvm::DenseMap<Value, std::string> *names) {
  ModelExporter exporter(module, options);
  if (failed(exporter.exportModel(model)))
    return failure();
  if (names)
    *names = exporter.valueNames();
  return success();
}

LogicalResult smelt::exportONNX(ModuleOp module, llvm::raw_ostream &os) {
  ::onnx::ModelProto model;
  if (failed(exportONNXModel(module, model)))
    return failure();
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    return module.emitError("cannot serialize the ONNX model");
  os << bytes;
  return success();
}

void smelt::registerONNXExportTranslation() {
  TranslateFromMLIRRegistration registration(
      "export-onnx", "write a module in the onnx dialect as binary ONNX",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a builtin.module");
        return exportONNX(module, os);
      },
      [](DialectRegistry &registry) {
        registry.insert<smelt::onnx::ONNXDialect, func::FuncDialect>();
      });
}
