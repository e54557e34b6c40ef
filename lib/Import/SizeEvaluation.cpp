//===- SizeEvaluation.cpp - Small int64 tensors evaluated at import -------===//

#include "SizeEvaluation.h"

#include <climits>
#include <cstring>

using namespace smelt::detail::sizes;

const ::onnx::AttributeProto *
smelt::detail::sizes::attribute(const ::onnx::NodeProto &node,
                                const std::string &name) {
  for (const ::onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t smelt::detail::sizes::intAttribute(const ::onnx::NodeProto &node,
                                           const std::string &name,
                                           int64_t otherwise) {
  const ::onnx::AttributeProto *a = attribute(node, name);
  return a && a->has_i() ? a->i() : otherwise;
}

/// The dims of a tensor type as elements; none when its rank is unknown.
std::optional<std::vector<Element>>
smelt::detail::sizes::dimsOf(const ::onnx::TypeProto &type,
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

bool smelt::detail::sizes::isStatic(const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return false;
  for (const auto &dim : type.tensor_type().shape().dim())
    if (!dim.has_dim_value())
      return false;
  return true;
}

bool smelt::detail::sizes::isDefaultDomain(const ::onnx::NodeProto &node) {
  return node.domain().empty() || node.domain() == "ai.onnx";
}

namespace {

/// The number of elements of `shape`, or -1 past `kMaxElements`.
int64_t countOf(const std::vector<int64_t> &shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && count > kMaxElements / d))
      return -1;
    count *= d;
  }
  return count <= kMaxElements ? count : -1;
}

/// ONNX's integer Mod (fmod = 0): the sign of the divisor, as Python's.
int64_t floorMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

Element arithmetic(const std::string &op, const Element &a, const Element &b) {
  if (a.kind == Element::Constant && b.kind == Element::Constant) {
    // Integer Div truncates, as ONNX's does; what overflows is unknown.
    int64_t result = 0;
    bool divides = op == "Div" || op == "Mod";
    bool overflow =
        op == "Add"   ? __builtin_add_overflow(a.value, b.value, &result)
        : op == "Sub" ? __builtin_sub_overflow(a.value, b.value, &result)
        : op == "Mul" ? __builtin_mul_overflow(a.value, b.value, &result)
                      : (!divides || b.value == 0 ||
                         (a.value == INT64_MIN && b.value == -1));
    if (overflow)
      return {};
    if (op == "Div")
      result = a.value / b.value;
    if (op == "Mod")
      result = floorMod(a.value, b.value);
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

/// A comparison of two elements, as 0 or 1. A named size is a dimension,
/// never negative: it equals no negative constant (PyTorch's
/// `expand(n, -1, -1)` compares its sizes with -1).
Element compare(const std::string &op, const Element &a, const Element &b) {
  if (a.kind == Element::Constant && b.kind == Element::Constant) {
    bool r = op == "Equal"  ? a.value == b.value
             : op == "Less" ? a.value < b.value
                            : a.value > b.value;
    return Element::constant(r);
  }
  if (a.kind == Element::Named && b.kind == Element::Named && a.name == b.name)
    return Element::constant(op == "Equal");
  auto negative = [](const Element &e) {
    return e.kind == Element::Constant && e.value < 0;
  };
  if ((a.kind == Element::Named && negative(b)) ||
      (b.kind == Element::Named && negative(a))) {
    bool namedFirst = a.kind == Element::Named;
    if (op == "Equal")
      return Element::constant(0);
    return Element::constant((op == "Greater") == namedFirst);
  }
  return {};
}

/// The shape both shapes broadcast to, numpy's way.
std::optional<std::vector<int64_t>>
broadcastShapes(const std::vector<std::vector<int64_t>> &shapes) {
  size_t rank = 0;
  for (const auto &s : shapes)
    rank = std::max(rank, s.size());
  std::vector<int64_t> out(rank, 1);
  for (const auto &s : shapes)
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[rank - s.size() + i];
      if (s[i] == o || s[i] == 1)
        continue;
      if (o != 1)
        return std::nullopt;
      o = s[i];
    }
  return out;
}

/// The row-major strides of `shape`.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// The multi-index of flat position `flat` in `shape`.
std::vector<int64_t> unflatten(int64_t flat,
                               const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    index[i] = shape[i] ? flat % shape[i] : 0;
    flat = shape[i] ? flat / shape[i] : 0;
  }
  return index;
}

/// The element of `x` that position `index` of a broadcast result reads.
const Element &broadcastRead(const Sizes &x,
                             const std::vector<int64_t> &index) {
  int64_t flat = 0;
  std::vector<int64_t> strides = stridesOf(x.shape);
  size_t offset = index.size() - x.shape.size();
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (x.shape[i] != 1)
      flat += index[offset + i] * strides[i];
  return x.elements[flat];
}

/// An elementwise op over broadcast inputs, `f` combining their elements.
template <typename F>
std::optional<Sizes> broadcastElementwise(const std::vector<const Sizes *> &xs,
                                          int32_t type, F f) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Sizes *x : xs) {
    if (!x)
      return std::nullopt;
    shapes.push_back(x->shape);
  }
  std::optional<std::vector<int64_t>> shape = broadcastShapes(shapes);
  if (!shape || countOf(*shape) < 0)
    return std::nullopt;
  Sizes out;
  out.shape = *shape;
  out.type = type;
  for (int64_t flat = 0, n = countOf(*shape); flat < n; ++flat) {
    std::vector<int64_t> index = unflatten(flat, *shape);
    std::vector<const Element *> args;
    for (const Sizes *x : xs)
      args.push_back(&broadcastRead(*x, index));
    out.elements.push_back(f(args));
  }
  return out;
}

