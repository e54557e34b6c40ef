//===- ShapePropagation.cpp - Reshape targets computed from shapes --------===//

#include "ShapePropagation.h"
#include "SizeEvaluation.h"

#include "llvm/ADT/STLExtras.h"

#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace smelt::detail;
using namespace smelt::detail::sizes;

namespace {

/// The dims of Reshape's result from its input's and its target; none
/// unless each is a constant or a named size.
std::optional<std::vector<Element>>
reshapedDims(const std::vector<Element> &input, const Sizes &target,
             bool allowZero) {
  std::vector<Element> dims;
  int inferred = -1;
  for (size_t i = 0; i < target.elements.size(); ++i) {
    const Element &e = target.elements[i];
    if (e.kind == Element::Unknown)
      return std::nullopt;
    if (e.kind == Element::Named) {
      dims.push_back(e);
    } else if (e.value == 0 && !allowZero) {
      if (i >= input.size())
        return std::nullopt;
      dims.push_back(input[i]);
    } else if (e.value == -1 && inferred < 0) {
      inferred = i;
      dims.push_back({});
    } else if (e.value >= 0) {
      dims.push_back(e);
    } else {
      return std::nullopt;
    }
  }
  if (inferred < 0)
    return dims;
  // The -1: the input's element count over the others', named sizes
  // cancelling where both have them.
  int64_t inputProduct = 1, otherProduct = 1;
  std::multiset<std::string> names;
  for (const Element &e : input) {
    if (e.kind == Element::Unknown)
      return std::nullopt;
    if (e.kind == Element::Named)
      names.insert(e.name);
    else
      inputProduct *= e.value;
  }
  for (int i = 0; i < static_cast<int>(dims.size()); ++i) {
    if (i == inferred)
      continue;
    if (dims[i].kind == Element::Constant) {
      otherProduct *= dims[i].value;
      continue;
    }
    auto it = names.find(dims[i].name);
    if (it == names.end())
      return std::nullopt;
    names.erase(it);
  }
  if (names.empty() && otherProduct > 0 && inputProduct % otherProduct == 0)
    dims[inferred] = Element::constant(inputProduct / otherProduct);
  else if (names.size() == 1 && inputProduct == otherProduct)
    dims[inferred] = Element::named(*names.begin());
  else
    return std::nullopt;
  return dims;
}

/// The dims of Expand's result: its input's and its target's broadcast;
/// none where a pair is not known to agree.
std::optional<std::vector<Element>>
expandedDims(const std::vector<Element> &input, const Sizes &target) {
  size_t rank = std::max(input.size(), target.elements.size());
  std::vector<Element> dims;
  for (size_t i = 0; i < rank; ++i) {
    Element one = Element::constant(1);
    size_t inputPad = rank - input.size(),
           targetPad = rank - target.elements.size();
    const Element &a = i < inputPad ? one : input[i - inputPad];
    const Element &b = i < targetPad ? one : target.elements[i - targetPad];
    auto isOne = [](const Element &e) {
      return e.kind == Element::Constant && e.value == 1;
    };
    if (a.kind == Element::Unknown || b.kind == Element::Unknown)
      return std::nullopt;
    if (isOne(b))
      dims.push_back(a);
    else if (isOne(a))
      dims.push_back(b);
    else if (a.kind == b.kind && a.value == b.value && a.name == b.name)
      dims.push_back(a);
    else
      return std::nullopt;
  }
  return dims;
}

} // namespace

