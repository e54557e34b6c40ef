//===- embed.cpp - Smelt inside a compiler that is not Smelt --------------===//
//
//   smelt-embed passes FILE.mlir PIPELINE   parse the onnx dialect, run passes
//   smelt-embed compile MODEL.onnx OUT.so [NAME:DIMS]
//                                           the driver API, then the runtime
//
//===----------------------------------------------------------------------===//

#include "smelt-c/Runtime.h"
#include "smelt/Driver/Diagnostics.h"
#include "smelt/Driver/Driver.h"
#include "smelt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <string>
#include <vector>

static int runPasses(const char *file, const char *pipeline,
                     mlir::MLIRContext &context) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(file, &context);
  if (!module)
    return 1;
  // A rooted pipeline, "builtin.module(convert-onnx-to-linalg,...)".
  mlir::FailureOr<mlir::OpPassManager> parsed = mlir::parsePassPipeline(pipeline);
  if (mlir::failed(parsed))
    return 1;
  mlir::PassManager pm(&context, parsed->getOpAnchorName());
  static_cast<mlir::OpPassManager &>(pm) = *parsed;
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}

static int compileAndRun(const char *model, const char *library,
                         const char *shape, mlir::MLIRContext &context) {
  smelt::CompileOptions options;
  std::string error;
  if (shape && !smelt::parseInputShape(shape, options.inputShapes, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  options.inputPath = model;
  options.outputPath = library;
  options.emit = smelt::EmitKind::Library;
  if (mlir::failed(smelt::compile(options, context)))
    return 1;
  SmeltModel *loaded;
  if (smelt_model_load(library, &loaded) != SMELT_OK) {
    std::fprintf(stderr, "%s\n", smelt_last_error());
    return 1;
  }
  // Zeros in (a dynamic dimension of size 2), and each output's name,
  // type, shape and sum out.
  std::vector<std::vector<char>> inputs;
  std::vector<const void *> inputPtrs;
  for (size_t i = 0; i < smelt_model_num_inputs(loaded); ++i) {
    const SmeltTensorInfo *info = smelt_model_input(loaded, i);
    std::printf("input %s %s rank %d\n", info->name,
                smelt_element_type_name(info->element_type), info->rank);
    std::vector<int64_t> shape(info->shape, info->shape + info->rank);
    for (int64_t &d : shape)
      d = d < 0 ? 2 : d;
    smelt_model_set_input_shape(loaded, i, shape.data(), info->rank);
    inputs.emplace_back(smelt_model_input_bytes(loaded, i), 0);
    inputPtrs.push_back(inputs.back().data());
  }
  std::vector<void *> outputs(smelt_model_num_outputs(loaded), nullptr);
  if (smelt_model_run(loaded, inputPtrs.data(), outputs.data()) != SMELT_OK) {
    std::fprintf(stderr, "%s\n", smelt_last_error());
    smelt_model_free(loaded);
    return 1;
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    const SmeltTensorInfo *info = smelt_model_output(loaded, i);
    std::printf("output %s %s shape", info->name,
                smelt_element_type_name(info->element_type));
    const int64_t *shape = smelt_model_output_shape(loaded, i);
    for (int32_t d = 0; d < info->rank; ++d)
      std::printf(" %lld", static_cast<long long>(shape[d]));
    if (info->element_type == SMELT_F32) {
      const float *values =
          static_cast<const float *>(smelt_model_output_buffer(loaded, i));
      double sum = 0;
      size_t count = smelt_model_output_bytes(loaded, i) / sizeof(float);
      for (size_t k = 0; k < count; ++k)
        sum += values[k];
      std::printf(" sum %.6g", sum);
    }
    std::printf("\n");
  }
  smelt_model_free(loaded);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: smelt-embed passes FILE.mlir PIPELINE\n"
                         "       smelt-embed compile MODEL.onnx OUT.so [NAME:DIMS]\n");
    return 2;
  }
  mlir::DialectRegistry registry;
  smelt::registerAllDialects(registry);
  smelt::registerAllPasses();
  mlir::MLIRContext context(registry);
  smelt::NodeDiagnosticPrinter printer(&context, llvm::errs());
  std::string mode = argv[1];
  if (mode == "passes")
    return runPasses(argv[2], argv[3], context);
  if (mode == "compile")
    return compileAndRun(argv[2], argv[3], argc == 5 ? argv[4] : nullptr,
                         context);
  std::fprintf(stderr, "smelt-embed: unknown mode '%s'\n", argv[1]);
  return 2;
}