/// `axis` made non-negative for `rank`; none when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// Slice's result: ONNX's clamping, negative steps included.
std::optional<Sizes> slice(const Sizes &data,
                           const std::vector<int64_t> &starts,
                           const std::vector<int64_t> &ends,
                           std::vector<int64_t> axes,
                           std::vector<int64_t> steps) {
  int64_t rank = data.shape.size();
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return std::nullopt;
  std::vector<int64_t> begin(rank, 0), step(rank, 1), shape = data.shape;
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> axis = normalizeAxis(axes[i], rank);
    if (!axis || steps[i] == 0 || steps[i] == INT64_MIN)
      return std::nullopt;
    int64_t dim = data.shape[*axis], s = starts[i], e = ends[i], k = steps[i];
    auto clampTo = [&](int64_t v, int64_t lo, int64_t hi) {
      return std::min(std::max(v < 0 ? v + dim : v, lo), hi);
    };
    if (k > 0) {
      s = clampTo(s, 0, dim);
      e = clampTo(e, 0, dim);
      shape[*axis] = e > s ? (e - s - 1) / k + 1 : 0;
    } else {
      s = clampTo(s, 0, dim - 1);
      e = clampTo(e, -1, dim - 1);
      shape[*axis] = s > e ? (s - e - 1) / -k + 1 : 0;
    }
    begin[*axis] = s;
    step[*axis] = k;
  }
  Sizes out;
  out.shape = shape;
  out.type = data.type;
  std::vector<int64_t> strides = stridesOf(data.shape);
  for (int64_t flat = 0, n = countOf(shape); flat < n; ++flat) {
    std::vector<int64_t> index = unflatten(flat, shape);
    int64_t from = 0;
    for (int64_t d = 0; d < rank; ++d)
      from += (begin[d] + index[d] * step[d]) * strides[d];
    out.elements.push_back(data.elements[from]);
  }
  return out;
}

/// A node and what is known of its inputs.
struct NodeSizes {
  const ::onnx::NodeProto &node;
  const std::map<std::string, Sizes> &known;
  const std::map<std::string, const ::onnx::TypeProto *> &types;

  /// Input `i`, when it is a known small tensor.
  const Sizes *input(int i) const {
    if (i >= node.input_size())
      return nullptr;
    auto it = known.find(node.input(i));
    return it == known.end() ? nullptr : &it->second;
  }
  /// The constant int64 values of input `i`, when known; `missing` when the
  /// node has no such input.
  std::optional<std::vector<int64_t>> constantInput(
      int i, std::optional<std::vector<int64_t>> missing = std::nullopt) const {
    if (i >= node.input_size() || node.input(i).empty())
      return missing;
    const Sizes *x = input(i);
    if (!x || x->isBool())
      return std::nullopt;
    return x->values();
  }
};

