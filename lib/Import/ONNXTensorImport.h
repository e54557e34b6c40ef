//===- ONNXTensorImport.h - ONNX types and tensors into MLIR ----*- C++ -*-===//

#ifndef SMELT_LIB_IMPORT_ONNXTENSORIMPORT_H
#define SMELT_LIB_IMPORT_ONNXTENSORIMPORT_H

#include "onnx/onnx_pb.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace smelt::detail {

/// The MLIR element type of an ONNX TensorProto::DataType, or null.
mlir::Type importElementType(int32_t dataType, mlir::MLIRContext *context);

/// The MLIR type of an ONNX TypeProto (tensor, sequence, optional, map).
/// Returns null and says why in `error` for types Smelt cannot express,
/// negative dimensions or absurd sizes.
mlir::Type importType(const ::onnx::TypeProto &type,
                      mlir::MLIRContext *context, std::string &error);

struct TensorImportContext {
  mlir::MLIRContext *context;
  /// Folder that external data locations are relative to.
  std::string modelDir;
  int64_t maxInlineElements;
};

/// Turns `tensor` into an ElementsAttr. Large numeric tensors become resource
/// blobs that take over the tensor's raw bytes (or map its external file)
/// rather than copying them, so `tensor` may be left without its data.
/// Returns null and says why in `error`.
mlir::ElementsAttr importTensor(::onnx::TensorProto &tensor,
                                const TensorImportContext &ctx,
                                std::string &error);

/// Checks every external-data reference of `model` (subgraphs included):
/// relative, inside `modelDir` after resolving links, and inside its file
/// with exactly the bytes the tensor needs.
bool validateExternalData(const ::onnx::ModelProto &model,
                          llvm::StringRef modelDir, std::string &error);

} // namespace smelt::detail

#endif // SMELT_LIB_IMPORT_ONNXTENSORIMPORT_H
