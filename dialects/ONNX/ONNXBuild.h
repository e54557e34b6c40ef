//===- ONNXBuild.h - Building and matching onnx ops by name -----*- C++ -*-===//
//
// Passes that rewrite onnx ops (the quantizers, smelt-fuse-qdq, the quant
// type passes) build and match them by name: the generated builders differ
// from op to op, and a name is what ONNX itself uses.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_ONNX_ONNXBUILD_H
#define SMELT_DIALECTS_ONNX_ONNXBUILD_H

#include "mlir/IR/Builders.h"

#include <optional>

namespace smelt {
/// Name of the function an imported graph becomes.
constexpr llvm::StringLiteral kONNXEntryName = "main_graph";
} // namespace smelt

namespace smelt::onnx {

/// Whether `op` is the onnx op `name` ("onnx.Conv"); false for null.
bool isONNXOp(mlir::Operation *op, llvm::StringRef name);

/// The onnx op `name` on `operands`, with `results` and `attrs`.
mlir::Operation *buildONNXOp(mlir::OpBuilder &b, mlir::Location loc,
                             llvm::StringRef name, mlir::ValueRange operands,
                             mlir::TypeRange results,
                             llvm::ArrayRef<mlir::NamedAttribute> attrs = {});

/// The elements of a constant integer operand (an onnx.Constant, or after
/// conversion an arith.constant, seen through a conversion cast), or
/// std::nullopt when it is not a constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// The elements of a constant float operand, or std::nullopt.
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value value);

} // namespace smelt::onnx

#endif // SMELT_DIALECTS_ONNX_ONNXBUILD_H
