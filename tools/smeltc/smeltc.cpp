//===- smeltc.cpp - The Smelt compiler driver -----------------------------===//
//
// Parses flags into smelt::CompileOptions and calls smelt::compile.
//
//===----------------------------------------------------------------------===//

#include "smelt/Driver/Diagnostics.h"
#include "smelt/Driver/Driver.h"
#include "smelt/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory category("smeltc options");
  cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"),
                             cl::Required, cl::cat(category));
  cl::opt<std::string> output("o", cl::desc("Output file ('-' for stdout)"),
                              cl::value_desc("file"), cl::init("-"),
                              cl::cat(category));
  cl::opt<smelt::EmitKind> emit(
      "emit",
      cl::desc("What to write (default: from the output's extension: .so "
               "lib, .o obj, .ll llvm, .onnx onnx, else mlir)"),
      cl::values(
          clEnumValN(smelt::EmitKind::MLIR, "mlir", "the onnx dialect module"),
          clEnumValN(smelt::EmitKind::ONNX, "onnx", "binary ONNX"),
          clEnumValN(smelt::EmitKind::Summary, "summary",
                     "operators, parameters and opsets"),
          clEnumValN(smelt::EmitKind::TargetMLIR, "target-mlir",
                     "MLIR after the target's pipeline"),
          clEnumValN(smelt::EmitKind::LLVMIR, "llvm", "LLVM IR"),
          clEnumValN(smelt::EmitKind::Object, "obj", "an object file"),
          clEnumValN(smelt::EmitKind::Library, "lib",
                     "a shared library for smelt-run and the runtime"),
          clEnumValN(smelt::EmitKind::Calibration, "calibration",
                     "the calibration table (JSON) from --calibration data")),
      cl::cat(category));
  cl::opt<std::string> target("target", cl::desc("Code-generation target"),
                              cl::init("cpu"), cl::cat(category));
  cl::opt<std::string> cpu(
      "cpu", cl::desc("Processor: 'native' (the host), or an LLVM CPU name "
                      "such as x86-64, skylake-avx512"),
      cl::init("native"), cl::cat(category));
  enum OptLevel { O0, O1, O2, O3 };
  cl::opt<OptLevel> optLevel(
      cl::desc("Optimization level"), cl::init(O2),
      cl::values(clEnumVal(O0, "no optimization"), clEnumVal(O1, "some"),
                 clEnumVal(O2, "default"), clEnumVal(O3, "aggressive")),
      cl::cat(category));
  enum Weights { Embed, External };
  cl::opt<Weights> weights(
      "weights", cl::desc("Where the weights go"), cl::init(Embed),
      cl::values(clEnumValN(Embed, "embed",
                            "inside the library's read-only data, written "
                            "there straight from the model (default)"),
                 clEnumValN(External, "external",
                            "in NAME.weights next to it, memory-mapped by "
                            "the runtime")),
      cl::cat(category));
  cl::opt<std::string> calibration(
      "calibration",
      cl::desc("Calibration data: an .npz file or a folder of samples"),
      cl::value_desc("DATA"), cl::cat(category));
  cl::opt<std::string> calibrationMethod(
      "calibration-method",
      cl::desc("How ranges are chosen: minmax, percentile, entropy, mse"),
      cl::init("minmax"), cl::cat(category));
  cl::opt<double> calibrationPercentile(
      "calibration-percentile",
      cl::desc("The percentile of |x| kept by --calibration-method=percentile"),
      cl::init(99.99), cl::cat(category));
  cl::opt<std::string> calibrationTable(
      "calibration-table",
      cl::desc("Static int8 from this calibration table (what "
               "--emit=calibration wrote) instead of running the model"),
      cl::value_desc("FILE"), cl::cat(category));
  cl::opt<bool> printPipeline(
      "print-pipeline",
      cl::desc("Print the compression pipeline (for smelt-opt or mlir-opt "
               "--pass-pipeline) and, when code is generated, the target's, "
               "then stop"),
      cl::cat(category));
  cl::opt<std::string> quantize(
      "quantize",
      cl::desc("Quantize: int8 (static, from --calibration data; QDQ "
               "form), int8-dynamic (activations quantized when the model "
               "runs), or int8-weights / int4-weights (weight-only)"),
      cl::value_desc("int8|int8-dynamic|int8-weights|int4-weights"),
      cl::cat(category));
  cl::opt<int64_t> weightGroupSize(
      "weight-group-size",
      cl::desc("Weight-only quantization: weights per scale along the "
               "reduction (32, 64, 128; 0: one scale per output channel)"),
      cl::init(32), cl::cat(category));
  cl::opt<std::string> weightMethod(
      "weight-method",
      cl::desc("Weight-only quantization: rtn (round to nearest) or gptq "
               "(Gemm/MatMul weights fitted to --calibration data's inputs)"),
      cl::value_desc("rtn|gptq"), cl::init("rtn"), cl::cat(category));
  cl::opt<bool> perTensorWeights(
      "per-tensor-weights",
      cl::desc("One weight scale per tensor instead of per output channel"),
      cl::cat(category));
  cl::list<std::string> quantizeExclude(
      "quantize-exclude", cl::CommaSeparated,
      cl::desc("Nodes to keep in float, by name or op type (Conv, Gemm)"),
      cl::value_desc("name,..."), cl::cat(category));
  cl::opt<std::string> report(
      "report",
      cl::desc("Write the compile report (JSON) here: sizes, each layer's "
               "format and, with --calibration data, each layer's divergence "
               "from the float model"),
      cl::value_desc("file"), cl::cat(category));
  cl::opt<bool> explainKernels(
      "explain-kernels",
      cl::desc("Say which layers run without a vector kernel, and why (a "
               "remark naming each node)"),
      cl::cat(category));
  cl::opt<bool> profile(
      "profile",
      cl::desc("Time each layer's kernels at every run (smelt-run --profile "
               "prints them; CompiledModel.profile() in Python)"),
      cl::cat(category));
  cl::opt<unsigned> compileThreads(
      "compile-threads",
      cl::desc("Threads that optimize and compile the generated code (0, "
               "the default: one per core)"),
      cl::init(0), cl::cat(category));
  // The spelling of MLIR-style tools' options, for those who look for it.
  cl::alias smeltExplainKernels("smelt-explain-kernels",
                                cl::desc("Alias for --explain-kernels"),
                                cl::aliasopt(explainKernels),
                                cl::cat(category));
  cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Code specialized for an input's shape, e.g. "
               "--input-shape=x:1x3x224x224 (with the general code for "
               "other shapes where the model's dims are dynamic)"),
      cl::value_desc("name:dims"), cl::cat(category));
  cl::opt<bool> generalCode(
      "general-code",
      cl::desc("With --input-shape on dimensions the model leaves open, "
               "also build the general code, which runs any other shape "
               "(the default; =false: only those shapes, one compile)"),
      cl::init(true), cl::cat(category));
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "Smelt model compression compiler\n");

  smelt::CompileOptions options;
  options.inputPath = input;
  options.outputPath = output;
  if (emit.getNumOccurrences())
    options.emit = emit;
  else
    options.emit = smelt::emitKindForPath(output).value_or(smelt::EmitKind::MLIR);
  options.target = target;
  options.targetOptions.cpu = cpu;
  options.targetOptions.optLevel = static_cast<int>(optLevel);
  options.targetOptions.externalWeights = weights == External;
  options.targetOptions.explainKernels = explainKernels;
  options.targetOptions.profile = profile;
  options.targetOptions.compileThreads = compileThreads;
  options.calibrationPath = calibration;
  options.calibrationMethod = calibrationMethod;
  options.calibrationPercentile = calibrationPercentile;
  options.calibrationTablePath = calibrationTable;
  options.quantize = quantize;
  options.weightGroupSize = weightGroupSize;
  options.weightMethod = weightMethod;
  options.perTensorWeights = perTensorWeights;
  options.quantizeExclude.assign(quantizeExclude.begin(), quantizeExclude.end());
  options.generalCode = generalCode;
  options.reportPath = report;
  options.measureDivergence = !report.empty();
  options.configurePassManager = [](mlir::PassManager &pm) {
    // --mlir-timing: each pass manager's report as it finishes.
    mlir::applyDefaultTimingPassManagerCLOptions(pm);
    return mlir::applyPassManagerCLOptions(pm);
  };
  for (const std::string &shape : inputShapes) {
    std::string error;
    if (!smelt::parseInputShape(shape, options.inputShapes, error)) {
      llvm::WithColor::error(llvm::errs(), "smeltc") << error << "\n";
      return 1;
    }
  }

  mlir::DialectRegistry registry;
  smelt::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  smelt::NodeDiagnosticPrinter printer(&context, llvm::errs());
  if (printPipeline)
    return mlir::succeeded(smelt::printPipelines(options, context, llvm::outs()))
               ? 0
               : 1;
  return mlir::succeeded(smelt::compile(options, context)) ? 0 : 1;
}
