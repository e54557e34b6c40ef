//===- ONNXModelLoader.cpp - ONNX's own libraries, behind a wall ----------===//
//
// Compiled with exceptions: ONNX throws, MLIR does not. Nothing thrown here
// escapes this file.
//
//===----------------------------------------------------------------------===//

#include "ONNXModelLoader.h"

#include "ONNXTensorImport.h"
#include "ShapePropagation.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <climits>
#include <set>
#include <exception>

using namespace smelt::detail;

namespace {

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

int64_t defaultDomainOpset(const ::onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (isDefaultDomain(opset.domain()))
      return opset.version();
  return -1;
}

/// ONNX's version converter rebuilds the graph in its own IR, which knows
/// only tensors: sequence, optional and map types of inputs and outputs come
/// back empty. Put the original declarations back, subgraphs included.
void restoreDeclaredTypes(const ::onnx::GraphProto &original,
                          ::onnx::GraphProto &converted) {
  auto restore = [](const auto &from, auto &to) {
    std::map<std::string, const ::onnx::TypeProto *> declared;
    for (const auto &vi : from)
      if (vi.has_type())
        declared[vi.name()] = &vi.type();
    for (auto &vi : to) {
      auto it = declared.find(vi.name());
      if (it == declared.end())
        continue;
      if (!vi.has_type() || !it->second->has_tensor_type())
        *vi.mutable_type() = *it->second;
    }
  };
  restore(original.input(), *converted.mutable_input());
  restore(original.output(), *converted.mutable_output());
  restore(original.value_info(), *converted.mutable_value_info());

  std::map<std::string, const ::onnx::NodeProto *> byFirstOutput;
  for (const auto &node : original.node())
    if (node.output_size() > 0)
      byFirstOutput[node.output(0)] = &node;
  for (auto &node : *converted.mutable_node()) {
    if (node.output_size() == 0)
      continue;
    auto it = byFirstOutput.find(node.output(0));
    if (it == byFirstOutput.end())
      continue;
    for (auto &attr : *node.mutable_attribute()) {
      if (!attr.has_g())
        continue;
      for (const auto &origAttr : it->second->attribute())
        if (origAttr.name() == attr.name() && origAttr.has_g())
          restoreDeclaredTypes(origAttr.g(), *attr.mutable_g());
    }
  }
}

/// Before opset 13, Softmax, LogSoftmax and Hardmax flattened their input to
/// 2-D at `axis`; ONNX's adapter to opset 13 needs the input's rank to keep
/// that meaning, and fails when shape inference could not find it. Where the
/// input has no known shape, spell the old meaning out with ops whose
/// meaning did not change: Reshape(Op(Flatten(x, axis), axis=1), Shape(x)),
/// declaring the flattened value's rank (2) so the adapter can proceed.
void spellOutLegacySoftmax(::onnx::GraphProto &graph) {
  std::set<std::string> known;
  std::map<std::string, int32_t> elementTypes;
  auto note = [&](const ::onnx::ValueInfoProto &vi) {
    if (!vi.type().has_tensor_type())
      return;
    elementTypes[vi.name()] = vi.type().tensor_type().elem_type();
    if (vi.type().tensor_type().has_shape())
      known.insert(vi.name());
  };
  for (const auto &vi : graph.value_info())
    note(vi);
  for (const auto &vi : graph.input())
    note(vi);
  for (const auto &init : graph.initializer()) {
    known.insert(init.name());
    elementTypes[init.name()] = init.data_type();
  }

  ::google::protobuf::RepeatedPtrField<::onnx::NodeProto> rewritten;
  int fresh = 0;
  for (auto &node : *graph.mutable_node()) {
    for (auto &attr : *node.mutable_attribute())
      if (attr.has_g())
        spellOutLegacySoftmax(*attr.mutable_g());
    bool softmaxLike = (node.op_type() == "Softmax" ||
                        node.op_type() == "LogSoftmax" ||
                        node.op_type() == "Hardmax") &&
                       (node.domain().empty() || node.domain() == "ai.onnx");
    if (!softmaxLike || node.input_size() != 1 || node.output_size() != 1 ||
        known.count(node.input(0))) {
      *rewritten.Add() = node;
      continue;
    }
    int64_t axis = 1;
    for (const auto &attr : node.attribute())
      if (attr.name() == "axis")
        axis = attr.i();
    std::string base = node.output(0) + "_smelt_legacy" + std::to_string(fresh++);
    std::string flat = base + "_flat", soft = base + "_2d", shape = base + "_shape";

    auto *flatten = rewritten.Add();
    flatten->set_op_type("Flatten");
    flatten->set_name(node.name() + "_flatten");
    flatten->add_input(node.input(0));
    flatten->add_output(flat);
    auto *flattenAxis = flatten->add_attribute();
    flattenAxis->set_name("axis");
    flattenAxis->set_type(::onnx::AttributeProto::INT);
    flattenAxis->set_i(axis);

    auto *op = rewritten.Add();
    *op = node;
    op->clear_input();
    op->clear_output();
    op->add_input(flat);
    op->add_output(soft);
    for (auto &attr : *op->mutable_attribute())
      if (attr.name() == "axis")
        attr.set_i(1);

    auto *shapeOf = rewritten.Add();
    shapeOf->set_op_type("Shape");
    shapeOf->set_name(node.name() + "_shape");
    shapeOf->add_input(node.input(0));
    shapeOf->add_output(shape);

    auto *reshape = rewritten.Add();
    reshape->set_op_type("Reshape");
    reshape->set_name(node.name());
    reshape->add_input(soft);
    reshape->add_input(shape);
    reshape->add_output(node.output(0));

    // Rank 2, dims unknown: enough for the adapter.
    for (const std::string &name : {flat, soft}) {
      auto *vi = graph.add_value_info();
      vi->set_name(name);
      auto *tensor = vi->mutable_type()->mutable_tensor_type();
      auto element = elementTypes.find(node.input(0));
      tensor->set_elem_type(element != elementTypes.end() && element->second
                                ? element->second
                                : ::onnx::TensorProto::FLOAT);
      tensor->mutable_shape()->add_dim()->set_dim_param(base + "_rows");
      tensor->mutable_shape()->add_dim()->set_dim_param(base + "_cols");
    }
  }
  graph.mutable_node()->Swap(&rewritten);
}

bool parseModel(llvm::StringRef bytes, bool textual, ::onnx::ModelProto &model,
                std::string &error) {
  if (textual) {
    // The parser reads a NUL-terminated string.
    std::string text(bytes.begin(), bytes.end());
    ::onnx::Common::Status status =
        ::onnx::OnnxParser::Parse(model, text.c_str());
    if (!status.IsOK()) {
      error = "cannot parse textual ONNX: " + status.ErrorMessage();
      return false;
    }
    return true;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    error = "model is larger than 2 GiB; store its weights as external data";
    return false;
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = "not a valid ONNX model: the protobuf is truncated or corrupt";
    return false;
  }
  if (!model.has_graph()) {
    error = "not a valid ONNX model: it has no graph";
    return false;
  }
  return true;
}

/// ONNX's messages span lines; a diagnostic reads better on one.
std::string oneLine(const char *what) {
  std::string out;
  bool space = false;
  for (const char *c = what; *c; ++c) {
    if (*c == '\n' || *c == '\r' || *c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space)
      out += ' ';
    space = false;
    out += *c;
  }
  return out;
}

/// ONNX's checker, with the model's folder set so that it looks for external
/// data where the model is (check_model(ModelProto) looks in the current
/// directory).
void checkModel(const ::onnx::ModelProto &model, llvm::StringRef modelDir) {
  if (!model.has_ir_version() || model.ir_version() <= 0)
    throw std::runtime_error("the model has no IR version");
  if (model.ir_version() > ::onnx::IR_VERSION)
    throw std::runtime_error(
        "the model's IR version " + std::to_string(model.ir_version()) +
        " is newer than ONNX 1.12 knows (" +
        std::to_string(::onnx::IR_VERSION) + ")");
  std::unordered_map<std::string, int> opsets;
  for (const auto &opset : model.opset_import())
    opsets[opset.domain()] = static_cast<int>(opset.version());
  if (opsets.empty())
    throw std::runtime_error("the model imports no opset");
  ::onnx::checker::CheckerContext ctx;
  ctx.set_ir_version(static_cast<int>(model.ir_version()));
  ctx.set_opset_imports(opsets);
  ctx.set_model_dir(modelDir.empty() ? "." : modelDir.str());
  ctx.set_is_main_graph(true);
  ::onnx::checker::LexicalScopeContext lexicalScope;
  ::onnx::checker::check_graph(model.graph(), ctx, lexicalScope);
}

/// Replaces the declared shapes of graph inputs named in `inputShapes`.
bool overrideInputShapes(
    ::onnx::ModelProto &model,
    const std::map<std::string, std::vector<int64_t>> &inputShapes,
    std::string &error) {
  for (const auto &[name, dims] : inputShapes) {
    ::onnx::ValueInfoProto *input = nullptr;
    for (auto &vi : *model.mutable_graph()->mutable_input())
      if (vi.name() == name)
        input = &vi;
    if (!input || !input->type().has_tensor_type()) {
      error = "--input-shape names '" + name +
              "', which is not a tensor input of the graph";
      return false;
    }
    auto *tensor = input->mutable_type()->mutable_tensor_type();
    if (tensor->has_shape() &&
        tensor->shape().dim_size() != static_cast<int>(dims.size())) {
      error = "--input-shape gives '" + name + "' rank " +
              std::to_string(dims.size()) + " but the model declares rank " +
              std::to_string(tensor->shape().dim_size());
      return false;
    }
    for (size_t i = 0; i < dims.size(); ++i) {
      const auto *declared = tensor->has_shape() && tensor->shape().dim(i).has_dim_value()
                                 ? &tensor->shape().dim(i)
                                 : nullptr;
      if (declared && declared->dim_value() != dims[i]) {
        error = "--input-shape gives '" + name + "' dimension " +
                std::to_string(i) + " = " + std::to_string(dims[i]) +
                " but the model fixes it at " +
                std::to_string(declared->dim_value());
        return false;
      }
    }
    auto *shape = tensor->mutable_shape();
    shape->clear_dim();
    for (int64_t d : dims)
      shape->add_dim()->set_dim_value(d);
  }
  return true;
}

/// Initializers at least this large sit out the checker, shape inference and
/// the version converter; shapes never come from them.
constexpr size_t kDetachBytes = 64 * 1024;

/// The bytes of the main graph's large initializers, taken out while ONNX's
/// checker, shape inference and version converter run: they copy what they
/// are given, and a model held four times over is what a compile's peak
/// memory was. Each initializer keeps a one-byte raw_data meanwhile.
class DetachedWeights {
public:
  explicit DetachedWeights(::onnx::ModelProto &model) {
    for (::onnx::TensorProto &tensor :
         *model.mutable_graph()->mutable_initializer())
      if (tensor.has_raw_data() && tensor.raw_data().size() >= kDetachBytes) {
        bytes[tensor.name()].swap(*tensor.mutable_raw_data());
        // The checker wants one value field set: one byte stands in.
        tensor.set_raw_data(std::string(1, '\0'));
      }
  }
  /// Puts the bytes back into `model` (the same graph, or what the version
  /// converter made of it); fails naming an initializer that went missing.
  bool restore(::onnx::ModelProto &model, std::string &error) {
    for (::onnx::TensorProto &tensor :
         *model.mutable_graph()->mutable_initializer()) {
      auto it = bytes.find(tensor.name());
      if (it != bytes.end() && tensor.raw_data().size() == 1) {
        tensor.mutable_raw_data()->swap(it->second);
        bytes.erase(it);
      }
    }
    if (bytes.empty())
      return true;
    error = "initializer '" + bytes.begin()->first +
            "' did not survive ONNX's checks and conversion";
    return false;
  }

private:
  std::map<std::string, std::string> bytes;
};

/// ONNX's shape inference typing what it can; false, saying why in
/// `error`, when it throws even so.
bool inferLeniently(::onnx::ModelProto &model, std::string &error) {
  try {
    ::onnx::ShapeInferenceOptions lenient(/*check_type=*/true,
                                          /*error_mode=*/0,
                                          /*enable_data_propagation=*/true);
    ::onnx::shape_inference::InferShapes(
        model, ::onnx::OpSchemaRegistry::Instance(), lenient);
    return true;
  } catch (const std::exception &e) {
    error = "ONNX shape inference fails: " + oneLine(e.what());
    return false;
  }
}

bool inferAllShapes(::onnx::ModelProto &model, std::string &error);

bool loadModel(llvm::StringRef bytes, bool textual, llvm::StringRef modelDir,
               int targetOpset,
               const std::map<std::string, std::vector<int64_t>> &inputShapes,
               ::onnx::ModelProto &model, std::string &error) {
  if (!parseModel(bytes, textual, model, error))
    return false;
  if (!overrideInputShapes(model, inputShapes, error))
    return false;
  DetachedWeights detached(model);

  int64_t opset = defaultDomainOpset(model);
  if (opset > targetOpset) {
    error = "the model imports opset " + std::to_string(opset) +
            " of the default domain; Smelt supports opsets up to " +
            std::to_string(targetOpset);
    return false;
  }
  // External data first: Smelt's own rules (inside the model's folder,
  // inside the file) and messages.
  if (!validateExternalData(model, modelDir, error))
    return false;

  // The checker gives the clearest messages for malformed graphs (cycles,
  // undefined inputs, bad attributes), so it runs before anything else.
  try {
    checkModel(model, modelDir);
  } catch (const std::exception &e) {
    error = "the ONNX checker rejects the model: " + oneLine(e.what());
    return false;
  }

  if (opset > 0 && opset < targetOpset) {
    // The converter's adapters read shapes from value_info; give it what
    // inference can find, ignoring what it cannot.
    try {
      ::onnx::ShapeInferenceOptions options(/*check_type=*/false,
                                            /*error_mode=*/0,
                                            /*enable_data_propagation=*/true);
      ::onnx::shape_inference::InferShapes(
          model, ::onnx::OpSchemaRegistry::Instance(), options);
    } catch (const std::exception &) {
    }
    if (opset < 13)
      spellOutLegacySoftmax(*model.mutable_graph());
    try {
      ::onnx::ModelProto converted =
          ::onnx::version_conversion::ConvertVersion(model, targetOpset);
      restoreDeclaredTypes(model.graph(), *converted.mutable_graph());
      model = std::move(converted);
    } catch (const std::exception &e) {
      error = "ONNX's version converter cannot bring opset " +
              std::to_string(opset) + " to " + std::to_string(targetOpset) +
              ": " + oneLine(e.what());
      return false;
    }
  }

  if (!inferAllShapes(model, error))
    return false;
  return detached.restore(model, error);
}

/// ONNX's shape inference over `model`, then Smelt's Reshape targets (see
/// inferONNXShapes).
bool inferAllShapes(::onnx::ModelProto &model, std::string &error) {
  // Strict inference first; where ONNX's inference itself has gaps (optional
  // and sequence types in ONNX 1.12), lenient inference still types what it
  // can, and the importer reports any value left without a type. Conflicts
  // with declared types are errors in both modes.
  try {
    ::onnx::ShapeInferenceOptions strict(/*check_type=*/true,
                                         /*error_mode=*/1,
                                         /*enable_data_propagation=*/true);
    ::onnx::shape_inference::InferShapes(
        model, ::onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const std::exception &strictError) {
    if (!inferLeniently(model, error))
      return false;
  }
  // Reshapes whose targets ONNX's data propagation could not follow get
  // their shapes from ours; inference then carries them on (each round
  // can shape the Reshapes that read the last ones' results). A round
  // changes something or ends the loop; each node changes at most twice.
  int rounds = 2 * model.graph().node_size() + 1;
  for (int round = 0;
       round < rounds && propagateReshapeShapes(*model.mutable_graph());
       ++round)
    if (!inferLeniently(model, error))
      return false;
  return true;
}

} // namespace

bool smelt::detail::loadONNXModel(
    llvm::StringRef bytes, bool textual, llvm::StringRef modelDir,
    int targetOpset,
    const std::map<std::string, std::vector<int64_t>> &inputShapes,
    ::onnx::ModelProto &model, std::string &error) {
  try {
    return loadModel(bytes, textual, modelDir, targetOpset, inputShapes, model,
                     error);
  } catch (const std::exception &e) {
    error = "cannot load the model: " + oneLine(e.what());
  } catch (...) {
    error = "cannot load the model: unknown error in ONNX";
  }
  return false;
}

bool smelt::detail::inferONNXShapes(::onnx::ModelProto &model,
                                    std::string &error) {
  try {
    return inferAllShapes(model, error);
  } catch (const std::exception &e) {
    error = "ONNX shape inference fails: " + oneLine(e.what());
  } catch (...) {
    error = "ONNX shape inference fails: unknown error in ONNX";
  }
  return false;
}

const ::onnx::OpSchema *
smelt::detail::lookupONNXSchema(llvm::StringRef opType, llvm::StringRef domain,
                                int opsetVersion) {
  try {
    std::string d = domain == "ai.onnx" ? "" : domain.str();
    return ::onnx::OpSchemaRegistry::Schema(opType.str(), opsetVersion, d);
  } catch (...) {
    return nullptr;
  }
}

int smelt::detail::getMaxKnownOpset(llvm::StringRef domain) {
  try {
    std::string d = domain == "ai.onnx" ? "" : domain.str();
    const auto &map =
        ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    auto it = map.find(d);
    return it == map.end() ? 0 : it->second.second;
  } catch (...) {
    return 0;
  }
}
