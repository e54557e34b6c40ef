//===- Report.cpp - What a model holds, and what a compile did to it -------===//

#include "smelt/Driver/Driver.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace smelt;

namespace {

std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

int64_t elementBytes(Type element) {
  if (auto complex = dyn_cast<ComplexType>(element))
    return 2 * elementBytes(complex.getElementType());
  if (element.isIntOrFloat())
    return std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
  return 0;
}

} // namespace

smelt::ModelSummary smelt::summarizeModel(ModuleOp module) {
  ModelSummary summary;
  if (auto opsets = module->getAttrOfType<DictionaryAttr>("onnx.opset_import"))
    for (NamedAttribute opset : opsets)
      summary.opsets[opset.getName().str()] =
          cast<IntegerAttr>(opset.getValue()).getInt();
  if (auto ir = module->getAttrOfType<IntegerAttr>("onnx.ir_version"))
    summary.irVersion = ir.getInt();
  if (auto producer = module->getAttrOfType<StringAttr>("onnx.producer_name"))
    summary.producer = producer.str();

  for (auto func : module.getOps<func::FuncOp>()) {
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
      summary.inputs.push_back({name ? name.str() : "arg" + std::to_string(i),
                                typeToString(func.getArgument(i).getType())});
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto name = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
      summary.outputs.push_back(
          {name ? name.str() : "result" + std::to_string(i),
           typeToString(func.getResultTypes()[i])});
    }
    func.walk([&](Operation *op) {
      if (!isa<onnx::ONNXDialect>(op->getDialect()) || isa<onnx::YieldOp>(op))
        return;
      if (auto constant = dyn_cast<onnx::ConstantOp>(op)) {
        // An initializer, a Constant node or a constant a rewrite made
        // (quantization scales): a parameter, not a node.
        auto type = cast<ShapedType>(constant.getResult().getType());
        ++summary.numParameterTensors;
        summary.numParameters += type.getNumElements();
        summary.parameterBytes +=
            type.getNumElements() * elementBytes(type.getElementType());
        return;
      }
      ++summary.numNodes;
      ++summary.opCounts[op->getName().getStringRef().drop_front(5).str()];
    });
  }
  return summary;
}

std::string smelt::formatSummary(const ModelSummary &summary) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "opsets:";
  for (const auto &[domain, version] : summary.opsets)
    os << " " << domain << " " << version;
  os << "\nir version: " << summary.irVersion;
  if (!summary.producer.empty())
    os << "  producer: " << summary.producer;
  os << "\ninputs:\n";
  for (const auto &v : summary.inputs)
    os << "  " << v.name << ": " << v.type << "\n";
  os << "outputs:\n";
  for (const auto &v : summary.outputs)
    os << "  " << v.name << ": " << v.type << "\n";
  os << llvm::formatv("parameters: {0} in {1} tensors ({2:f1} KiB)\n",
                      summary.numParameters, summary.numParameterTensors,
                      summary.parameterBytes / 1024.0);
  os << "nodes: " << summary.numNodes << "\n";
  for (const auto &[op, count] : summary.opCounts)
    os << llvm::formatv("  {0,-24} {1,5}\n", op, count);
  return s;
}