/// The axes of a Squeeze or Unsqueeze: its attribute (before opset 13) or
/// its constant second input; none when they are not known.
std::optional<std::vector<int64_t>> axesOf(const NodeSizes &in) {
  if (const ::onnx::AttributeProto *a = attribute(in.node, "axes"))
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  return in.constantInput(1, std::vector<int64_t>());
}

/// A Constant: its tensor, or its value_int(s).
std::optional<Sizes> constantOp(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  if (const ::onnx::AttributeProto *value = attribute(node, "value"))
    return value->has_t() ? constantSizes(value->t()) : std::nullopt;
  Sizes sizes;
  if (const ::onnx::AttributeProto *v = attribute(node, "value_int")) {
    sizes.elements.push_back(Element::constant(v->i()));
    return sizes;
  }
  if (const ::onnx::AttributeProto *v = attribute(node, "value_ints")) {
    if (v->ints_size() > kMaxElements)
      return std::nullopt;
    sizes.shape = {v->ints_size()};
    for (int64_t i : v->ints())
      sizes.elements.push_back(Element::constant(i));
    return sizes;
  }
  return std::nullopt;
}

/// Shape (or Size) of a tensor: its dims from ONNX's types, or the shape of
/// a known small tensor.
std::optional<Sizes> shapeOrSize(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const std::string &op = node.op_type();
  std::optional<std::vector<Element>> dims;
  if (const Sizes *x = in.input(0)) {
    dims.emplace();
    for (int64_t d : x->shape)
      dims->push_back(Element::constant(d));
  } else if (auto type = in.types.find(node.input(0)); type != in.types.end()) {
    dims = dimsOf(*type->second, node.input(0));
  }
  if (!dims)
    return std::nullopt;
  Sizes sizes;
  if (op == "Size") {
    Element count = Element::constant(1);
    for (const Element &d : *dims)
      count = arithmetic("Mul", count, d);
    if (count.kind == Element::Unknown)
      return std::nullopt;
    sizes.elements.push_back(count);
    return sizes;
  }
  int64_t rank = dims->size();
  auto clamp = [&](int64_t i) {
    i = i < 0 ? i + rank : i;
    return std::min(std::max<int64_t>(i, 0), rank);
  };
  int64_t start = clamp(intAttribute(node, "start", 0));
  int64_t end = clamp(intAttribute(node, "end", rank));
  for (int64_t i = start; i < end; ++i)
    sizes.elements.push_back((*dims)[i]);
  sizes.shape = {static_cast<int64_t>(sizes.elements.size())};
  return sizes;
}

/// Cast to int64 or bool, or Identity.
std::optional<Sizes> castOrIdentity(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const std::string &op = node.op_type();
  const Sizes *x = in.input(0);
  if (!x)
    return std::nullopt;
  Sizes sizes = *x;
  if (op == "Identity")
    return sizes;
  int64_t to = intAttribute(node, "to", 0);
  if (to == ::onnx::TensorProto::INT64) {
    sizes.type = to;
    return sizes;
  }
  if (to != ::onnx::TensorProto::BOOL)
    return std::nullopt;
  sizes.type = to;
  for (Element &e : sizes.elements) {
    if (e.kind != Element::Constant)
      return std::nullopt;
    e.value = e.value != 0;
  }
  return sizes;
}

/// Squeeze and Unsqueeze at any axes.
std::optional<Sizes> squeezeOrUnsqueeze(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const std::string &op = node.op_type();
  const Sizes *x = in.input(0);
  std::optional<std::vector<int64_t>> axes = axesOf(in);
  if (!x || !axes)
    return std::nullopt;
  Sizes sizes = *x;
  int64_t rank = x->shape.size();
  if (op == "Unsqueeze") {
    int64_t outRank = rank + axes->size();
    std::vector<bool> inserted(outRank, false);
    for (int64_t a : *axes) {
      std::optional<int64_t> axis = normalizeAxis(a, outRank);
      if (!axis || inserted[*axis])
        return std::nullopt;
      inserted[*axis] = true;
    }
    sizes.shape.clear();
    for (int64_t d = 0, next = 0; d < outRank; ++d)
      sizes.shape.push_back(inserted[d] ? 1 : x->shape[next++]);
    return sizes;
  }
  std::vector<bool> removed(rank, false);
  for (int64_t a : *axes) {
    std::optional<int64_t> axis = normalizeAxis(a, rank);
    if (!axis || x->shape[*axis] != 1)
      return std::nullopt;
    removed[*axis] = true;
  }
  sizes.shape.clear();
  for (int64_t d = 0; d < rank; ++d)
    if (!(axes->empty() ? x->shape[d] == 1 : removed[d]))
      sizes.shape.push_back(x->shape[d]);
  return sizes;
}

