//===- InitAll.cpp - Registers every Smelt dialect and pass ---------------===//

#include "smelt/InitAll.h"

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"
#include "smelt/Conversion/Passes.h"
#include "smelt/Export/ONNXExport.h"
#include "smelt/Import/ONNXImport.h"
#include "smelt/Import/Passes.h"
#include "smelt/Target/CPU/CPUModelExecutor.h"
#include "smelt/Target/CPU/CPUTarget.h"
#include "smelt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void smelt::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<smelt::onnx::ONNXDialect, smelt::SmeltDialect,
                  mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::memref::MemRefDialect, mlir::scf::SCFDialect,
                  mlir::cf::ControlFlowDialect, mlir::LLVM::LLVMDialect,
                  mlir::quant::QuantDialect>();
  // What one-shot bufferization needs to know about upstream ops.
  mlir::arith::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  mlir::linalg::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::scf::registerBufferizableOpInterfaceExternalModels(registry);
  mlir::tensor::registerBufferizableOpInterfaceExternalModels(registry);
}

void smelt::registerAllPasses() {
  // Upstream cleanups that Smelt's pipelines are made of.
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  smelt::registerSmeltConversionPasses();
  smelt::registerSmeltImportPasses();
  smelt::registerSmeltTransformsPasses();
  smelt::registerCPUPipeline();
  registerAllTargets();
}

void smelt::registerAllTargets() {
  static bool once = [] {
    registerCPUTarget();
    registerCPUModelExecutor();
    return true;
  }();
  (void)once;
}

void smelt::registerAllTranslations() {
  static bool once = [] {
    registerONNXImportTranslation();
    registerONNXExportTranslation();
    return true;
  }();
  (void)once;
}