bool smelt::detail::propagateReshapeShapes(::onnx::GraphProto &graph) {
  std::map<std::string, const ::onnx::TypeProto *> types;
  for (const auto &v : graph.input())
    types[v.name()] = &v.type();
  for (const auto &v : graph.value_info())
    types[v.name()] = &v.type();
  for (const auto &v : graph.output())
    types[v.name()] = &v.type();
  std::set<std::string> outputs;
  for (const auto &v : graph.output())
    outputs.insert(v.name());
  std::map<std::string, Sizes> known;
  for (const ::onnx::TensorProto &t : graph.initializer())
    if (std::optional<Sizes> sizes = constantSizes(t))
      known[t.name()] = *sizes;

  std::vector<::onnx::ValueInfoProto> added;
  bool folded = false;
  // Records `dims` as the shape of `output` where they tell more than ONNX's
  // inference found: its rank, its sizes stay; a size where ONNX has a
  // name, or a shape where it has none, is new.
  auto record = [&](const std::string &output, int32_t elementType,
                    const std::vector<Element> &dims) {
    auto type = types.find(output);
    if (type != types.end() && type->second->has_tensor_type() &&
        type->second->tensor_type().has_shape()) {
      const auto &shape = type->second->tensor_type().shape();
      if (shape.dim_size() != static_cast<int>(dims.size()))
        return;
      bool more = false, conflicts = false;
      for (int i = 0; i < shape.dim_size(); ++i) {
        const Element &e = dims[i];
        if (shape.dim(i).has_dim_value())
          conflicts |= e.kind != Element::Constant ||
                       e.value != shape.dim(i).dim_value();
        else
          more |= e.kind == Element::Constant;
      }
      if (conflicts || !more)
        return;
    }
    ::onnx::ValueInfoProto info;
    info.set_name(output);
    auto *tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(elementType);
    auto *shape = tensor->mutable_shape();
    for (const Element &e : dims) {
      auto *dim = shape->add_dim();
      if (e.kind == Element::Constant)
        dim->set_dim_value(e.value);
      else
        dim->set_dim_param(e.name);
    }
    added.push_back(std::move(info));
  };
  // A Reshape's or Expand's result shape from its target's sizes.
  auto shapeResult = [&](const ::onnx::NodeProto &node) {
    bool reshape = node.op_type() == "Reshape";
    if ((!reshape && node.op_type() != "Expand") || node.input_size() != 2 ||
        node.output_size() != 1 || !isDefaultDomain(node) ||
        outputs.count(node.output(0))) // a graph output's type is declared
      return;
    auto type = types.find(node.output(0));
    auto inputType = types.find(node.input(0));
    auto target = known.find(node.input(1));
    if ((type != types.end() && isStatic(*type->second)) ||
        inputType == types.end() || target == known.end() ||
        !target->second.isVector() || target->second.isBool())
      return;
    std::optional<std::vector<Element>> input =
        dimsOf(*inputType->second, node.input(0));
    if (!input)
      return;
    std::optional<std::vector<Element>> dims =
        reshape ? reshapedDims(*input, target->second,
                               intAttribute(node, "allowzero", 0) != 0)
                : expandedDims(*input, target->second);
    if (dims)
      record(node.output(0), inputType->second->tensor_type().elem_type(),
             *dims);
  };
  for (::onnx::NodeProto &node : *graph.mutable_node()) {
    shapeResult(node);
    if (node.output_size() != 1 || node.output(0).empty())
      continue;
    std::optional<Sizes> sizes = evaluate(node, known, types);
    if (!sizes)
      continue;
    known[node.output(0)] = *sizes;
    // Sizes computed from static dims alone are constants: as such, ONNX's
    // inference reads them (a Slice's bounds, a Reshape's target). Empty
    // ones stay computed: ONNX 1.12's data propagation takes an empty
    // constant for a scalar (a Concat of it then fails its inference).
    if (node.op_type() == "Constant" || sizes->elements.empty() ||
        llvm::any_of(sizes->elements, [](const Element &e) {
          return e.kind != Element::Constant;
        }))
      continue;
    ::onnx::TensorProto value;
    value.set_data_type(sizes->type);
    for (int64_t d : sizes->shape)
      value.add_dims(d);
    for (const Element &e : sizes->elements) {
      if (sizes->isBool())
        value.add_int32_data(e.value);
      else
        value.add_int64_data(e.value);
    }
    std::string output = node.output(0), name = node.name();
    node.Clear();
    node.set_op_type("Constant");
    node.set_name(name);
    node.add_output(output);
    ::onnx::AttributeProto *attr = node.add_attribute();
    attr->set_name("value");
    attr->set_type(::onnx::AttributeProto::TENSOR);
    *attr->mutable_t() = std::move(value);
    folded = true;
  }
  if (added.empty())
    return folded;
  // The new shapes replace what inference had (no shape, or unknown dims).
  for (const ::onnx::ValueInfoProto &info : added) {
    bool replaced = false;
    for (auto &v : *graph.mutable_value_info())
      if (v.name() == info.name()) {
        v = info;
        replaced = true;
      }
    if (!replaced)
      *graph.add_value_info() = info;
  }
  return true;
}