/// Gather at constant indices along any axis.
std::optional<Sizes> gather(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const Sizes *data = in.input(0);
  std::optional<std::vector<int64_t>> indices = in.constantInput(1);
  const Sizes *indexTensor = in.input(1);
  if (!data || !indices || data->scalar())
    return std::nullopt;
  int64_t rank = data->shape.size();
  std::optional<int64_t> axis =
      normalizeAxis(intAttribute(node, "axis", 0), rank);
  if (!axis)
    return std::nullopt;
  int64_t n = data->shape[*axis];
  Sizes sizes;
  sizes.type = data->type;
  sizes.shape.assign(data->shape.begin(), data->shape.begin() + *axis);
  sizes.shape.insert(sizes.shape.end(), indexTensor->shape.begin(),
                     indexTensor->shape.end());
  sizes.shape.insert(sizes.shape.end(), data->shape.begin() + *axis + 1,
                     data->shape.end());
  if (countOf(sizes.shape) < 0)
    return std::nullopt;
  std::vector<int64_t> strides = stridesOf(data->shape);
  int64_t outer = 1, inner = strides[*axis];
  for (int64_t d = 0; d < *axis; ++d)
    outer *= data->shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : *indices) {
      int64_t i = index < 0 ? index + n : index;
      if (i < 0 || i >= n)
        return std::nullopt;
      for (int64_t k = 0; k < inner; ++k)
        sizes.elements.push_back(data->elements[o * n * inner + i * inner + k]);
    }
  return sizes;
}

/// Concat along any axis.
std::optional<Sizes> concat(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  std::vector<const Sizes *> xs;
  for (int i = 0; i < node.input_size(); ++i) {
    xs.push_back(in.input(i));
    if (!xs.back() || xs.back()->scalar() ||
        xs.back()->shape.size() != xs.front()->shape.size())
      return std::nullopt;
  }
  if (xs.empty())
    return std::nullopt;
  int64_t rank = xs.front()->shape.size();
  std::optional<int64_t> axis =
      normalizeAxis(intAttribute(node, "axis", 0), rank);
  if (!axis)
    return std::nullopt;
  Sizes sizes;
  sizes.type = xs.front()->type;
  sizes.shape = xs.front()->shape;
  sizes.shape[*axis] = 0;
  for (const Sizes *x : xs) {
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && x->shape[d] != sizes.shape[d])
        return std::nullopt;
    if (x->type != sizes.type)
      return std::nullopt;
    sizes.shape[*axis] += x->shape[*axis];
  }
  if (countOf(sizes.shape) < 0)
    return std::nullopt;
  int64_t outer = 1;
  for (int64_t d = 0; d < *axis; ++d)
    outer *= sizes.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const Sizes *x : xs) {
      int64_t chunk = x->elements.size() / std::max<int64_t>(outer, 1);
      for (int64_t k = 0; k < chunk; ++k)
        sizes.elements.push_back(x->elements[o * chunk + k]);
    }
  return sizes;
}

/// Add, Sub, Mul, Div and Mod (fmod = 0), broadcast.
std::optional<Sizes> arithmeticOp(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const std::string &op = node.op_type();
  const Sizes *a = in.input(0), *b = in.input(1);
  if ((a && a->isBool()) || (b && b->isBool()) ||
      (op == "Mod" && intAttribute(node, "fmod", 0) != 0))
    return std::nullopt;
  return broadcastElementwise({a, b}, ::onnx::TensorProto::INT64,
                              [&](const std::vector<const Element *> &e) {
                                return arithmetic(op, *e[0], *e[1]);
                              });
}

/// Equal, Less and Greater, broadcast, as bools.
std::optional<Sizes> comparison(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const std::string &op = node.op_type();
  const Sizes *a = in.input(0), *b = in.input(1);
  if (!a || !b || a->type != b->type)
    return std::nullopt;
  return broadcastElementwise({a, b}, ::onnx::TensorProto::BOOL,
                              [&](const std::vector<const Element *> &e) {
                                return compare(op, *e[0], *e[1]);
                              });
}

