//===- smelt-opt.cpp - mlir-opt with Smelt's dialects and passes ----------===//

#include "smelt/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  smelt::registerAllDialects(registry);
  smelt::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Smelt optimizer driver\n", registry));
}
