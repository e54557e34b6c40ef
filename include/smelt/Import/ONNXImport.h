//===- ONNXImport.h - ONNX models into the onnx dialect ---------*- C++ -*-===//
//
// Reads a binary (.onnx) or textual (.onnxtext) ONNX model, brings it to the
// supported opset with ONNX's version converter, checks it with ONNX's checker,
// runs ONNX's shape inference, and builds a module in the onnx dialect.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_IMPORT_ONNXIMPORT_H
#define SMELT_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include "ONNX/ONNXBuild.h"

#include <map>
#include <string>
#include <vector>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace smelt {

/// The default-domain opset every imported model is brought to.
constexpr int kONNXTargetOpset = 17;

struct ONNXImportOptions {
  /// Shapes that replace the declared shapes of graph inputs (by name) before
  /// shape inference, e.g. to fix a dynamic batch dimension.
  std::map<std::string, std::vector<int64_t>> inputShapes;

  /// Numeric tensors with at most this many elements become DenseElementsAttr
  /// (readable, foldable); larger ones are resource blobs that alias the
  /// loaded bytes.
  int64_t maxInlineElements = 16;
};

/// Imports a model held in `bytes`. `path` names the model in diagnostics and
/// anchors external data (relative to its folder). Textual ONNX is recognized
/// by its `.onnxtext` extension or by a leading '<'. Diagnostics go to the
/// context's handler; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importONNX(llvm::StringRef bytes, llvm::StringRef path,
           mlir::MLIRContext *context, const ONNXImportOptions &options = {});

/// Reads `path` and imports it.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

/// Registers `--import-onnx` with mlir-translate's registry.
void registerONNXImportTranslation();

} // namespace smelt

#endif // SMELT_IMPORT_ONNXIMPORT_H
