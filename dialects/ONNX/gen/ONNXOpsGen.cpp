//===- ONNXOpsGen.cpp - Writes the onnx dialect's ODS from ONNX's schemas -===//
//
// The onnx dialect is not transcribed by hand: this program walks ONNX's own
// schema registry (libonnx) and writes one ODS op per operator, at the newest
// version not above the supported opset. Its output is a build artifact.
//
//===----------------------------------------------------------------------===//

#include "onnx/defs/schema.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using ::onnx::AttributeProto;
using ::onnx::OpSchema;

constexpr int kMaxDefaultOpset = 17;

struct DomainInfo {
  const char *onnxDomain;
  const char *opPrefix;  // prefix of the MLIR op name inside the dialect
  const char *cppPrefix; // prefix of the C++ class name
};

const DomainInfo kDomains[] = {
    {"", "", ""},
    {"ai.onnx.ml", "ml.", "ML"},
    {"ai.onnx.preview.training", "training.", "Training"},
};

const DomainInfo *findDomain(const std::string &domain) {
  for (const DomainInfo &info : kDomains)
    if (domain == info.onnxDomain)
      return &info;
  return nullptr;
}

// Maps an ONNX tensor element type name to an ODS type.
std::string elementTypeToODS(const std::string &elem) {
  static const std::map<std::string, std::string> table = {
      {"float", "F32"},        {"double", "F64"},
      {"float16", "F16"},      {"bfloat16", "BF16"},
      {"int8", "I8"},          {"int16", "I16"},
      {"int32", "I32"},        {"int64", "I64"},
      {"uint8", "UI8"},        {"uint16", "UI16"},
      {"uint32", "UI32"},      {"uint64", "UI64"},
      {"bool", "I1"},          {"string", "ONNX_String"},
      {"complex64", "Complex<F32>"}, {"complex128", "Complex<F64>"},
  };
  auto it = table.find(elem);
  if (it == table.end()) {
    std::cerr << "onnx-ods-gen: unknown element type '" << elem << "'\n";
    std::exit(1);
  }
  return it->second;
}

// Splits "a, b" at the top-level comma.
std::pair<std::string, std::string> splitPair(const std::string &s) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(')
      ++depth;
    else if (s[i] == ')')
      --depth;
    else if (s[i] == ',' && depth == 0) {
      std::string b = s.substr(i + 1);
      b.erase(0, b.find_first_not_of(' '));
      return {s.substr(0, i), b};
    }
  }
  return {s, ""};
}

// Translates one ONNX type string ("tensor(float)", "seq(tensor(int64))",
// "optional(seq(tensor(float)))", "map(string, int64)") into an ODS type
// constraint.
std::string typeStrToODS(const std::string &typeStr) {
  auto open = typeStr.find('(');
  if (open == std::string::npos || typeStr.back() != ')') {
    std::cerr << "onnx-ods-gen: cannot read type '" << typeStr << "'\n";
    std::exit(1);
  }
  std::string kind = typeStr.substr(0, open);
  std::string inner = typeStr.substr(open + 1, typeStr.size() - open - 2);
  if (kind == "tensor")
    return "TensorOf<[" + elementTypeToODS(inner) + "]>";
  if (kind == "seq")
    return "ONNX_SeqOf<" + typeStrToODS(inner) + ">";
  if (kind == "optional")
    return "ONNX_OptOf<" + typeStrToODS(inner) + ">";
  if (kind == "map") {
    auto [key, value] = splitPair(inner);
    return "ONNX_MapOf<" + elementTypeToODS(key) + ", " + typeStrToODS(value) +
           ">";
  }
  std::cerr << "onnx-ods-gen: unknown type kind in '" << typeStr << "'\n";
  std::exit(1);
}

// Wraps an ODS tensor constraint in the containers that an ONNX type string
// names around its tensor: "optional(seq(" around "tensor(float)".
std::string wrapContainers(const std::string &containers,
                           const std::string &tensor) {
  if (containers.empty())
    return tensor;
  auto open = containers.find('(');
  std::string kind = containers.substr(0, open);
  std::string rest = containers.substr(open + 1);
  if (kind == "seq")
    return "ONNX_SeqOf<" + wrapContainers(rest, tensor) + ">";
  if (kind == "optional")
    return "ONNX_OptOf<" + wrapContainers(rest, tensor) + ">";
  std::cerr << "onnx-ods-gen: unknown container '" << kind << "'\n";
  std::exit(1);
}

