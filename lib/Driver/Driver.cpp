//===- Driver.cpp - The one entry point of smeltc, Python and embedders ---===//

#include "smelt/Driver/Driver.h"

#include "GeneralCode.h"

#include "llvm/Support/Format.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Export/ONNXExport.h"
#include "smelt/Import/ONNXImport.h"
#include "smelt/Import/Passes.h"
#include "smelt/InitAll.h"
#include "smelt/Target/CPU/CPUModelExecutor.h"
#include "smelt/Target/Target.h"
#include "smelt/Transforms/Calibration.h"
#include "smelt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
using namespace smelt;
using smelt::detail::cloneGeneralCode;
using smelt::detail::importGeneralCode;
using smelt::detail::runOnGeneralCode;

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

namespace {

bool isWeightOnly(llvm::StringRef mode) {
  return mode == "int4-weights" || mode == "int8-weights";
}

/// What the flags ask of compression, checked once.
struct Plan {
  /// Per-channel affine ops folded into Convs first (static int8).
  bool fold = false;
  /// The model run on the calibration data (static int8 without a table,
  /// GPTQ, --emit=calibration), and whether for Gram matrices too.
  bool calibrate = false;
  bool gram = false;
  /// Statistics read from --calibration-table instead.
  bool table = false;
  /// The float model compared with the compressed one on the data.
  bool divergence = false;
};

FailureOr<Plan> planCompression(const smelt::CompileOptions &options,
                                Location loc) {
  Plan plan;
  bool data = !options.calibrationPath.empty();
  bool table = !options.calibrationTablePath.empty();
  const std::string &mode = options.quantize;
  if (!parseCalibrationMethod(options.calibrationMethod))
    return emitError(loc) << "--calibration-method='"
                          << options.calibrationMethod
                          << "' is not one of minmax, percentile, entropy, mse";
  if (!(options.calibrationPercentile > 0 &&
        options.calibrationPercentile <= 100))
    return emitError(loc) << "--calibration-percentile must be in (0, 100]";
  if (options.emit == EmitKind::Calibration) {
    if (!data)
      return emitError(loc) << "--emit=calibration needs --calibration=DATA";
    if (table)
      return emitError(loc) << "--emit=calibration measures the data; it "
                               "does not read --calibration-table";
    if (!mode.empty() && mode != "int8")
      return emitError(loc) << "--emit=calibration measures the model as "
                               "--quantize=int8 would (or as imported), not "
                               "for --quantize="
                            << mode;
    plan.fold = mode == "int8";
    plan.calibrate = true;
    return plan;
  }
  if (mode.empty()) {
    if (data)
      return emitError(loc)
             << "--calibration needs --quantize=MODE or --emit=calibration";
    if (table)
      return emitError(loc) << "--calibration-table needs --quantize=int8";
    return plan;
  }
  if (isWeightOnly(mode)) {
    if (options.weightGroupSize < 0)
      return emitError(loc) << "--weight-group-size must be 0 (per output "
                               "channel) or positive, not "
                            << options.weightGroupSize;
    if (options.weightMethod != "rtn" && options.weightMethod != "gptq")
      return emitError(loc) << "--weight-method='" << options.weightMethod
                            << "' is not supported (supported: rtn, gptq)";
    if (options.weightMethod == "gptq") {
      if (!data)
        return emitError(loc) << "--weight-method=gptq needs --calibration=DATA";
      plan.calibrate = plan.gram = true;
    }
  } else if (mode == "int8") {
    if (!data && !table)
      return emitError(loc) << "--quantize=int8 needs --calibration=DATA";
    plan.fold = true;
    plan.table = table;
    plan.calibrate = !table;
  } else if (mode != "int8-dynamic") {
    return emitError(loc) << "--quantize='" << mode
                          << "' is not supported (supported: int8, "
                             "int8-dynamic, int8-weights, int4-weights)";
  }
  if (table && mode != "int8")
    return emitError(loc) << "--calibration-table needs --quantize=int8";
  plan.divergence = options.measureDivergence && data;
  return plan;
}

/// Where the quantizer reports, and who hears of the calibration.
struct PipelineHooks {
  std::shared_ptr<ModelExecutor> executor;
  ProgressCallback progress;
  QuantizeReport *report = nullptr;
};

/// The passes before quantization: folding and calibration.
void buildPreparationPipeline(OpPassManager &pm,
                              const smelt::CompileOptions &options,
                              const Plan &plan, const PipelineHooks &hooks) {
  if (plan.fold)
    pm.addPass(createSmeltFoldChannelAffinePass());
  if (!plan.calibrate && !plan.table)
    return;
  SmeltCalibratePassOptions calibrate;
  if (plan.table) {
    calibrate.table = options.calibrationTablePath;
  } else {
    calibrate.data = options.calibrationPath;
    calibrate.method = options.calibrationMethod;
    calibrate.percentile = options.calibrationPercentile;
    calibrate.gram = plan.gram;
  }
  CalibrationHooks calibration;
  calibration.executor = hooks.executor;
  calibration.progress = hooks.progress;
  pm.addPass(createSmeltCalibratePass(calibrate, std::move(calibration)));
}

/// --input-shape, fixed in the IR after the preparation (nothing when the
/// compile gives no shapes).
void buildSpecialization(OpPassManager &pm,
                         const smelt::CompileOptions &options) {
  if (options.inputShapes.empty())
    return;
  SmeltSpecializeShapesPassOptions specialize;
  for (const auto &[name, dims] : options.inputShapes) {
    std::string entry = name + ":";
    for (size_t i = 0; i < dims.size(); ++i)
      entry += (i ? "x" : "") + std::to_string(dims[i]);
    specialize.shapes.push_back(entry);
  }
  pm.addPass(createSmeltSpecializeShapesPass(specialize));
}

/// The quantizer `options.quantize` names.
void buildQuantizationPipeline(OpPassManager &pm,
                               const smelt::CompileOptions &options,
                               const PipelineHooks &hooks) {
  const std::string &mode = options.quantize;
  if (mode == "int8") {
    SmeltQuantizeStaticPassOptions q;
    q.perChannel = !options.perTensorWeights;
    q.exclude.assign(options.quantizeExclude.begin(),
                     options.quantizeExclude.end());
    pm.addPass(createSmeltQuantizeStaticPass(q, hooks.report));
  } else if (mode == "int8-dynamic") {
    SmeltQuantizeDynamicPassOptions q;
    q.exclude.assign(options.quantizeExclude.begin(),
                     options.quantizeExclude.end());
    pm.addPass(createSmeltQuantizeDynamicPass(q, hooks.report));
  } else if (isWeightOnly(mode)) {
    SmeltQuantizeWeightsPassOptions q;
    q.bits = mode == "int4-weights" ? 4 : 8;
    q.groupSize = options.weightGroupSize;
    q.method = options.weightMethod;
    q.exclude.assign(options.quantizeExclude.begin(),
                     options.quantizeExclude.end());
    pm.addPass(createSmeltQuantizeWeightsPass(q, hooks.report));
  }
}

/// Runs `pm` on `module` with the compile's pass-manager configuration.
LogicalResult runPipeline(const smelt::CompileOptions &options, PassManager &pm,
                          ModuleOp module) {
  if (options.configurePassManager && failed(options.configurePassManager(pm)))
    return failure();
  return pm.run(module);
}

int64_t countNodes(ModuleOp module) {
  int64_t n = 0;
  module.walk([&](Operation *op) {
    if (isa<onnx::ONNXDialect>(op->getDialect()) && !isa<onnx::ConstantOp>(op))
      ++n;
  });
  return n;
}

/// The input shapes of one calibration sample, where they differ from
/// `module`'s (std::nullopt when the module can run the samples as it is).
FailureOr<std::optional<std::map<std::string, std::vector<int64_t>>>>
sampleShapesIfDifferent(const smelt::CompileOptions &options,
                        ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return emitError(module.getLoc()) << "the model has no entry function";
  std::map<std::string, int64_t> ranks;
  std::map<std::string, std::vector<int64_t>> current;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name"))
      if (auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i])) {
        ranks[name.str()] = type.getRank();
        if (type.hasStaticShape())
          current[name.str()].assign(type.getShape().begin(),
                                     type.getShape().end());
      }
  std::map<std::string, std::vector<int64_t>> shapes = options.inputShapes;
  std::string error;
  if (!calibrationInputShapes(options.calibrationPath, ranks, shapes, error))
    return emitError(FileLineColLoc::get(module.getContext(),
                                         options.calibrationPath, 0, 0))
           << error;
  bool differs = false;
  for (const auto &[name, rank] : ranks) {
    auto want = shapes.find(name), have = current.find(name);
    if (have == current.end() ||
        (want != shapes.end() && want->second != have->second))
      differs = true;
  }
  if (!differs)
    return std::optional<std::map<std::string, std::vector<int64_t>>>();
  return std::optional<std::map<std::string, std::vector<int64_t>>>(shapes);
}

