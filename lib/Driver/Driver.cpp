//===- Driver.cpp - The one entry point of smeltc, Python and embedders ---===//

#include "smelt/Driver/Driver.h"

#include "smelt/Calibration/Calibration.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Export/ONNXExport.h"
#include "smelt/Import/ONNXImport.h"
#include "smelt/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

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
      if (auto constant = dyn_cast<onnx::ConstantOp>(op);
          constant && op->hasAttr("onnx.name")) {
        // An initializer: a parameter, not a node.
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

std::optional<smelt::EmitKind> smelt::emitKindForPath(llvm::StringRef path) {
  if (path.ends_with(".so") || path.ends_with(".dylib"))
    return EmitKind::Library;
  if (path.ends_with(".o"))
    return EmitKind::Object;
  if (path.ends_with(".ll"))
    return EmitKind::LLVMIR;
  if (path.ends_with(".onnx"))
    return EmitKind::ONNX;
  if (path.ends_with(".mlir"))
    return EmitKind::MLIR;
  return std::nullopt;
}

bool smelt::parseInputShape(llvm::StringRef text,
                            std::map<std::string, std::vector<int64_t>> &shapes,
                            std::string &error) {
  auto [name, dims] = text.rsplit(':');
  if (text.find(':') == llvm::StringRef::npos || name.empty()) {
    error = "--input-shape wants NAME:DIMxDIMx..., got '" + text.str() + "'";
    return false;
  }
  std::vector<int64_t> parsed;
  if (!dims.empty() && dims != "scalar") {
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0) {
        error = "--input-shape: '" + part.str() + "' in '" + text.str() +
                "' is not a dimension";
        return false;
      }
      parsed.push_back(d);
    }
  }
  shapes[name.str()] = parsed;
  return true;
}

namespace {

/// Writes text produced by `write` to `path` ("-": stdout); the file appears
/// only when everything was written.
LogicalResult writeTextOutput(MLIRContext &context, llvm::StringRef path,
                              llvm::function_ref<LogicalResult(llvm::raw_ostream &)>
                                  write) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(path, &error);
  if (!output) {
    emitError(UnknownLoc::get(&context))
        << "cannot open '" << path << "' for writing: " << error;
    return failure();
  }
  if (failed(write(output->os())))
    return failure(); // the ToolOutputFile removes the partial file
  output->os().flush();
  if (output->os().has_error()) {
    emitError(UnknownLoc::get(&context)) << "cannot write '" << path << "'";
    output->os().clear_error();
    return failure();
  }
  output->keep();
  return success();
}

} // namespace

/// --emit=calibration: runs the calibration and writes its table.
static LogicalResult emitCalibrationTable(const smelt::CompileOptions &options,
                                          ModuleOp module) {
  MLIRContext &context = *module.getContext();
  Location loc = UnknownLoc::get(&context);
  if (options.calibrationPath.empty())
    return emitError(loc) << "--emit=calibration needs --calibration=DATA";
  CalibrationOptions calibration;
  calibration.dataPath = options.calibrationPath;
  calibration.targetOptions = options.targetOptions;
  calibration.percentile = options.calibrationPercentile;
  std::optional<CalibrationMethod> method =
      parseCalibrationMethod(options.calibrationMethod);
  if (!method)
    return emitError(loc) << "--calibration-method='"
                          << options.calibrationMethod
                          << "' is not one of minmax, percentile, entropy, mse";
  calibration.method = *method;
  if (!(options.calibrationPercentile > 0 &&
        options.calibrationPercentile <= 100))
    return emitError(loc) << "--calibration-percentile must be in (0, 100]";
  FailureOr<std::vector<TensorRange>> ranges = calibrate(module, calibration);
  if (failed(ranges))
    return failure();
  return writeTextOutput(context, options.outputPath, [&](auto &os) {
    os << formatCalibrationTable(*ranges, calibration, 0);
    return success();
  });
}

LogicalResult smelt::compile(const CompileOptions &options,
                             MLIRContext &context) {
  ONNXImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  OwningOpRef<ModuleOp> module =
      importONNXFile(options.inputPath, &context, importOptions);
  if (!module)
    return failure();

  if (options.emit == EmitKind::Calibration)
    return emitCalibrationTable(options, *module);
  if (!options.calibrationPath.empty()) {
    emitError(UnknownLoc::get(&context))
        << "--calibration is used by --emit=calibration only, so far "
           "(quantization is not implemented yet)";
    return failure();
  }

  switch (options.emit) {
  case EmitKind::MLIR:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      module->print(os);
      os << "\n";
      return success();
    });
  case EmitKind::ONNX:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      return exportONNX(*module, os);
    });
  case EmitKind::Summary:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      os << formatSummary(summarizeModel(*module));
      return success();
    });
  default:
    break;
  }

  const Target *target = lookupTarget(options.target);
  if (!target) {
    std::string known;
    for (const std::string &name : getTargetNames())
      known += (known.empty() ? "" : ", ") + name;
    emitError(UnknownLoc::get(&context))
        << "unknown target '" << options.target << "' (known: " << known
        << ")";
    return failure();
  }
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  target->buildPipeline(pm, options.targetOptions);
  if (failed(pm.run(*module)))
    return failure();

  if (options.emit == EmitKind::TargetMLIR)
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      module->print(os);
      os << "\n";
      return success();
    });
  if (options.outputPath == "-") {
    emitError(UnknownLoc::get(&context))
        << "binary and native outputs need a file: pass -o FILE";
    return failure();
  }
  ArtifactKind kind = options.emit == EmitKind::LLVMIR   ? ArtifactKind::LLVMIR
                      : options.emit == EmitKind::Object ? ArtifactKind::Object
                                                         : ArtifactKind::SharedLibrary;
  return target->emitArtifact(*module, kind, options.targetOptions,
                              options.outputPath);
}