// The constraint for one formal parameter: the union of its allowed types,
// where types that differ only in the tensor element type are merged into one
// TensorOf (so "seq(tensor(float))" and "seq(tensor(int64))" become
// ONNX_SeqOf<TensorOf<[F32, I64]>>).
std::string formalToODS(const OpSchema::FormalParameter &formal) {
  std::vector<std::string> typeStrs;
  for (const std::string *t : formal.GetTypes())
    typeStrs.push_back(*t);
  std::sort(typeStrs.begin(), typeStrs.end());
  std::map<std::string, std::vector<std::string>> elemsByContainers;
  std::vector<std::string> others;
  for (const std::string &t : typeStrs) {
    auto pos = t.find("tensor(");
    bool plain = t.find("map(") == std::string::npos &&
                 t.find("sparse_tensor(") == std::string::npos &&
                 pos != std::string::npos;
    if (!plain) {
      others.push_back(typeStrToODS(t));
      continue;
    }
    auto close = t.find(')', pos);
    elemsByContainers[t.substr(0, pos)].push_back(
        elementTypeToODS(t.substr(pos + 7, close - pos - 7)));
  }
  std::vector<std::string> parts;
  for (const auto &[containers, elems] : elemsByContainers) {
    std::string tensor = "TensorOf<[";
    for (size_t i = 0; i < elems.size(); ++i)
      tensor += (i ? ", " : "") + elems[i];
    parts.push_back(wrapContainers(containers, tensor + "]>"));
  }
  parts.insert(parts.end(), others.begin(), others.end());
  if (parts.size() == 1)
    return parts.front();
  std::string s = "AnyTypeOf<[";
  for (size_t i = 0; i < parts.size(); ++i)
    s += (i ? ", " : "") + parts[i];
  return s + "]>";
}

std::string wrapForOption(const OpSchema::FormalParameter &formal,
                          const std::string &constraint) {
  switch (formal.GetOption()) {
  case OpSchema::Single:
    return constraint;
  case OpSchema::Optional:
    return "Optional<" + constraint + ">";
  case OpSchema::Variadic:
    return "Variadic<" + constraint + ">";
  }
  return constraint;
}

std::string cppStringLiteral(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string floatLiteral(float f) {
  std::ostringstream os;
  os.precision(9);
  os << f;
  std::string s = os.str();
  if (s.find_first_of(".eE") == std::string::npos && s != "inf" &&
      s != "-inf" && s != "nan")
    s += ".0";
  return s;
}

// ODS for one attribute: (constraint, isRegion).
std::pair<std::string, bool> attributeToODS(const OpSchema::Attribute &attr) {
  std::string base;
  switch (attr.type) {
  case AttributeProto::FLOAT:
    base = "F32Attr";
    break;
  case AttributeProto::INT:
    base = "I64Attr";
    break;
  case AttributeProto::STRING:
    base = "StrAttr";
    break;
  case AttributeProto::TENSOR:
  case AttributeProto::SPARSE_TENSOR:
    base = "ElementsAttr";
    break;
  case AttributeProto::TYPE_PROTO:
    base = "TypeAttr";
    break;
  case AttributeProto::FLOATS:
    base = "F32ArrayAttr";
    break;
  case AttributeProto::INTS:
    base = "I64ArrayAttr";
    break;
  case AttributeProto::STRINGS:
    base = "StrArrayAttr";
    break;
  case AttributeProto::TENSORS:
  case AttributeProto::SPARSE_TENSORS:
    base = "ONNX_TensorArrayAttr";
    break;
  case AttributeProto::TYPE_PROTOS:
    base = "TypeArrayAttr";
    break;
  case AttributeProto::GRAPH:
    return {"SizedRegion<1>", true};
  case AttributeProto::GRAPHS:
    return {"VariadicRegion<SizedRegion<1>>", true};
  default:
    std::cerr << "onnx-ods-gen: attribute '" << attr.name
              << "' has an unknown kind\n";
    std::exit(1);
  }
  if (attr.required)
    return {base, false};

  const AttributeProto &def = attr.default_value;
  std::string value;
  bool hasDefault = true;
  switch (attr.type) {
  case AttributeProto::FLOAT:
    hasDefault = def.has_f();
    value = floatLiteral(def.f());
    break;
  case AttributeProto::INT:
    hasDefault = def.has_i();
    value = std::to_string(def.i());
    break;
  case AttributeProto::STRING:
    hasDefault = def.has_s();
    value = cppStringLiteral(def.s());
    break;
  case AttributeProto::FLOATS:
    hasDefault = def.floats_size() > 0;
    value = "{";
    for (int i = 0; i < def.floats_size(); ++i)
      value += (i ? ", " : "") + floatLiteral(def.floats(i)) + "f";
    value += "}";
    break;
  case AttributeProto::INTS:
    hasDefault = def.ints_size() > 0;
    value = "{";
    for (int i = 0; i < def.ints_size(); ++i)
      value += (i ? ", " : "") + std::to_string(def.ints(i));
    value += "}";
    break;
  case AttributeProto::STRINGS:
    hasDefault = def.strings_size() > 0;
    value = "{";
    for (int i = 0; i < def.strings_size(); ++i)
      value += (i ? ", " : "") + cppStringLiteral(def.strings(i));
    value += "}";
    break;
  default:
    hasDefault = false;
  }
  if (!hasDefault)
    return {"OptionalAttr<" + base + ">", false};
  // The default is C++ code inside a TableGen string.
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\')
      quoted += '\\';
    quoted += c;
  }
  return {"DefaultValuedAttr<" + base + ", " + quoted + "\">", false};
}

