//===- QuantizeUtils.h - What the quantization passes share ----*- C++ -*-===//
//
// Reading constant f32 initializers, the --quantize-exclude test, and
// building onnx ops (which the quantizers create by name: the dialect's
// generated builders differ per op).
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TRANSFORMS_QUANTIZEUTILS_H
#define SMELT_LIB_TRANSFORMS_QUANTIZEUTILS_H

#include "smelt/Transforms/Quantize.h"

#include "ONNX/ONNXBuild.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace smelt::detail {

/// What the quantizers are asked beyond their own options.
struct QuantizeOptions {
  /// Weights per output channel (default) or one scale per tensor.
  bool perChannelWeights = true;
  /// Nodes left in float, by node name or by op type ("Conv", "Gemm").
  std::set<std::string> excluded;
};

/// The values of an onnx.Constant holding static f32 data (dense or a
/// resource blob), row-major.
std::optional<std::vector<float>> readFloats(mlir::Operation *constant);

/// Whether the exclusions name `op`'s type ("Conv") or its node.
bool isExcluded(mlir::Operation *op, const QuantizeOptions &options);

/// A report entry for `op` (its node name and op type) in `format`.
LayerQuantization layerEntry(mlir::Operation *op, llvm::StringRef format,
                             llvm::StringRef detail);

/// An onnx.Constant holding `value`, named `name` when given.
mlir::Value onnxConstant(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::TypedAttr value, llvm::StringRef name = "");

using ::smelt::onnx::buildONNXOp;

/// Erases the entry function's onnx.Constants that nothing reads any more
/// (the float weights a rewrite replaced).
void eraseUnusedConstants(mlir::func::FuncOp func);

/// The entry function of `module`, or an error naming the pass.
mlir::FailureOr<mlir::func::FuncOp> entryFunction(mlir::ModuleOp module,
                                                  llvm::StringRef pass);

} // namespace smelt::detail

#endif // SMELT_LIB_TRANSFORMS_QUANTIZEUTILS_H