/// Sends each line of `text` to options.log, or to stderr.
void logLines(const smelt::CompileOptions &options, llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    if (options.log)
      options.log(line);
    else
      llvm::errs() << line << "\n";
  }
}

/// The log lines of a quantization.
std::string describeQuantization(const smelt::CompileOptions &options,
                                 const QuantizeReport &report,
                                 int64_t folded) {
  std::string text;
  llvm::raw_string_ostream logs(text);
  const std::string &mode = options.quantize;
  if (isWeightOnly(mode)) {
    unsigned bits = mode == "int4-weights" ? 4 : 8;
    logs << "quantized " << report.quantizedOps << " ops' weights to " << bits
         << " bits (" << report.skippedOps << " left float); their weights "
         << report.weightBytesBefore << " -> " << report.weightBytesAfter
         << " bytes as packed, stored one per byte for now\n";
    if (report.gptqOps)
      logs << "GPTQ fitted " << report.gptqOps
           << " Gemm/MatMul layers: their output error on the calibration "
              "data is "
           << llvm::format("%.1f", 100.0 * report.gptqError /
                                       std::max(report.nearestError, 1e-30))
           << "% of round to nearest's\n";
  } else if (mode == "int8-dynamic") {
    logs << "quantized " << report.quantizedOps << " ops to dynamic int8 ("
         << report.skippedOps << " left float); their weights "
         << report.weightBytesBefore << " -> " << report.weightBytesAfter
         << " bytes\n";
  } else {
    if (folded)
      logs << "folded " << folded
           << " per-channel Mul/Add/BatchNormalization ops into the Convs "
              "before them\n";
    logs << "quantized " << report.quantizedOps << " ops to int8 ("
         << report.skippedOps << " left float); their weights "
         << report.weightBytesBefore << " -> " << report.weightBytesAfter
         << " bytes; uint8 activations at " << report.boundaryValues
         << " more ops\n";
  }
  return text;
}

} // namespace