std::string sanitizeDoc(std::string doc) {
  for (size_t pos; (pos = doc.find("}]")) != std::string::npos;)
    doc.replace(pos, 2, "} ]");
  return doc;
}

// Operands and results that share one type parameter ("T") must agree on
// their element type; ODS cannot say that, so the generated verifier does.
// Returns the C++ initializer of the groups, empty when there are none.
std::string typeParamGroups(const OpSchema &schema) {
  std::map<std::string, std::vector<std::string>> groups;
  std::set<std::string> params;
  for (const auto &tc : schema.typeConstraintParams())
    params.insert(tc.type_param_str);
  auto collect = [&](const std::vector<OpSchema::FormalParameter> &formals,
                     const char *accessor) {
    for (size_t i = 0; i < formals.size(); ++i) {
      const auto &f = formals[i];
      if (!params.count(f.GetTypeStr()))
        continue;
      if (f.GetOption() == OpSchema::Variadic && !f.GetIsHomogeneous())
        continue;
      groups[f.GetTypeStr()].push_back(std::string("{") + accessor + "(" +
                                       std::to_string(i) + "), \"" +
                                       f.GetName() + "\"}");
    }
  };
  collect(schema.inputs(), "getODSOperands");
  collect(schema.outputs(), "getODSResults");
  std::string out;
  for (auto &[name, members] : groups) {
    bool variadic = false;
    for (const auto &f : schema.inputs())
      variadic |= f.GetTypeStr() == name && f.GetOption() == OpSchema::Variadic;
    if (members.size() < 2 && !variadic)
      continue;
    out += "\n        {\"" + name + "\", {";
    for (size_t i = 0; i < members.size(); ++i)
      out += (i ? ", " : "") + members[i];
    out += "}},";
  }
  return out;
}

