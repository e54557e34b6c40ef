//===- ONNXOps.cpp - The generated onnx operators -------------------------===//

#include "ONNX/ONNXDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace smelt::onnx;

#define GET_OP_CLASSES
#include "ONNX/ONNXOps.cpp.inc"

void ONNXDialect::registerOps() {
  addOperations<

#define GET_OP_LIST
#include "ONNX/ONNXOps.cpp.inc"
                >();
}
