//===- Driver.h - The one entry point of smeltc, Python and embedders -*- C++ -*-===//
//
// `smeltc`'s main() only parses flags into CompileOptions; the Python module
// and embedders call the same functions.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DRIVER_DRIVER_H
#define SMELT_DRIVER_DRIVER_H

#include "smelt/Target/Target.h"
#include "smelt/Transforms/Divergence.h"
#include "smelt/Transforms/ModelExecutor.h"
#include "smelt/Transforms/Quantize.h"

#include "mlir/IR/BuiltinOps.h"

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
class PassManager;
} // namespace mlir

namespace smelt {

enum class EmitKind {
  /// The module in the onnx dialect, as MLIR text.
  MLIR,
  /// The module written back as binary ONNX.
  ONNX,
  /// A readable summary: operators, parameters, opsets.
  Summary,
  /// The module after the target's pipeline (LLVM dialect for the CPU).
  TargetMLIR,
  /// LLVM IR text, optimized for the target processor.
  LLVMIR,
  /// An object file.
  Object,
  /// A shared library the runtime loads.
  Library,
  /// The calibration table (JSON): each intermediate tensor's observed
  /// range and the range the observer chose, from --calibration data.
  Calibration,
};

struct CompileOptions {
  std::string inputPath;
  /// "-" writes to stdout (text outputs only).
  std::string outputPath = "-";
  EmitKind emit = EmitKind::MLIR;
  /// Name of the code-generation target (see smelt::getTargetNames()).
  std::string target = "cpu";
  TargetOptions targetOptions;
  /// Shapes replacing the declared shapes of named inputs (fixing dynamic
  /// dimensions).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// When inputShapes fix dimensions the model leaves open, the library
  /// holds the code for those shapes and the general code, and runs each
  /// call with the code for its shapes; false builds only the code for
  /// those shapes (one compile; the library accepts no other shape).
  bool generalCode = true;
  /// Calibration data (.npz or a folder of samples), and how to choose
  /// ranges from it.
  std::string calibrationPath;
  std::string calibrationMethod = "minmax";
  double calibrationPercentile = 99.99;
  /// A calibration table (--emit=calibration's JSON) that static int8 takes
  /// its ranges from instead of running the model.
  std::string calibrationTablePath;
  /// "int8": static int8 quantization (QDQ form) from the calibration;
  /// "int8-weights" / "int4-weights": weight-only, no calibration.
  std::string quantize;
  /// Weights per tensor instead of per output channel.
  bool perTensorWeights = false;
  /// Nodes kept in float, by name or op type.
  std::vector<std::string> quantizeExclude;
  /// Weight-only quantization: weights per scale along the reduction (0:
  /// one scale per output channel).
  int64_t weightGroupSize = 32;
  /// Weight-only quantization: "rtn" (round to nearest) or "gptq" (needs
  /// calibration data).
  std::string weightMethod = "rtn";
  /// With calibration data and quantization: run the float model and the
  /// quantized one on the data and compare every layer's output (the
  /// report's divergence).
  bool measureDivergence = false;
  /// Where to write the compile report as JSON ("" for nowhere).
  std::string reportPath;
  /// Progress of the long steps (calibration, divergence); null draws a
  /// bar on stderr.
  ProgressCallback progress;
  /// What the compile did, a line at a time ("quantized 2 ops to int8
  /// ..."); null prints the lines to stderr.
  std::function<void(llvm::StringRef)> log;
  /// Called on the target pipeline's pass manager before its passes are
  /// added (smeltc applies MLIR's command-line options: IR printing,
  /// timing).
  std::function<mlir::LogicalResult(mlir::PassManager &)> configurePassManager;
};

/// The kind of output a file name suggests ("model.so" -> Library), or
/// std::nullopt when the extension says nothing.
std::optional<EmitKind> emitKindForPath(llvm::StringRef path);

/// Parses "name:1x3x224x224" into `shapes`; returns false (and a message in
/// `error`) when the text is malformed.
bool parseInputShape(llvm::StringRef text,
                     std::map<std::string, std::vector<int64_t>> &shapes,
                     std::string &error);

/// What a model holds, for the summary and the compile report.
struct ModelSummary {
  std::map<std::string, int64_t> opsets;
  int64_t irVersion = 0;
  std::string producer;
  struct Value {
    std::string name;
    std::string type;
  };
  std::vector<Value> inputs, outputs;
  /// Operator name -> number of nodes, counting nodes inside subgraphs.
  std::map<std::string, int64_t> opCounts;
  int64_t numNodes = 0;
  int64_t numParameterTensors = 0;
  int64_t numParameters = 0;
  int64_t parameterBytes = 0;
};

/// Describes an imported module.
ModelSummary summarizeModel(mlir::ModuleOp module);

/// Renders the summary as text.
std::string formatSummary(const ModelSummary &summary);

/// What a compile did and what it cost: sizes before and after, what each
/// layer was quantized to, and (with calibration data) how far each layer's
/// output moved from the float model's.
struct CompileReport {
  std::string model, target;
  /// The model as imported, and as compiled (after compression).
  ModelSummary before, after;
  /// The written output's size in bytes; -1 for stdout.
  int64_t artifactBytes = -1;
  double compileSeconds = 0;
  /// The quantization mode ("" for none) and what it did.
  std::string quantize;
  QuantizeReport quantization;
  bool hasDivergence = false;
  DivergenceReport divergence;
  /// With --profile: each layer's time per run of the compiled library on
  /// this machine (the median of a few runs on zeros, one thread), slowest
  /// first; or why not.
  struct LayerLatency {
    std::string node;
    double ms = 0;
  };
  std::vector<LayerLatency> latency;
  int latencyRuns = 0;
  double latencyTotalMs = 0;
  std::string latencyNote;
};

/// Runs the library a --profile compile just wrote (a few runs on zeros,
/// one thread) and records each layer's time in `report`; says in
/// `report.latencyNote` why not when it cannot (code for another
/// processor, not a library).
void measureLayerLatency(const CompileOptions &options, CompileReport &report);

/// The report as JSON (`smeltc --report`, the Python module's .report).
std::string formatReportJSON(const CompileReport &report);

/// Imports `options.inputPath` and writes what `options.emit` asks for to
/// `options.outputPath`. The output appears only when everything succeeded:
/// a failed compile leaves no half-written file. Diagnostics go to the
/// context's handler. `report`, when given, receives what the compile did.
mlir::LogicalResult compile(const CompileOptions &options,
                            mlir::MLIRContext &context,
                            CompileReport *report = nullptr);

/// The textual pass pipeline that compile() runs on the imported module
/// to compress it, which smelt-opt (or mlir-opt with Smelt's plugin)
/// replays on `smeltc --emit=mlir`'s output; "builtin.module()" when there
/// is nothing to compress. Invalid options are diagnosed in `context`.
mlir::FailureOr<std::string>
getCompressionPipeline(const CompileOptions &options,
                       mlir::MLIRContext &context);

/// `smeltc --print-pipeline`: the compression pipeline on one line and,
/// when the output is generated code, the target's pipeline on the next.
mlir::LogicalResult printPipelines(const CompileOptions &options,
                                   mlir::MLIRContext &context,
                                   llvm::raw_ostream &os);

/// Writes `module` (the onnx dialect, imported and compressed) as
/// `options.emit` asks: the text and ONNX forms directly, the rest after
/// the target's pipeline.
mlir::LogicalResult emitModule(const CompileOptions &options,
                               mlir::ModuleOp module);

} // namespace smelt

#endif // SMELT_DRIVER_DRIVER_H
