//===- Driver.cpp - The one entry point of smeltc, Python and embedders ---===//

#include "smelt/Driver/Driver.h"

#include "llvm/Support/Format.h"

#include "smelt/Calibration/Calibration.h"
#include "smelt/Quantization/Quantize.h"

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
static FailureOr<CalibrationOptions>
calibrationOptions(const smelt::CompileOptions &options, Location loc,
                   llvm::StringRef needer) {
  if (options.calibrationPath.empty())
    return emitError(loc) << needer << " needs --calibration=DATA";
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
  return calibration;
}

/// Calibrates the model imported again with its inputs shaped like one
/// sample of the data (ranges are per node, so they apply to `module`
/// whatever shapes it was compiled for).
static FailureOr<std::vector<TensorRange>>
calibrateForData(const smelt::CompileOptions &options, ModuleOp module,
                 const CalibrationOptions &calibration,
                 bool foldForQuantization = false) {
  MLIRContext *context = module.getContext();
  std::map<std::string, int64_t> ranks;
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return emitError(module.getLoc()) << "the model has no entry function";
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name"))
      if (auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]))
        ranks[name.str()] = type.getRank();
  ONNXImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  std::string error;
  if (!calibrationInputShapes(calibration.dataPath, ranks,
                              importOptions.inputShapes, error))
    return emitError(FileLineColLoc::get(context, calibration.dataPath, 0, 0))
           << error;
  OwningOpRef<ModuleOp> shaped =
      importONNXFile(options.inputPath, context, importOptions);
  if (!shaped)
    return failure();
  if (foldForQuantization)
    foldChannelAffineIntoConvs(*shaped);
  return calibrate(*shaped, calibration);
}

static LogicalResult emitCalibrationTable(const smelt::CompileOptions &options,
                                          ModuleOp module) {
  MLIRContext &context = *module.getContext();
  FailureOr<CalibrationOptions> calibration = calibrationOptions(
      options, UnknownLoc::get(&context), "--emit=calibration");
  if (failed(calibration))
    return failure();
  FailureOr<std::vector<TensorRange>> ranges =
      calibrateForData(options, module, *calibration);
  if (failed(ranges))
    return failure();
  return writeTextOutput(context, options.outputPath, [&](auto &os) {
    os << formatCalibrationTable(*ranges, *calibration, 0);
    return success();
  });
}

/// --quantize=int8: calibrates, then rewrites the module into QDQ form.
static LogicalResult quantizeModule(const smelt::CompileOptions &options,
                                    ModuleOp module) {
  Location loc = UnknownLoc::get(module.getContext());
  QuantizeOptions selection;
  selection.excluded.insert(options.quantizeExclude.begin(),
                            options.quantizeExclude.end());
  if (options.quantize == "int4-weights" || options.quantize == "int8-weights") {
    if (options.weightGroupSize < 0)
      return emitError(loc) << "--weight-group-size must be 0 (per output "
                               "channel) or positive, not "
                            << options.weightGroupSize;
    unsigned bits = options.quantize == "int4-weights" ? 4 : 8;
    if (options.weightMethod != "rtn" && options.weightMethod != "gptq")
      return emitError(loc) << "--weight-method='" << options.weightMethod
                            << "' is not supported (supported: rtn, gptq)";
    std::map<std::pair<std::string, unsigned>, std::vector<double>> grams;
    if (options.weightMethod == "gptq") {
      // The Gram matrix of each Gemm's and MatMul's input, from the data.
      FailureOr<CalibrationOptions> calibration =
          calibrationOptions(options, loc, "--weight-method=gptq");
      if (failed(calibration))
        return failure();
      auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
      if (!func)
        return emitError(loc) << "the model has no entry function";
      for (Operation &op : func.getBody().front()) {
        StringRef name = op.getName().getStringRef();
        if (name != "onnx.Gemm" && name != "onnx.MatMul")
          continue;
        Value x = op.getOperand(0);
        if (auto arg = dyn_cast<BlockArgument>(x)) {
          if (auto nm = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                          "onnx.name"))
            calibration->gramOf.insert({nm.str(), 0});
        } else if (auto nameLoc = dyn_cast<NameLoc>(x.getDefiningOp()->getLoc())) {
          calibration->gramOf.insert({nameLoc.getName().str(),
                                      cast<OpResult>(x).getResultNumber()});
        }
      }
      calibration->grams = &grams;
      if (failed(calibrateForData(options, module, *calibration)))
        return failure();
      selection.grams = &grams;
    }
    FailureOr<QuantizeReport> report = quantizeWeightsOnly(
        module, bits, options.weightGroupSize, selection);
    if (failed(report))
      return failure();
    llvm::errs() << "quantized " << report->quantizedOps << " ops' weights to "
                 << bits << " bits (" << report->skippedOps
                 << " left float); their weights " << report->weightBytesBefore
                 << " -> " << report->weightBytesAfter
                 << " bytes as packed, stored one per byte for now\n";
    if (report->gptqOps)
      llvm::errs() << "GPTQ fitted " << report->gptqOps
                   << " Gemm/MatMul layers: their output error on the "
                      "calibration data is "
                   << llvm::format("%.1f", 100.0 * report->gptqError /
                                               std::max(report->nearestError,
                                                        1e-30))
                   << "% of round to nearest's\n";
    return success();
  }
  if (options.quantize == "int8-dynamic") {
    FailureOr<QuantizeReport> report = quantizeDynamicInt8(module, selection);
    if (failed(report))
      return failure();
    llvm::errs() << "quantized " << report->quantizedOps
                 << " ops to dynamic int8 (" << report->skippedOps
                 << " left float); their weights " << report->weightBytesBefore
                 << " -> " << report->weightBytesAfter << " bytes\n";
    return success();
  }
  if (options.quantize != "int8")
    return emitError(loc) << "--quantize='" << options.quantize
                          << "' is not supported (supported: int8, "
                             "int8-dynamic, int8-weights, int4-weights)";
  FailureOr<CalibrationOptions> calibration =
      calibrationOptions(options, loc, "--quantize=int8");
  if (failed(calibration))
    return failure();
  // As the calibrated model is folded.
  int64_t folded = foldChannelAffineIntoConvs(module);
  FailureOr<std::vector<TensorRange>> ranges = calibrateForData(
      options, module, *calibration, /*foldForQuantization=*/true);
  if (failed(ranges))
    return failure();
  if (folded)
    llvm::errs() << "folded " << folded
                 << " per-channel Mul/Add/BatchNormalization ops into the "
                    "Convs before them\n";
  QuantizeOptions quantize;
  quantize.perChannelWeights = !options.perTensorWeights;
  quantize.excluded.insert(options.quantizeExclude.begin(),
                           options.quantizeExclude.end());
  FailureOr<QuantizeReport> report =
      quantizeStaticInt8(module, *ranges, quantize);
  if (failed(report))
    return failure();
  llvm::errs() << "quantized " << report->quantizedOps << " ops to int8 ("
               << report->skippedOps << " left float); their weights "
               << report->weightBytesBefore << " -> "
               << report->weightBytesAfter << " bytes; uint8 activations at "
               << report->boundaryValues << " more ops\n";
  return success();
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
  if (!options.quantize.empty()) {
    if (failed(quantizeModule(options, *module)))
      return failure();
  } else if (!options.calibrationPath.empty()) {
    emitError(UnknownLoc::get(&context))
        << "--calibration needs --quantize=int8 or --emit=calibration";
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