FailureOr<std::string>
smelt::getCompressionPipeline(const CompileOptions &options,
                              MLIRContext &context) {
  FailureOr<Plan> plan = planCompression(options, UnknownLoc::get(&context));
  if (failed(plan))
    return failure();
  PassManager pm(&context, ModuleOp::getOperationName());
  PipelineHooks hooks;
  buildPreparationPipeline(pm, options, *plan, hooks);
  if (options.emit != EmitKind::Calibration) {
    buildSpecialization(pm, options);
    buildQuantizationPipeline(pm, options, hooks);
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

LogicalResult smelt::printPipelines(const CompileOptions &options,
                                    MLIRContext &context,
                                    llvm::raw_ostream &os) {
  registerAllTargets();
  FailureOr<std::string> compression = getCompressionPipeline(options, context);
  if (failed(compression))
    return failure();
  os << *compression << "\n";
  if (options.emit == EmitKind::MLIR || options.emit == EmitKind::ONNX ||
      options.emit == EmitKind::Summary ||
      options.emit == EmitKind::Calibration)
    return success();
  const Target *target = lookupTarget(options.target);
  if (!target)
    return emitError(UnknownLoc::get(&context))
           << "unknown target '" << options.target << "'";
  PassManager pm(&context, ModuleOp::getOperationName());
  target->buildPipeline(pm, options.targetOptions);
  pm.printAsTextualPipeline(os);
  os << "\n";
  return success();
}

/// The compression of `module` as the flags ask, with what it did in
/// `rep`. `module` is the model imported once with its dimensions open:
/// the preparation (folding, calibration, which runs at the samples'
/// shapes) writes its statistics on it, and --input-shape then specializes
/// it in the IR, statistics and all. `general` becomes the general code of a
/// specialized compile (a copy taken before the specialization), quantized
/// the same way. Returns success with `done` set when the compile's output
/// (the calibration table) has been written.
static LogicalResult compress(const smelt::CompileOptions &options,
                              ModuleOp module, const Plan &plan,
                              CompileReport &rep, bool &done,
                              OwningOpRef<ModuleOp> &general) {
  MLIRContext &context = *module.getContext();
  Location loc = UnknownLoc::get(&context);
  done = false;
  PipelineHooks hooks;
  hooks.executor = createCPUModelExecutor(options.targetOptions);
  hooks.progress = options.progress;
  hooks.report = &rep.quantization;

  int64_t before = countNodes(module);
  {
    PassManager pm(&context);
    buildPreparationPipeline(pm, options, plan, hooks);
    if (failed(runPipeline(options, pm, module)))
      return failure();
  }
  if (options.emit == EmitKind::Calibration) {
    auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
    done = true;
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      os << formatCalibrationTable(collectCalibration(func),
                                   options.calibrationMethod,
                                   options.calibrationPercentile,
                                   options.calibrationPath);
      return success();
    });
  }
  int64_t folded = before - countNodes(module);

  // The teacher of the divergence measurement: the float model as it was
  // measured (folded as the student is: exact in float up to rounding, so
  // that each Conv's tensor means the same in both). Its dims stay open;
  // the executor runs it at the samples' shapes.
  OwningOpRef<ModuleOp> teacher =
      plan.divergence ? OwningOpRef<ModuleOp>(module.clone()) : nullptr;
  // The student at the samples' shapes, where --input-shape fixes others:
  // the open module quantized apart.
  OwningOpRef<ModuleOp> student;
  if (!options.inputShapes.empty()) {
    general = cloneGeneralCode(options, module);
    if (plan.divergence)
      student = module.clone();
    PassManager pm(&context);
    buildSpecialization(pm, options);
    if (failed(runPipeline(options, pm, module)))
      return failure();
    auto fixed = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
    if (general) {
      auto open = general->lookupSymbol<func::FuncOp>(kONNXEntryName);
      if (open && fixed && open.getFunctionType() == fixed.getFunctionType())
        general = nullptr; // --input-shape fixed nothing the model leaves open
    }
    if (student) {
      auto shapes = sampleShapesIfDifferent(options, module);
      if (failed(shapes))
        return failure();
      if (!*shapes)
        student = nullptr; // the specialized module runs the samples
    }
  }
  if (general &&
      failed(runOnGeneralCode(general, loc, [&]() -> LogicalResult {
        PipelineHooks quiet = hooks;
        quiet.report = nullptr;
        PassManager quantize(&context);
        buildQuantizationPipeline(quantize, options, quiet);
        return runPipeline(options, quantize, *general);
      })))
    return failure();
  {
    PassManager pm(&context);
    buildQuantizationPipeline(pm, options, hooks);
    if (failed(runPipeline(options, pm, module)))
      return failure();
  }
  logLines(options, describeQuantization(options, rep.quantization, folded));
  if (!teacher)
    return success();

  // The model is good whether or not its divergence can be measured: a
  // failure here becomes warnings and a report without divergence. A
  // cancel (an interrupted notebook) still stops the compile.
  std::vector<std::string> problems;
  FailureOr<DivergenceReport> divergence = failure();
  {
    ScopedDiagnosticHandler capture(&context, [&](Diagnostic &d) {
      problems.push_back(d.str());
      return success();
    });
    ModuleOp measured = module;
    if (student) {
      PipelineHooks quiet = hooks;
      quiet.report = nullptr;
      PassManager pm(&context);
      buildQuantizationPipeline(pm, options, quiet);
      measured = *student;
      if (failed(pm.run(measured)))
        measured = nullptr;
    }
    if (measured) {
      DivergenceOptions measure;
      measure.dataPath = options.calibrationPath;
      measure.executor = hooks.executor;
      measure.progress = options.progress;
      divergence = measureDivergence(*teacher, measured, measure);
    }
  }
  if (succeeded(divergence)) {
    rep.divergence = std::move(*divergence);
    rep.hasDivergence = true;
    return success();
  }
  for (const std::string &problem : problems) {
    if (llvm::StringRef(problem).ends_with("cancelled"))
      return emitError(loc) << problem;
    emitWarning(loc) << "the divergence was not measured: " << problem;
  }
  return success();
}

