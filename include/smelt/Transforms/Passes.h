//===- Passes.h - Smelt's compression passes --------------------*- C++ -*-===//
//
// The passes of Passes.td, plus the constructors that take what a textual
// pipeline cannot say: the ModelExecutor and progress callback an embedder
// hands to calibration, and where a quantizer reports what it did.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_PASSES_H
#define SMELT_TRANSFORMS_PASSES_H

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"
#include "smelt/Transforms/ModelExecutor.h"
#include "smelt/Transforms/Quantize.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace smelt {

#define GEN_PASS_DECL
#include "smelt/Transforms/Passes.h.inc"

/// What calibration takes beyond its options: who runs the model (null:
/// the executor the `executor` option names) and who hears of progress
/// (null: a bar on stderr when `progressBar`).
struct CalibrationHooks {
  std::shared_ptr<ModelExecutor> executor;
  ProgressCallback progress;
  bool progressBar = true;
};

std::unique_ptr<mlir::Pass>
createSmeltCalibratePass(const SmeltCalibratePassOptions &options,
                         CalibrationHooks hooks);

/// The quantizers, reporting each layer's format into `report` (which must
/// outlive the pass manager's run).
std::unique_ptr<mlir::Pass>
createSmeltQuantizeStaticPass(const SmeltQuantizeStaticPassOptions &options,
                              QuantizeReport *report);
std::unique_ptr<mlir::Pass>
createSmeltQuantizeDynamicPass(const SmeltQuantizeDynamicPassOptions &options,
                               QuantizeReport *report);
std::unique_ptr<mlir::Pass>
createSmeltQuantizeWeightsPass(const SmeltQuantizeWeightsPassOptions &options,
                               QuantizeReport *report);

/// smelt-fold-channel-affine's patterns: one per-channel affine op after a
/// Conv or ConvTranspose folded into its weights and bias per application.
void populateFoldChannelAffinePatterns(mlir::RewritePatternSet &patterns);

/// smelt-fuse-qdq's patterns, for pipelines of other compilers.
void populateFuseQDQPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "smelt/Transforms/Passes.h.inc"

} // namespace smelt

#endif // SMELT_TRANSFORMS_PASSES_H
