//===- smeltc.cpp - The Smelt compiler driver -----------------------------===//
//
// Parses flags into smelt::CompileOptions and calls smelt::compile.
//
//===----------------------------------------------------------------------===//

#include "smelt/Driver/Driver.h"
#include "smelt/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

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
      "emit", cl::desc("What to write"), cl::init(smelt::EmitKind::MLIR),
      cl::values(
          clEnumValN(smelt::EmitKind::MLIR, "mlir", "the onnx dialect module"),
          clEnumValN(smelt::EmitKind::ONNX, "onnx", "binary ONNX"),
          clEnumValN(smelt::EmitKind::Summary, "summary",
                     "operators, parameters and opsets")),
      cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "Smelt model compression compiler\n");

  mlir::DialectRegistry registry;
  smelt::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  smelt::CompileOptions options;
  options.inputPath = input;
  options.outputPath = output;
  options.emit = emit;
  return mlir::succeeded(smelt::compile(options, context)) ? 0 : 1;
}
