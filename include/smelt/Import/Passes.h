//===- Passes.h - Passes on imported ONNX models ----------------*- C++ -*-===//
//
// The passes that need ONNX's own libraries (its shape inference), and so
// live beside the importer rather than in lib/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_IMPORT_PASSES_H
#define SMELT_IMPORT_PASSES_H

#include "ONNX/ONNXDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace smelt {

#define GEN_PASS_DECL
#include "smelt/Import/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "smelt/Import/Passes.h.inc"

} // namespace smelt

#endif // SMELT_IMPORT_PASSES_H
