//===- ONNXExport.h - The onnx dialect back to ONNX -------------*- C++ -*-===//
//
// Writes a module still in the onnx dialect as an ONNX ModelProto, so that
// import/export round trips can be tested and compressed models handed to
// other tools.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_EXPORT_ONNXEXPORT_H
#define SMELT_EXPORT_ONNXEXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace smelt {

/// Serializes `module` (one `func.func` of onnx ops) as binary ONNX to `os`.
/// Emits diagnostics and returns failure for anything ONNX cannot express.
mlir::LogicalResult exportONNX(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Registers `--export-onnx` with mlir-translate's registry.
void registerONNXExportTranslation();

} // namespace smelt

#endif // SMELT_EXPORT_ONNXEXPORT_H
