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
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <cmath>

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

/// The calibration options `options` ask for; `needer` names the flag that
/// needs the data.
static FailureOr<CalibrationOptions>
calibrationOptions(const smelt::CompileOptions &options, Location loc,
                   llvm::StringRef needer) {
  if (options.calibrationPath.empty())
    return emitError(loc) << needer << " needs --calibration=DATA";
  CalibrationOptions calibration;
  calibration.dataPath = options.calibrationPath;
  calibration.targetOptions = options.targetOptions;
  calibration.percentile = options.calibrationPercentile;
  calibration.onProgress = options.progress;
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

/// The model imported again with its inputs shaped like one sample of the
/// calibration data (ranges are per node, so they apply to the module
/// whatever shapes it was compiled for).
static OwningOpRef<ModuleOp>
importForData(const smelt::CompileOptions &options, ModuleOp module,
              const CalibrationOptions &calibration) {
  MLIRContext *context = module.getContext();
  std::map<std::string, int64_t> ranks;
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func) {
    emitError(module.getLoc()) << "the model has no entry function";
    return nullptr;
  }
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name"))
      if (auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]))
        ranks[name.str()] = type.getRank();
  ONNXImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  std::string error;
  if (!calibrationInputShapes(calibration.dataPath, ranks,
                              importOptions.inputShapes, error)) {
    emitError(FileLineColLoc::get(context, calibration.dataPath, 0, 0))
        << error;
    return nullptr;
  }
  return importONNXFile(options.inputPath, context, importOptions);
}

static LogicalResult emitCalibrationTable(const smelt::CompileOptions &options,
                                          ModuleOp module) {
  MLIRContext &context = *module.getContext();
  FailureOr<CalibrationOptions> calibration = calibrationOptions(
      options, UnknownLoc::get(&context), "--emit=calibration");
  if (failed(calibration))
    return failure();
  OwningOpRef<ModuleOp> shaped = importForData(options, module, *calibration);
  if (!shaped)
    return failure();
  FailureOr<std::vector<TensorRange>> ranges = calibrate(*shaped, *calibration);
  if (failed(ranges))
    return failure();
  return writeTextOutput(context, options.outputPath, [&](auto &os) {
    os << formatCalibrationTable(*ranges, *calibration, 0);
    return success();
  });
}

namespace {

/// What quantization takes from the calibration data: activation ranges
/// (static int8, measured on the model with per-channel affine ops folded
/// into its Convs) or each Gemm's and MatMul's input Gram matrix (GPTQ).
struct QuantizationData {
  bool fold = false;
  std::vector<TensorRange> ranges;
  std::map<std::pair<std::string, unsigned>, std::vector<double>> grams;
  bool gptq = false;
  /// The model imported at the data's shapes (folded when `fold`), which
  /// calibration ran on; the divergence measurement's teacher.
  OwningOpRef<ModuleOp> shaped;
};

bool isWeightOnly(llvm::StringRef mode) {
  return mode == "int4-weights" || mode == "int8-weights";
}

} // namespace

/// Checks the quantization flags and gathers what the mode needs from the
/// calibration data.
static FailureOr<QuantizationData>
gatherQuantizationData(const smelt::CompileOptions &options, ModuleOp module) {
  Location loc = UnknownLoc::get(module.getContext());
  QuantizationData data;
  if (isWeightOnly(options.quantize)) {
    if (options.weightGroupSize < 0)
      return emitError(loc) << "--weight-group-size must be 0 (per output "
                               "channel) or positive, not "
                            << options.weightGroupSize;
    if (options.weightMethod != "rtn" && options.weightMethod != "gptq")
      return emitError(loc) << "--weight-method='" << options.weightMethod
                            << "' is not supported (supported: rtn, gptq)";
    if (options.weightMethod != "gptq")
      return data;
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
    calibration->grams = &data.grams;
    OwningOpRef<ModuleOp> shaped = importForData(options, module, *calibration);
    if (!shaped || failed(calibrate(*shaped, *calibration)))
      return failure();
    data.gptq = true;
    data.shaped = std::move(shaped);
    return data;
  }
  if (options.quantize == "int8-dynamic")
    return data;
  if (options.quantize != "int8")
    return emitError(loc) << "--quantize='" << options.quantize
                          << "' is not supported (supported: int8, "
                             "int8-dynamic, int8-weights, int4-weights)";
  FailureOr<CalibrationOptions> calibration =
      calibrationOptions(options, loc, "--quantize=int8");
  if (failed(calibration))
    return failure();
  // Calibrated as the model will be quantized: folded.
  OwningOpRef<ModuleOp> shaped = importForData(options, module, *calibration);
  if (!shaped)
    return failure();
  foldChannelAffineIntoConvs(*shaped);
  FailureOr<std::vector<TensorRange>> ranges = calibrate(*shaped, *calibration);
  if (failed(ranges))
    return failure();
  data.fold = true;
  data.ranges = std::move(*ranges);
  data.shaped = std::move(shaped);
  return data;
}

