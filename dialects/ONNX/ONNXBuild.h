//===- ONNXBuild.h - Building and matching onnx ops by name -----*- C++ -*-===//
//
// Passes that rewrite onnx ops (the quantizers, onnx-fuse-qdq, the quant
// type passes) build and match them by name: the generated builders differ
// from op to op, and a name is what ONNX itself uses.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_ONNX_ONNXBUILD_H
#define SMELT_DIALECTS_ONNX_ONNXBUILD_H

#include "mlir/IR/Builders.h"

namespace smelt::onnx {

/// Whether `op` is the onnx op `name` ("onnx.Conv"); false for null.
bool isONNXOp(mlir::Operation *op, llvm::StringRef name);

/// The onnx op `name` on `operands`, with `results` and `attrs`.
mlir::Operation *buildONNXOp(mlir::OpBuilder &b, mlir::Location loc,
                             llvm::StringRef name, mlir::ValueRange operands,
                             mlir::TypeRange results,
                             llvm::ArrayRef<mlir::NamedAttribute> attrs = {});

} // namespace smelt::onnx

#endif // SMELT_DIALECTS_ONNX_ONNXBUILD_H
