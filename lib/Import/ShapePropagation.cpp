//===- ShapePropagation.cpp - Reshape targets computed from shapes --------===//

#include "ShapePropagation.h"

#include "llvm/ADT/STLExtras.h"

#include <climits>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace smelt::detail;

namespace {

/// One element of a small int64 tensor that holds sizes: a constant, a
/// dimension known only at run time (by the name ONNX gave it, or one made
/// up from the value and axis), or unknown.
struct Element {
  enum Kind { Constant, Named, Unknown } kind = Unknown;
  int64_t value = 0;
  std::string name;

  static Element constant(int64_t value) { return {Constant, value, {}}; }
  static Element named(std::string name) {
    return {Named, 0, std::move(name)};
  }
};

/// A small int64 tensor of rank 0 (`scalar`) or 1.
struct Sizes {
  std::vector<Element> elements;
  bool scalar = false;
};

std::optional<std::vector<int64_t>>
int64Values(const ::onnx::TensorProto &tensor) {
  if (tensor.data_type() != ::onnx::TensorProto::INT64 ||
      tensor.data_location() == ::onnx::TensorProto::EXTERNAL ||
      tensor.dims_size() > 1)
    return std::nullopt;
  int64_t count = 1;
  for (int64_t d : tensor.dims())
    count *= d;
  if (count < 0 || count > 64)
    return std::nullopt;
  if (tensor.int64_data_size() == count)
    return std::vector<int64_t>(tensor.int64_data().begin(),
                                tensor.int64_data().end());
  if (tensor.raw_data().size() != static_cast<size_t>(count) * 8)
    return std::nullopt;
  std::vector<int64_t> values(count);
  std::memcpy(values.data(), tensor.raw_data().data(), count * 8);
  return values;
}

std::optional<Sizes> constantSizes(const ::onnx::TensorProto &tensor) {
  std::optional<std::vector<int64_t>> values = int64Values(tensor);
  if (!values)
    return std::nullopt;
  Sizes sizes;
  sizes.scalar = tensor.dims_size() == 0;
  for (int64_t v : *values)
    sizes.elements.push_back(Element::constant(v));
  return sizes;
}

const ::onnx::AttributeProto *attribute(const ::onnx::NodeProto &node,
                                        const std::string &name) {
  for (const ::onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t intAttribute(const ::onnx::NodeProto &node, const std::string &name,
                     int64_t otherwise) {
  const ::onnx::AttributeProto *a = attribute(node, name);
  return a && a->has_i() ? a->i() : otherwise;
}

/// The dims of a tensor type as elements; none when its rank is unknown.
std::optional<std::vector<Element>> dimsOf(const ::onnx::TypeProto &type,
                                           const std::string &value) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return std::nullopt;
  std::vector<Element> dims;
  const ::onnx::TensorShapeProto &shape = type.tensor_type().shape();
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto &dim = shape.dim(i);
    if (dim.has_dim_value())
      dims.push_back(Element::constant(dim.dim_value()));
    else if (dim.has_dim_param() && !dim.dim_param().empty())
      dims.push_back(Element::named(dim.dim_param()));
    else
      dims.push_back(Element::named(value + ":" + std::to_string(i)));
  }
  return dims;
}

bool isStatic(const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return false;
  for (const auto &dim : type.tensor_type().shape().dim())
    if (!dim.has_dim_value())
      return false;
  return true;
}

Element arithmetic(const std::string &op, const Element &a, const Element &b) {
  if (a.kind == Element::Constant && b.kind == Element::Constant) {
    // Integer Div truncates, as ONNX's does; what overflows is unknown.
    int64_t result = 0;
    bool overflow =
        op == "Add"   ? __builtin_add_overflow(a.value, b.value, &result)
        : op == "Sub" ? __builtin_sub_overflow(a.value, b.value, &result)
        : op == "Mul" ? __builtin_mul_overflow(a.value, b.value, &result)
                      : (b.value == 0 ||
                         (a.value == INT64_MIN && b.value == -1));
    if (overflow)
      return {};
    if (op == "Div")
      result = a.value / b.value;
    return Element::constant(result);
  }
  // A named size stays itself through the identities.
  bool one = b.kind == Element::Constant && b.value == 1;
  bool zero = b.kind == Element::Constant && b.value == 0;
  if (a.kind == Element::Named && (((op == "Mul" || op == "Div") && one) ||
                                   ((op == "Add" || op == "Sub") && zero)))
    return a;
  if (b.kind == Element::Named && a.kind == Element::Constant &&
      ((op == "Mul" && a.value == 1) || (op == "Add" && a.value == 0)))
    return b;
  return {};
}

bool isDefaultDomain(const ::onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

/// The axes of a Squeeze or Unsqueeze: its attribute (before opset 13) or
/// its constant second input; none when they are not known.
std::optional<std::vector<int64_t>>
axesOf(const ::onnx::NodeProto &node,
       const std::map<std::string, Sizes> &known) {
  if (const ::onnx::AttributeProto *a = attribute(node, "axes"))
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  if (node.input_size() < 2)
    return std::vector<int64_t>();
  auto it = known.find(node.input(1));
  if (it == known.end())
    return std::nullopt;
  std::vector<int64_t> axes;
  for (const Element &e : it->second.elements) {
    if (e.kind != Element::Constant)
      return std::nullopt;
    axes.push_back(e.value);
  }
  return axes;
}

/// What `node` computes, where it computes sizes from known ones.
std::optional<Sizes>
evaluate(const ::onnx::NodeProto &node,
         const std::map<std::string, Sizes> &known,
         const std::map<std::string, const ::onnx::TypeProto *> &types) {
  auto input = [&](int i) -> const Sizes * {
    if (i >= node.input_size())
      return nullptr;
    auto it = known.find(node.input(i));
    return it == known.end() ? nullptr : &it->second;
  };
  if (!isDefaultDomain(node))
    return std::nullopt;
  const std::string &op = node.op_type();
  if (op == "Constant") {
    const ::onnx::AttributeProto *value = attribute(node, "value");
    return value && value->has_t() ? constantSizes(value->t()) : std::nullopt;
  }
  if (op == "Shape") {
    auto type = types.find(node.input(0));
    if (type == types.end())
      return std::nullopt;
    std::optional<std::vector<Element>> dims =
        dimsOf(*type->second, node.input(0));
    if (!dims)
      return std::nullopt;
    int64_t rank = dims->size();
    auto clamp = [&](int64_t i) {
      i = i < 0 ? i + rank : i;
      return std::min(std::max<int64_t>(i, 0), rank);
    };
    int64_t start = clamp(intAttribute(node, "start", 0));
    int64_t end = clamp(intAttribute(node, "end", rank));
    Sizes sizes;
    for (int64_t i = start; i < end; ++i)
      sizes.elements.push_back((*dims)[i]);
    return sizes;
  }
  if (op == "Cast" || op == "Identity") {
    if (op == "Cast" && intAttribute(node, "to", 0) != ::onnx::TensorProto::INT64)
      return std::nullopt;
    const Sizes *x = input(0);
    return x ? std::optional<Sizes>(*x) : std::nullopt;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    // Only between a scalar and one element: axes [0] (or [-1]; a
    // Squeeze may name none).
    const Sizes *x = input(0);
    std::optional<std::vector<int64_t>> axes = axesOf(node, known);
    if (!x || !axes || (op == "Unsqueeze") != x->scalar ||
        (op == "Squeeze" && x->elements.size() != 1) ||
        axes->size() > 1 || (op == "Unsqueeze" && axes->empty()) ||
        (axes->size() == 1 && axes->front() != 0 && axes->front() != -1))
      return std::nullopt;
    Sizes sizes = *x;
    sizes.scalar = op == "Squeeze";
    return sizes;
  }
  if (op == "Gather") {
    const Sizes *data = input(0), *indices = input(1);
    if (!data || !indices || data->scalar || intAttribute(node, "axis", 0) != 0)
      return std::nullopt;
    Sizes sizes;
    sizes.scalar = indices->scalar;
    int64_t n = data->elements.size();
    for (const Element &index : indices->elements) {
      if (index.kind != Element::Constant)
        return std::nullopt;
      int64_t i = index.value < 0 ? index.value + n : index.value;
      if (i < 0 || i >= n)
        return std::nullopt;
      sizes.elements.push_back(data->elements[i]);
    }
    return sizes;
  }
  if (op == "Concat") {
    Sizes sizes;
    for (int i = 0; i < node.input_size(); ++i) {
      const Sizes *x = input(i);
      if (!x || x->scalar)
        return std::nullopt;
      sizes.elements.insert(sizes.elements.end(), x->elements.begin(),
                            x->elements.end());
    }
    return sizes;
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const Sizes *a = input(0), *b = input(1);
    if (!a || !b)
      return std::nullopt;
    size_t n = std::max(a->elements.size(), b->elements.size());
    if ((a->elements.size() != n && a->elements.size() != 1) ||
        (b->elements.size() != n && b->elements.size() != 1))
      return std::nullopt;
    Sizes sizes;
    sizes.scalar = a->scalar && b->scalar;
    for (size_t i = 0; i < n; ++i)
      sizes.elements.push_back(
          arithmetic(op, a->elements[a->elements.size() == 1 ? 0 : i],
                     b->elements[b->elements.size() == 1 ? 0 : i]));
    return sizes;
  }
  return std::nullopt;
}

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
  for (::onnx::NodeProto &node : *graph.mutable_node()) {
    if (node.op_type() == "Reshape" && node.input_size() == 2 &&
        node.output_size() == 1 && isDefaultDomain(node)) {
      // A graph output's declared type is what inference keeps.
      if (outputs.count(node.output(0)))
        continue;
      auto type = types.find(node.output(0));
      auto inputType = types.find(node.input(0));
      auto target = known.find(node.input(1));
      if ((type != types.end() && isStatic(*type->second)) ||
          inputType == types.end() || target == known.end() ||
          target->second.scalar)
        continue;
      std::optional<std::vector<Element>> input =
          dimsOf(*inputType->second, node.input(0));
      if (!input)
        continue;
      std::optional<std::vector<Element>> dims = reshapedDims(
          *input, target->second, intAttribute(node, "allowzero", 0) != 0);
      if (!dims)
        continue;
      // What ONNX found stays: its rank, its sizes; the result is recorded
      // where it knows more (a size where ONNX has a name, or no shape).
      if (type != types.end() && type->second->has_tensor_type() &&
          type->second->tensor_type().has_shape()) {
        const auto &shape = type->second->tensor_type().shape();
        if (shape.dim_size() != static_cast<int>(dims->size()))
          continue;
        bool more = false, conflicts = false;
        for (int i = 0; i < shape.dim_size(); ++i) {
          const Element &e = (*dims)[i];
          if (shape.dim(i).has_dim_value())
            conflicts |= e.kind != Element::Constant ||
                         e.value != shape.dim(i).dim_value();
          else
            more |= e.kind == Element::Constant;
        }
        if (conflicts || !more)
          continue;
      }
      ::onnx::ValueInfoProto info;
      info.set_name(node.output(0));
      auto *tensor = info.mutable_type()->mutable_tensor_type();
      tensor->set_elem_type(inputType->second->tensor_type().elem_type());
      auto *shape = tensor->mutable_shape();
      for (const Element &e : *dims) {
        auto *dim = shape->add_dim();
        if (e.kind == Element::Constant)
          dim->set_dim_value(e.value);
        else
          dim->set_dim_param(e.name);
      }
      added.push_back(std::move(info));
      continue;
    }
    if (node.output_size() != 1 || node.output(0).empty())
      continue;
    std::optional<Sizes> sizes = evaluate(node, known, types);
    if (!sizes)
      continue;
    known[node.output(0)] = *sizes;
    // Sizes computed from static dims alone are constants: as such, ONNX's
    // inference reads them (a Slice's bounds, a Reshape's target).
    if (node.op_type() == "Constant" ||
        llvm::any_of(sizes->elements, [](const Element &e) {
          return e.kind != Element::Constant;
        }))
      continue;
    ::onnx::TensorProto value;
    value.set_data_type(::onnx::TensorProto::INT64);
    if (!sizes->scalar)
      value.add_dims(sizes->elements.size());
    for (const Element &e : sizes->elements)
      value.add_int64_data(e.value);
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