/// Quantizes `module` as `options` ask with what the data gave; the same
/// inputs give the same rewrite, whatever shapes the module has. `log`
/// prints what was done to stderr.
static FailureOr<QuantizeReport>
applyQuantization(const smelt::CompileOptions &options, ModuleOp module,
                  const QuantizationData &data, bool log) {
  std::string text;
  llvm::raw_string_ostream logs(text);
  // Each line to options.log (or stderr) when the function returns.
  llvm::scope_exit flush([&] {
    if (!log)
      return;
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(text).split(lines, '\n', -1, false);
    for (llvm::StringRef line : lines) {
      if (options.log)
        options.log(line);
      else
        llvm::errs() << line << "\n";
    }
  });
  QuantizeOptions selection;
  selection.perChannelWeights = !options.perTensorWeights;
  selection.excluded.insert(options.quantizeExclude.begin(),
                            options.quantizeExclude.end());
  if (isWeightOnly(options.quantize)) {
    unsigned bits = options.quantize == "int4-weights" ? 4 : 8;
    if (data.gptq)
      selection.grams = &data.grams;
    FailureOr<QuantizeReport> report = quantizeWeightsOnly(
        module, bits, options.weightGroupSize, selection);
    if (failed(report))
      return report;
    logs << "quantized " << report->quantizedOps << " ops' weights to "
                 << bits << " bits (" << report->skippedOps
                 << " left float); their weights " << report->weightBytesBefore
                 << " -> " << report->weightBytesAfter
                 << " bytes as packed, stored one per byte for now\n";
    if (report->gptqOps)
      logs << "GPTQ fitted " << report->gptqOps
                   << " Gemm/MatMul layers: their output error on the "
                      "calibration data is "
                   << llvm::format("%.1f", 100.0 * report->gptqError /
                                               std::max(report->nearestError,
                                                        1e-30))
                   << "% of round to nearest's\n";
    return report;
  }
  if (options.quantize == "int8-dynamic") {
    FailureOr<QuantizeReport> report = quantizeDynamicInt8(module, selection);
    if (succeeded(report))
      logs << "quantized " << report->quantizedOps
                   << " ops to dynamic int8 (" << report->skippedOps
                   << " left float); their weights "
                   << report->weightBytesBefore << " -> "
                   << report->weightBytesAfter << " bytes\n";
    return report;
  }
  int64_t folded = data.fold ? foldChannelAffineIntoConvs(module) : 0;
  if (folded)
    logs << "folded " << folded
                 << " per-channel Mul/Add/BatchNormalization ops into the "
                    "Convs before them\n";
  FailureOr<QuantizeReport> report =
      quantizeStaticInt8(module, data.ranges, selection);
  if (succeeded(report))
    logs << "quantized " << report->quantizedOps << " ops to int8 ("
                 << report->skippedOps << " left float); their weights "
                 << report->weightBytesBefore << " -> "
                 << report->weightBytesAfter << " bytes; uint8 activations at "
                 << report->boundaryValues << " more ops\n";
  return report;
}

/// The float model against the quantized one, on the calibration data.
static FailureOr<DivergenceReport>
measureQuantizationDivergence(const smelt::CompileOptions &options,
                              ModuleOp module, const QuantizationData &data) {
  FailureOr<CalibrationOptions> calibration = calibrationOptions(
      options, UnknownLoc::get(module.getContext()), "the divergence report");
  if (failed(calibration))
    return failure();
  // The model calibration ran on, else imported at the data's shapes. The
  // student's Convs absorb the per-channel affine ops after them; the
  // teacher's have too (folded for calibration: exact in float up to
  // rounding), so that each Conv's tensor means the same in both.
  OwningOpRef<ModuleOp> teacher =
      data.shaped ? ModuleOp(data.shaped.get()).clone()
                  : importForData(options, module, *calibration);
  if (!teacher)
    return failure();
  OwningOpRef<ModuleOp> student = teacher->clone();
  if (failed(applyQuantization(options, *student, data, /*log=*/false)))
    return failure();
  return measureDivergence(*teacher, *student, *calibration);
}