void emitOp(std::ostream &os, const OpSchema &schema, const DomainInfo &dom) {
  std::string cppName = dom.cppPrefix + schema.Name();
  std::string opName = dom.opPrefix + schema.Name();

  std::vector<std::string> traits;
  size_t variableOperands = 0, variableResults = 0;
  for (const auto &f : schema.inputs())
    variableOperands += f.GetOption() != OpSchema::Single;
  for (const auto &f : schema.outputs())
    variableResults += f.GetOption() != OpSchema::Single;
  if (variableOperands > 1)
    traits.push_back("AttrSizedOperandSegments");
  if (variableResults > 1)
    traits.push_back("AttrSizedResultSegments");

  bool hasRegions = false;
  for (const auto &[name, attr] : schema.attributes())
    hasRegions |= attr.type == AttributeProto::GRAPH ||
                  attr.type == AttributeProto::GRAPHS;
  if (hasRegions)
    traits.push_back("RecursiveMemoryEffects");

  os << "def ONNX_" << cppName << "Op : ONNX_Op<\"" << opName << "\", "
     << schema.since_version() << ", [";
  for (size_t i = 0; i < traits.size(); ++i)
    os << (i ? ", " : "") << traits[i];
  os << "]> {\n";
  os << "  let summary = \"ONNX " << schema.Name() << " (" <<
      (dom.onnxDomain[0] ? dom.onnxDomain : "ai.onnx") << ", version "
     << schema.since_version() << ")\";\n";
  const char *doc = schema.doc();
  os << "  let description = [{\n" << sanitizeDoc(doc ? doc : "") << "\n  }];\n";

  std::set<std::string> usedNames;
  os << "  let arguments = (ins";
  bool first = true;
  for (const auto &f : schema.inputs()) {
    os << (first ? "\n    " : ",\n    ")
       << wrapForOption(f, formalToODS(f)) << ":$" << f.GetName();
    usedNames.insert(f.GetName());
    first = false;
  }
  std::vector<std::pair<std::string, std::string>> regions;
  for (const auto &[name, attr] : schema.attributes()) {
    auto [constraint, isRegion] = attributeToODS(attr);
    if (isRegion) {
      regions.push_back({name, constraint});
      continue;
    }
    if (usedNames.count(name)) {
      std::cerr << "onnx-ods-gen: " << schema.Name() << ": attribute '"
                << name << "' shares its name with an input\n";
      std::exit(1);
    }
    os << (first ? "\n    " : ",\n    ") << constraint << ":$" << name;
    first = false;
  }
  os << "\n  );\n";

  os << "  let results = (outs";
  first = true;
  for (const auto &f : schema.outputs()) {
    os << (first ? "\n    " : ",\n    ")
       << wrapForOption(f, formalToODS(f)) << ":$" << f.GetName();
    first = false;
  }
  os << "\n  );\n";

  if (!regions.empty()) {
    os << "  let regions = (region";
    for (size_t i = 0; i < regions.size(); ++i)
      os << (i ? ", " : " ") << regions[i].second << ":$" << regions[i].first;
    os << ");\n";
  } else {
    os << "  let assemblyFormat = [{\n"
          "    `(` operands `)` attr-dict `:` functional-type(operands, results)\n"
          "  }];\n";
  }

  std::string groups = typeParamGroups(schema);
  if (!groups.empty()) {
    os << "  let hasVerifier = 1;\n";
    os << "  let extraClassDefinition = [{\n"
          "    ::llvm::LogicalResult $cppClass::verify() {\n"
          "      return ::smelt::onnx::detail::verifyTypeParams(getOperation(), {"
       << groups << "\n      });\n    }\n  }];\n";
  }
  os << "}\n\n";
}

} // namespace

int main(int argc, char **argv) {
  std::string outPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc)
      outPath = argv[++i];
    else {
      std::cerr << "usage: onnx-ods-gen -o ONNXOps.td\n";
      return 1;
    }
  }

  // Newest version of each operator, not above the supported opset.
  std::map<std::pair<std::string, std::string>, OpSchema> newest;
  for (const OpSchema &schema :
       ::onnx::OpSchemaRegistry::get_all_schemas_with_history()) {
    if (!findDomain(schema.domain()))
      continue;
    if (schema.domain().empty() && schema.since_version() > kMaxDefaultOpset)
      continue;
    auto key = std::make_pair(schema.domain(), schema.Name());
    auto it = newest.find(key);
    if (it == newest.end())
      newest.emplace(key, schema);
    else if (it->second.since_version() < schema.since_version())
      it->second = schema;
  }

  std::ostringstream os;
  os << "// Generated by onnx-ods-gen from ONNX's schema registry. Do not "
        "edit.\n\n"
        "#ifndef SMELT_ONNX_OPS_GEN_TD\n#define SMELT_ONNX_OPS_GEN_TD\n\n"
        "include \"ONNXBase.td\"\n\n";
  int count = 0;
  for (const auto &[key, schema] : newest) {
    // Deprecated operators never appear once a model is converted to the
    // newest opset (the version converter replaces them).
    if (schema.deprecated())
      continue;
    emitOp(os, schema, *findDomain(key.first));
    ++count;
  }
  os << "#endif // SMELT_ONNX_OPS_GEN_TD\n";

  if (outPath.empty()) {
    std::cout << os.str();
  } else {
    // Write only when changed, so that a re-run does not rebuild the world.
    std::ifstream existing(outPath);
    std::stringstream old;
    old << existing.rdbuf();
    if (old.str() != os.str()) {
      std::ofstream out(outPath);
      out << os.str();
      if (!out) {
        std::cerr << "onnx-ods-gen: cannot write " << outPath << "\n";
        return 1;
      }
    }
  }
  std::cerr << "onnx-ods-gen: " << count << " operators\n";
  return 0;
}