/// The model imported at --input-shape (a compile that does not compress).
static OwningOpRef<ModuleOp>
importAtInputShapes(const smelt::CompileOptions &options,
                    MLIRContext &context) {
  ONNXImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  return importONNXFile(options.inputPath, &context, importOptions);
}

/// The model for compression: imported with the dimensions --input-shape
/// fixes left open. A model that cannot be imported so (ONNX's inference
/// needs the shapes) is imported at --input-shape, with a warning: its
/// calibration data must then come at those shapes.
static OwningOpRef<ModuleOp>
importForCompression(const smelt::CompileOptions &options,
                     MLIRContext &context) {
  if (options.inputShapes.empty())
    return importONNXFile(options.inputPath, &context);
  std::string problem;
  OwningOpRef<ModuleOp> open;
  {
    ScopedDiagnosticHandler hold(&context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && problem.empty())
        problem = d.str();
      return success();
    });
    open = importONNXFile(options.inputPath, &context);
  }
  if (open)
    return open;
  emitWarning(FileLineColLoc::get(&context, options.inputPath, 0, 0))
      << "the model cannot be imported with its dimensions open ("
      << (problem.empty() ? "no reason given" : problem)
      << "); it is compressed at the --input-shape shapes only";
  return importAtInputShapes(options, context);
}

