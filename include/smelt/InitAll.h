//===- InitAll.h - Registers every Smelt dialect and pass -------*- C++ -*-===//
//
// The one place that knows every dialect, pass and translation Smelt has;
// tools, the Python module and embedders call these instead of listing them.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_INITALL_H
#define SMELT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace smelt {

/// Adds Smelt's dialects and the upstream dialects its pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers Smelt's passes and pipelines with the global pass registry.
void registerAllPasses();

/// Registers the targets (`--target=NAME`) and their model executors
/// (`smelt-calibrate{executor=NAME}`); safe to call again.
void registerAllTargets();

/// Registers `--import-onnx` and `--export-onnx` with mlir-translate's
/// registry.
void registerAllTranslations();

} // namespace smelt

#endif // SMELT_INITALL_H
