//===- InitAll.cpp - Registers every Smelt dialect and pass ---------------===//

#include "smelt/InitAll.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Conversion/Passes.h"
#include "smelt/Export/ONNXExport.h"
#include "smelt/Import/ONNXImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void smelt::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<smelt::onnx::ONNXDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect>();
}

void smelt::registerAllPasses() {
  // Upstream cleanups that Smelt's pipelines are made of.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  smelt::registerSmeltConversionPasses();
}

void smelt::registerAllTranslations() {
  static bool once = [] {
    registerONNXImportTranslation();
    registerONNXExportTranslation();
    return true;
  }();
  (void)once;
}