/// emitModule, with the general code of a specialized compile (null when
/// there is none): lowered too, and linked with `module` into one artifact
/// that runs each call with the code for its shapes. A general code that
/// fails to lower is set aside with a warning.
static LogicalResult emitModules(const smelt::CompileOptions &options,
                                 ModuleOp module,
                                 OwningOpRef<ModuleOp> &general);

LogicalResult smelt::compile(const CompileOptions &options,
                             MLIRContext &context, CompileReport *report) {
  registerAllTargets();
  auto started = std::chrono::steady_clock::now();
  Location loc = UnknownLoc::get(&context);
  FailureOr<Plan> plan = planCompression(options, loc);
  if (failed(plan))
    return failure();
  // A compressed compile imports the model once, with its dimensions open,
  // and fixes --input-shape in the IR after calibration (see compress).
  bool compresses =
      !options.quantize.empty() || options.emit == EmitKind::Calibration;
  OwningOpRef<ModuleOp> module = compresses
                                     ? importForCompression(options, context)
                                     : importAtInputShapes(options, context);
  if (!module)
    return failure();
  OwningOpRef<ModuleOp> general =
      compresses ? nullptr : importGeneralCode(options, *module);

  // The report's file is opened first, so that a path that cannot be
  // written fails the compile before anything else is written (and the
  // file appears only when everything succeeded).
  std::unique_ptr<llvm::ToolOutputFile> reportFile;
  if (!options.reportPath.empty() && options.emit != EmitKind::Calibration) {
    std::string error;
    reportFile = openOutputFile(options.reportPath, &error);
    if (!reportFile)
      return emitError(loc) << "cannot open '" << options.reportPath
                            << "' for writing: " << error;
  }
  CompileReport local;
  CompileReport &rep = report ? *report : local;
  rep = CompileReport();
  rep.model = options.inputPath;
  rep.target = options.target;
  rep.before = summarizeModel(*module);
  rep.quantize = options.quantize;
  if (!options.quantize.empty() || options.emit == EmitKind::Calibration) {
    bool done = false;
    if (failed(compress(options, *module, *plan, rep, done, general)))
      return failure();
    if (done)
      return success();
  }
  rep.after = summarizeModel(*module);
  // The model's inputs and outputs as compiled (at --input-shape).
  rep.before.inputs = rep.after.inputs;
  rep.before.outputs = rep.after.outputs;

  LogicalResult written = emitModules(options, *module, general);
  if (failed(written))
    return failure();
  if (options.outputPath != "-") {
    uint64_t size;
    if (!llvm::sys::fs::file_size(options.outputPath, size))
      rep.artifactBytes = static_cast<int64_t>(size);
  }
  if (report || reportFile)
    measureLayerLatency(options, rep);
  rep.compileSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  if (reportFile) {
    reportFile->os() << formatReportJSON(rep) << "\n";
    reportFile->os().flush();
    if (reportFile->os().has_error()) {
      reportFile->os().clear_error();
      return emitError(loc) << "cannot write '" << options.reportPath << "'";
    }
    reportFile->keep();
  }
  return success();
}