/// Not of constant bools.
std::optional<Sizes> logicalNot(const NodeSizes &in) {
  const Sizes *x = in.input(0);
  if (!x || !x->isBool())
    return std::nullopt;
  return broadcastElementwise({x}, ::onnx::TensorProto::BOOL,
                              [](const std::vector<const Element *> &e) {
                                return e[0]->kind == Element::Constant
                                           ? Element::constant(!e[0]->value)
                                           : Element();
                              });
}

/// Where with constant conditions.
std::optional<Sizes> where(const NodeSizes &in) {
  const Sizes *c = in.input(0), *x = in.input(1), *y = in.input(2);
  if (!c || !x || !y || !c->isBool() || x->type != y->type)
    return std::nullopt;
  return broadcastElementwise(
      {c, x, y}, x->type, [](const std::vector<const Element *> &e) {
        return e[0]->kind != Element::Constant ? Element()
               : e[0]->value                   ? *e[1]
                                               : *e[2];
      });
}

/// ConstantOfShape of a constant shape with an int64 or bool value.
std::optional<Sizes> constantOfShape(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  std::optional<std::vector<int64_t>> shape = in.constantInput(0);
  const ::onnx::AttributeProto *value = attribute(node, "value");
  // Without a value the result is float zeros: not sizes.
  if (!shape || !value || !value->has_t())
    return std::nullopt;
  std::optional<Sizes> fill = constantSizes(value->t());
  if (!fill || fill->elements.size() != 1 || countOf(*shape) < 0)
    return std::nullopt;
  Sizes sizes;
  sizes.type = fill->type;
  sizes.shape = *shape;
  sizes.elements.assign(countOf(*shape), fill->elements.front());
  return sizes;
}

/// Reshape of a small tensor to a constant target (0 and -1 as ONNX reads
/// them).
std::optional<Sizes> reshape(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const Sizes *data = in.input(0);
  std::optional<std::vector<int64_t>> target = in.constantInput(1);
  if (!data || !target)
    return std::nullopt;
  Sizes sizes = *data;
  sizes.shape.clear();
  int64_t inferred = -1, product = 1;
  bool allowZero = intAttribute(node, "allowzero", 0) != 0;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allowZero) {
      if (i >= data->shape.size())
        return std::nullopt;
      d = data->shape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
    } else if (d < 0 || d > kMaxElements) {
      return std::nullopt; // no small tensor has such a dim
    } else {
      product *= d;
    }
    sizes.shape.push_back(d);
  }
  int64_t count = data->elements.size();
  if (inferred >= 0) {
    if (product == 0 || count % product != 0)
      return std::nullopt;
    sizes.shape[inferred] = count / product;
  } else if (product != count) {
    return std::nullopt;
  }
  return sizes;
}

/// Slice with constant starts, ends, axes and steps.
std::optional<Sizes> sliceOp(const NodeSizes &in) {
  const Sizes *data = in.input(0);
  std::optional<std::vector<int64_t>> starts = in.constantInput(1);
  std::optional<std::vector<int64_t>> ends = in.constantInput(2);
  std::optional<std::vector<int64_t>> axes =
      in.constantInput(3, std::vector<int64_t>());
  std::optional<std::vector<int64_t>> steps =
      in.constantInput(4, std::vector<int64_t>());
  if (!data || !starts || !ends || !axes || !steps || data->scalar())
    return std::nullopt;
  return slice(*data, *starts, *ends, *axes, *steps);
}

/// Transpose by its permutation (reversed dims by default).
std::optional<Sizes> transpose(const NodeSizes &in) {
  const ::onnx::NodeProto &node = in.node;
  const Sizes *x = in.input(0);
  if (!x)
    return std::nullopt;
  int64_t rank = x->shape.size();
  std::vector<int64_t> perm;
  if (const ::onnx::AttributeProto *a = attribute(node, "perm"))
    perm.assign(a->ints().begin(), a->ints().end());
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  std::vector<bool> seen(rank, false);
  if (static_cast<int64_t>(perm.size()) != rank)
    return std::nullopt;
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return std::nullopt;
    seen[p] = true;
  }
  Sizes sizes;
  sizes.type = x->type;
  for (int64_t p : perm)
    sizes.shape.push_back(x->shape[p]);
  std::vector<int64_t> strides = stridesOf(x->shape);
  for (int64_t flat = 0, n = x->elements.size(); flat < n; ++flat) {
    std::vector<int64_t> index = unflatten(flat, sizes.shape);
    int64_t from = 0;
    for (int64_t d = 0; d < rank; ++d)
      from += index[d] * strides[perm[d]];
    sizes.elements.push_back(x->elements[from]);
  }
  return sizes;
}

