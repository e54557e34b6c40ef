//===- Passes.h - Smelt's conversions ---------------------------*- C++ -*-===//

#ifndef SMELT_CONVERSION_PASSES_H
#define SMELT_CONVERSION_PASSES_H

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace smelt {

#define GEN_PASS_DECL
#include "smelt/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "smelt/Conversion/Passes.h.inc"

/// convert-onnx-qlinear-to-quant's patterns: QLinearConv and QLinearMatMul
/// with constant parameters to integer ops on !quant.uniform types.
void populateONNXQLinearToQuantPatterns(mlir::RewritePatternSet &patterns);

} // namespace smelt

#endif // SMELT_CONVERSION_PASSES_H