LogicalResult smelt::compile(const CompileOptions &options,
                             MLIRContext &context, CompileReport *report) {
  auto started = std::chrono::steady_clock::now();
  ONNXImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  OwningOpRef<ModuleOp> module =
      importONNXFile(options.inputPath, &context, importOptions);
  if (!module)
    return failure();

  if (options.emit == EmitKind::Calibration)
    return emitCalibrationTable(options, *module);

  // The report's file is opened first, so that a path that cannot be
  // written fails the compile before anything else is written (and the
  // file appears only when everything succeeded).
  std::unique_ptr<llvm::ToolOutputFile> reportFile;
  if (!options.reportPath.empty()) {
    std::string error;
    reportFile = openOutputFile(options.reportPath, &error);
    if (!reportFile)
      return emitError(UnknownLoc::get(&context))
             << "cannot open '" << options.reportPath
             << "' for writing: " << error;
  }
  CompileReport local;
  CompileReport &rep = report ? *report : local;
  rep = CompileReport();
  rep.model = options.inputPath;
  rep.target = options.target;
  rep.before = summarizeModel(*module);
  if (!options.quantize.empty()) {
    rep.quantize = options.quantize;
    FailureOr<QuantizationData> data =
        gatherQuantizationData(options, *module);
    if (failed(data))
      return failure();
    FailureOr<QuantizeReport> quantized =
        applyQuantization(options, *module, *data, /*log=*/true);
    if (failed(quantized))
      return failure();
    rep.quantization = std::move(*quantized);
    if (options.measureDivergence && !options.calibrationPath.empty()) {
      // The model is good whether or not its divergence can be measured:
      // a failure here becomes warnings and a report without divergence.
      // A cancel (an interrupted notebook) still stops the compile.
      std::vector<std::string> problems;
      FailureOr<DivergenceReport> divergence = failure();
      {
        ScopedDiagnosticHandler capture(&context, [&](Diagnostic &d) {
          problems.push_back(d.str());
          return success();
        });
        divergence = measureQuantizationDivergence(options, *module, *data);
      }
      if (succeeded(divergence)) {
        rep.divergence = std::move(*divergence);
        rep.hasDivergence = true;
      } else {
        for (const std::string &problem : problems) {
          if (llvm::StringRef(problem).ends_with("cancelled"))
            return emitError(UnknownLoc::get(&context)) << problem;
          emitWarning(UnknownLoc::get(&context))
              << "the divergence was not measured: " << problem;
        }
      }
    }
  } else if (!options.calibrationPath.empty()) {
    emitError(UnknownLoc::get(&context))
        << "--calibration needs --quantize=MODE or --emit=calibration";
    return failure();
  }
  rep.after = summarizeModel(*module);

  LogicalResult written = emitModule(options, *module);
  if (failed(written))
    return failure();
  if (options.outputPath != "-") {
    uint64_t size;
    if (!llvm::sys::fs::file_size(options.outputPath, size))
      rep.artifactBytes = static_cast<int64_t>(size);
  }
  rep.compileSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  if (reportFile) {
    reportFile->os() << formatReportJSON(rep) << "\n";
    reportFile->os().flush();
    if (reportFile->os().has_error()) {
      reportFile->os().clear_error();
      return emitError(UnknownLoc::get(&context))
             << "cannot write '" << options.reportPath << "'";
    }
    reportFile->keep();
  }
  return success();
}

LogicalResult smelt::emitModule(const CompileOptions &options,
                                ModuleOp module) {
  MLIRContext &context = *module.getContext();
  switch (options.emit) {
  case EmitKind::MLIR:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      module->print(os);
      os << "\n";
      return success();
    });
  case EmitKind::ONNX:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      return exportONNX(module, os);
    });
  case EmitKind::Summary:
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      os << formatSummary(summarizeModel(module));
      return success();
    });
  case EmitKind::Calibration:
    emitError(UnknownLoc::get(&context))
        << "the calibration table comes from compile(), not a module";
    return failure();
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
  if (options.progress && !options.progress("generating code", 0, 1))
    return emitError(UnknownLoc::get(&context)) << "compile cancelled";
  llvm::scope_exit done([&] {
    if (options.progress)
      (void)options.progress("generating code", 1, 1);
  });
  PassManager pm(&context);
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  target->buildPipeline(pm, options.targetOptions);
  if (failed(pm.run(module)))
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
  return target->emitArtifact(module, kind, options.targetOptions,
                              options.outputPath);
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
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", json::Value(std::move(root)));
  return text;
}
