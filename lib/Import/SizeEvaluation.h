//===- SizeEvaluation.h - Small int64 tensors evaluated at import -*- C++
//-*-===//
//
// The size computations exporters write (Shape, Gather, Concat, arithmetic,
// Reshape, Slice, Where, ConstantOfShape, ...) evaluated on small int64 and
// bool tensors, each element a constant, a dimension known only at run
// time, or unknown. ShapePropagation folds what comes out constant and
// shapes the Reshapes and Expands whose targets it knows.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_IMPORT_SIZEEVALUATION_H
#define SMELT_LIB_IMPORT_SIZEEVALUATION_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smelt::detail::sizes {

/// One element of a small int64 tensor that holds sizes: a constant, a
/// dimension known only at run time (by the name ONNX gave it, or one made
/// up from the value and axis), or unknown.
struct Element {
  enum Kind { Constant, Named, Unknown } kind = Unknown;
  int64_t value = 0;
  std::string name;

  static Element constant(int64_t value) { return {Constant, value, {}}; }
  static Element named(std::string name) { return {Named, 0, std::move(name)}; }
};

/// A small int64 or bool tensor (at most `kMaxElements` elements, row-major),
/// of any rank.
struct Sizes {
  std::vector<int64_t> shape;
  std::vector<Element> elements;
  int32_t type = ::onnx::TensorProto::INT64;

  bool scalar() const { return shape.empty(); }
  bool isBool() const { return type == ::onnx::TensorProto::BOOL; }
  bool isVector() const { return shape.size() == 1; }
  /// The constant values, when every element is one.
  std::optional<std::vector<int64_t>> values() const {
    std::vector<int64_t> v;
    for (const Element &e : elements) {
      if (e.kind != Element::Constant)
        return std::nullopt;
      v.push_back(e.value);
    }
    return v;
  }
};

constexpr int64_t kMaxElements = 64;

/// The tensor's values, when it is a small int64 or bool tensor.
std::optional<Sizes> constantSizes(const ::onnx::TensorProto &tensor);

const ::onnx::AttributeProto *attribute(const ::onnx::NodeProto &node,
                                        const std::string &name);
int64_t intAttribute(const ::onnx::NodeProto &node, const std::string &name,
                     int64_t otherwise);

/// The dims of a tensor type as elements; none when its rank is unknown.
std::optional<std::vector<Element>> dimsOf(const ::onnx::TypeProto &type,
                                           const std::string &value);
bool isStatic(const ::onnx::TypeProto &type);
bool isDefaultDomain(const ::onnx::NodeProto &node);

/// What `node` computes, where it computes a small tensor from known ones
/// (`known`, by value name; `types`, what ONNX's inference found).
std::optional<Sizes>
evaluate(const ::onnx::NodeProto &node,
         const std::map<std::string, Sizes> &known,
         const std::map<std::string, const ::onnx::TypeProto *> &types);

} // namespace smelt::detail::sizes

#endif // SMELT_LIB_IMPORT_SIZEEVALUATION_H
