//===- smelt-translate.cpp - ONNX <-> MLIR translations -------------------===//

#include "smelt/InitAll.h"

#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  smelt::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Smelt translation driver\n")) ? 1 : 0;
}
