//===- ONNXModelExport.h - The onnx dialect to a ModelProto -----*- C++ -*-===//
//
// The exporter's in-memory form, for Smelt's libraries that hand the model
// to ONNX's own code again (smelt-specialize-shapes). It includes ONNX's
// protobuf headers, which ONNXExport.h keeps out of everyone else's way.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_EXPORT_ONNXMODELEXPORT_H
#define SMELT_EXPORT_ONNXMODELEXPORT_H

#include "onnx/onnx_pb.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace smelt {

/// How exportONNXModel writes a model.
struct ONNXExportOptions {
  /// A model for ONNX's shape inference alone: tensors of 64 KiB and more
  /// keep their dims but one byte of data (as the importer detaches them
  /// while inference runs), and intermediate values and graph outputs are
  /// written without shapes, for inference to find them again.
  bool forShapeInference = false;
};

/// Writes `module` as a ModelProto in memory; with `names`, says which name
/// each value (argument, result, subgraph value) took in it.
mlir::LogicalResult
exportONNXModel(mlir::ModuleOp module, ::onnx::ModelProto &model,
                const ONNXExportOptions &options = {},
                llvm::DenseMap<mlir::Value, std::string> *names = nullptr);

} // namespace smelt

#endif // SMELT_EXPORT_ONNXMODELEXPORT_H
