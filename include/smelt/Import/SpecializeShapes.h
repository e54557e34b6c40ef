//===- SpecializeShapes.h - Input shapes fixed in the IR --------*- C++ -*-===//
//
// `--input-shape` as a step on a module rather than an option of the import:
// a model imported once with its dimensions open is specialized in the IR,
// so whatever passes wrote on it (calibration statistics, folded weights)
// stays on the same ops.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_IMPORT_SPECIALIZESHAPES_H
#define SMELT_IMPORT_SPECIALIZESHAPES_H

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>
#include <vector>

namespace smelt {

/// Gives the inputs of `module`'s function named in `shapes` (by their ONNX
/// names) those shapes, and every value after them the shape ONNX's
/// inference then finds, with the importer's own evaluation of Reshape
/// targets. Size computations that follow from static dims alone become
/// constants, as an import at those shapes would make them. Ops and their
/// attributes are kept. Specialize a module whose dimensions are open: one
/// specialized before has its sizes folded at those shapes. Fails, with a
/// diagnostic naming the input or value, when a shape does not fit the
/// declared one or inference fails; the module may then be half-changed.
mlir::LogicalResult
specializeShapes(mlir::ModuleOp module,
                 const std::map<std::string, std::vector<int64_t>> &shapes);

} // namespace smelt

#endif // SMELT_IMPORT_SPECIALIZESHAPES_H