std::string smelt::formatReportJSON(const CompileReport &report) {
  namespace json = llvm::json;
  auto number = [](double x) -> json::Value {
    if (std::isfinite(x))
      return x;
    // JSON has no infinity: an exact tensor's SQNR ("exact": true), or
    // one whose reference is all zeros.
    return nullptr;
  };
  auto divergence = [&](const TensorDivergence &t) {
    json::Object o{{"elements", t.elements},
                   {"exact", t.maxAbs == 0},
                   {"relative_rmse", number(t.relativeRMSE)},
                   {"sqnr_db", number(t.sqnrDB)},
                   {"cosine", number(t.cosine)},
                   {"max_abs", number(t.maxAbs)}};
    if (t.top1Agreement >= 0)
      o["top1_agreement"] = t.top1Agreement;
    return o;
  };
  auto summary = [](const ModelSummary &s) {
    return json::Object{{"parameters", s.numParameters},
                        {"parameter_bytes", s.parameterBytes},
                        {"nodes", s.numNodes}};
  };
  json::Array inputs, outputs;
  for (const ModelSummary::Value &v : report.before.inputs)
    inputs.push_back(json::Object{{"name", v.name}, {"type", v.type}});
  for (const ModelSummary::Value &v : report.before.outputs)
    outputs.push_back(json::Object{{"name", v.name}, {"type", v.type}});

  // Layers: what each candidate of the quantizer became, and how far its
  // output moved.
  std::map<std::pair<std::string, unsigned>, const TensorDivergence *> byNode;
  for (const TensorDivergence &t : report.divergence.tensors)
    byNode[{t.node, t.result}] = &t;
  std::map<std::string, double> latencyOf;
  for (const CompileReport::LayerLatency &l : report.latency)
    latencyOf[l.node] = l.ms;
  json::Array layers;
  for (const LayerQuantization &l : report.quantization.layers) {
    json::Object o{{"name", l.node},
                   {"op", l.op},
                   {"format", l.format},
                   {"detail", l.detail},
                   {"weight_bytes_before", l.weightBytesBefore},
                   {"weight_bytes_after", l.weightBytesAfter}};
    auto it = byNode.find({l.node, 0});
    if (it != byNode.end())
      o["divergence"] = divergence(*it->second);
    if (auto ms = latencyOf.find(l.node); ms != latencyOf.end())
      o["latency_ms"] = ms->second;
    layers.push_back(std::move(o));
  }
  json::Object root{
      {"model", report.model},
      {"target", report.target},
      {"inputs", std::move(inputs)},
      {"outputs", std::move(outputs)},
      {"compile_seconds", report.compileSeconds},
      {"size",
       json::Object{{"before", summary(report.before)},
                    {"after", summary(report.after)},
                    {"artifact_bytes",
                     report.artifactBytes >= 0
                         ? json::Value(report.artifactBytes)
                         : json::Value(nullptr)}}},
      {"layers", std::move(layers)}};
  if (!report.quantize.empty()) {
    const QuantizeReport &q = report.quantization;
    int64_t stored = 0;
    for (const LayerQuantization &l : q.layers)
      if (l.format != "float32")
        stored += l.weightBytesAfter;
    root["quantization"] = json::Object{
        {"mode", report.quantize},
        {"quantized_ops", q.quantizedOps},
        {"float_ops", q.skippedOps},
        {"weight_bytes_before", q.weightBytesBefore},
        {"weight_bytes_after", stored},
        // int4 as it will be stored once packed two to a byte.
        {"weight_bytes_packed", q.weightBytesAfter},
        {"boundary_values", q.boundaryValues}};
  }
  if (report.hasDivergence) {
    json::Array outs, tensors;
    for (const TensorDivergence &t : report.divergence.outputs) {
      json::Object o = divergence(t);
      o["name"] = t.node;
      outs.push_back(std::move(o));
    }
    for (const TensorDivergence &t : report.divergence.tensors) {
      json::Object o = divergence(t);
      o["node"] = t.node;
      o["result"] = static_cast<int64_t>(t.result);
      o["op"] = llvm::StringRef(t.opName).drop_front(5).str();
      tensors.push_back(std::move(o));
    }
    root["divergence"] =
        json::Object{{"samples", report.divergence.samples},
                     {"outputs", std::move(outs)},
                     {"tensors", std::move(tensors)}};
  }
  if (!report.latency.empty() || !report.latencyNote.empty()) {
    json::Array times;
    for (const CompileReport::LayerLatency &l : report.latency)
      times.push_back(json::Object{{"name", l.node}, {"ms", l.ms}});
    json::Object latency{{"layers", std::move(times)}};
    if (!report.latencyNote.empty()) {
      latency["note"] = report.latencyNote;
    } else {
      latency["runs"] = report.latencyRuns;
      latency["threads"] = 1;
      latency["input"] = "zeros";
      latency["total_ms"] = report.latencyTotalMs;
    }
    root["latency"] = std::move(latency);
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", json::Value(std::move(root)));
  return text;
}
