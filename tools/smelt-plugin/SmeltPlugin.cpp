//===- SmeltPlugin.cpp - Smelt's dialect and passes for a stock mlir-opt ---===//
//
// A shared library that LLVM 22's own `mlir-opt` loads:
//
//   mlir-opt --load-dialect-plugin=SmeltPlugin.so \
//            --load-pass-plugin=SmeltPlugin.so model.mlir \
//            --pass-pipeline='builtin.module(convert-onnx-to-linalg)'
//
// The dialect plugin adds the onnx and smelt dialects (the upstream
// dialects Smelt's pipelines use are mlir-opt's own); the pass plugin
// registers Smelt's compression passes, smelt-specialize-shapes, its
// conversions and the smelt-cpu-pipeline (not upstream's, which mlir-opt
// has). Calibration from
// sample data needs a model executor, which the plugin leaves out: a
// pipeline here reads its statistics from a calibration table.
//
//===----------------------------------------------------------------------===//

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"
#include "smelt/Conversion/Passes.h"
#include "smelt/Import/Passes.h"
#include "smelt/Target/CPU/CPUTarget.h"
#include "smelt/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Smelt", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            registry->insert<smelt::onnx::ONNXDialect, smelt::SmeltDialect>();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Smelt", LLVM_VERSION_STRING, []() {
            smelt::registerSmeltConversionPasses();
            smelt::registerSmeltImportPasses();
            smelt::registerSmeltTransformsPasses();
            smelt::registerCPUPipeline();
          }};
}
