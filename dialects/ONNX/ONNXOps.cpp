//===- ONNXOps.cpp - Registers the generated onnx operators ---------------===//
//
// The op definitions are compiled in shards (ONNXOps<N>.cpp in the build
// folder); this file registers them.
//
//===----------------------------------------------------------------------===//

#include "ONNX/ONNXDialect.h"

using namespace smelt::onnx;

void ONNXDialect::registerOps() { registerONNXDialectOperations(this); }