/// Range of constant scalars.
std::optional<Sizes> range(const NodeSizes &in) {
  std::optional<std::vector<int64_t>> start = in.constantInput(0),
                                      limit = in.constantInput(1),
                                      delta = in.constantInput(2);
  if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 ||
      delta->size() != 1 || delta->front() == 0)
    return std::nullopt;
  int64_t s = start->front(), l = limit->front(), d = delta->front();
  int64_t span = 0, n = 0;
  if (__builtin_sub_overflow(l, s, &span))
    return std::nullopt;
  if ((span > 0) == (d > 0) && span != 0)
    n = span / d + (span % d != 0);
  if (n > kMaxElements)
    return std::nullopt;
  Sizes sizes;
  sizes.shape = {n};
  for (int64_t i = 0; i < n; ++i)
    sizes.elements.push_back(Element::constant(s + i * d));
  return sizes;
}

} // namespace

std::optional<Sizes>
smelt::detail::sizes::constantSizes(const ::onnx::TensorProto &tensor) {
  int32_t type = tensor.data_type();
  if ((type != ::onnx::TensorProto::INT64 &&
       type != ::onnx::TensorProto::BOOL) ||
      tensor.data_location() == ::onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  Sizes sizes;
  sizes.type = type;
  sizes.shape.assign(tensor.dims().begin(), tensor.dims().end());
  int64_t count = countOf(sizes.shape);
  if (count < 0)
    return std::nullopt;
  std::vector<int64_t> values(count);
  const std::string &raw = tensor.raw_data();
  if (type == ::onnx::TensorProto::INT64) {
    if (tensor.int64_data_size() == count)
      values.assign(tensor.int64_data().begin(), tensor.int64_data().end());
    else if (raw.size() == static_cast<size_t>(count) * 8)
      std::memcpy(values.data(), raw.data(), count * 8);
    else
      return std::nullopt;
  } else {
    if (tensor.int32_data_size() == count)
      for (int64_t i = 0; i < count; ++i)
        values[i] = tensor.int32_data(i) != 0;
    else if (raw.size() == static_cast<size_t>(count))
      for (int64_t i = 0; i < count; ++i)
        values[i] = raw[i] != 0;
    else
      return std::nullopt;
  }
  for (int64_t v : values)
    sizes.elements.push_back(Element::constant(v));
  return sizes;
}

std::optional<Sizes> smelt::detail::sizes::evaluate(
    const ::onnx::NodeProto &node, const std::map<std::string, Sizes> &known,
    const std::map<std::string, const ::onnx::TypeProto *> &types) {
  using Evaluator = std::optional<Sizes> (*)(const NodeSizes &);
  static const std::map<std::string, Evaluator> evaluators = {
      {"Constant", constantOp},
      {"Shape", shapeOrSize},
      {"Size", shapeOrSize},
      {"Cast", castOrIdentity},
      {"Identity", castOrIdentity},
      {"Unsqueeze", squeezeOrUnsqueeze},
      {"Squeeze", squeezeOrUnsqueeze},
      {"Gather", gather},
      {"Concat", concat},
      {"Add", arithmeticOp},
      {"Sub", arithmeticOp},
      {"Mul", arithmeticOp},
      {"Div", arithmeticOp},
      {"Mod", arithmeticOp},
      {"Equal", comparison},
      {"Less", comparison},
      {"Greater", comparison},
      {"Not", logicalNot},
      {"Where", where},
      {"ConstantOfShape", constantOfShape},
      {"Reshape", reshape},
      {"Slice", sliceOp},
      {"Transpose", transpose},
      {"Range", range}};
  if (!isDefaultDomain(node))
    return std::nullopt;
  auto it = evaluators.find(node.op_type());
  if (it == evaluators.end())
    return std::nullopt;
  return it->second(NodeSizes{node, known, types});
}