/// The target `options` names; null, with an error naming the known
/// ones, when there is none.
static const Target *findTarget(const CompileOptions &options,
                                MLIRContext &context) {
  const Target *target = lookupTarget(options.target);
  if (target)
    return target;
  std::string known;
  for (const std::string &name : getTargetNames())
    known += (known.empty() ? "" : ", ") + name;
  emitError(UnknownLoc::get(&context))
      << "unknown target '" << options.target << "' (known: " << known
      << ")";
  return nullptr;
}

/// Runs the target's pipeline on `module`.
static LogicalResult lower(const CompileOptions &options, const Target &target,
                           ModuleOp module) {
  PassManager pm(module.getContext());
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  target.buildPipeline(pm, options.targetOptions);
  return pm.run(module);
}

/// Writes a module that went through the target's pipeline as
/// `options.emit` asks.
static LogicalResult writeLowered(const CompileOptions &options,
                                  const Target &target, ModuleOp module) {
  MLIRContext &context = *module.getContext();
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
  return target.emitArtifact(module, kind, options.targetOptions,
                             options.outputPath);
}

LogicalResult smelt::emitModule(const CompileOptions &options,
                                ModuleOp module) {
  OwningOpRef<ModuleOp> none;
  return emitModules(options, module, none);
}

static LogicalResult emitModules(const CompileOptions &options,
                                 ModuleOp module,
                                 OwningOpRef<ModuleOp> &general) {
  MLIRContext &context = *module.getContext();
  switch (options.emit) {
  case EmitKind::MLIR:
    // With locations: they carry the node names (a calibration table, an
    // exclusion list and the report name nodes by them).
    return writeTextOutput(context, options.outputPath, [&](auto &os) {
      module->print(os, OpPrintingFlags().enableDebugInfo(
                            /*enable=*/true, /*prettyForm=*/false));
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

  const Target *target = findTarget(options, context);
  if (!target)
    return failure();
  if (options.progress && !options.progress("generating code", 0, 1))
    return emitError(UnknownLoc::get(&context)) << "compile cancelled";
  llvm::scope_exit done([&] {
    if (options.progress)
      (void)options.progress("generating code", 1, 1);
  });
  if (failed(lower(options, *target, module)))
    return failure();
  if (!general)
    return writeLowered(options, *target, module);
  // A specialized compile: the general code beside the specialized.
  if (failed(runOnGeneralCode(general, UnknownLoc::get(&context), [&] {
        return lower(options, *target, *general);
      })))
    return failure();
  if (!general)
    return writeLowered(options, *target, module);
  if (failed(target->linkSpecializations(*general, {module})))
    return failure();
  return writeLowered(options, *target, *general);
}
