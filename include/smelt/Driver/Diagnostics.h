//===- Diagnostics.h - Diagnostics that name the ONNX node ------*- C++ -*-===//

#ifndef SMELT_DRIVER_DIAGNOSTICS_H
#define SMELT_DRIVER_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace smelt {

/// Formats one diagnostic as "model.onnx:0:0: error: node 'conv1': message":
/// ops carry the ONNX node's name in a NameLoc around the file location,
/// which MLIR's own printers drop.
std::string formatDiagnostic(mlir::Diagnostic &diagnostic);

/// Whether `note` is the operation dump a failing pass attaches (left out
/// of user-facing output).
bool isOperationDump(mlir::Diagnostic &note);

/// Prints every diagnostic of a context, with its notes, to a stream.
class NodeDiagnosticPrinter : public mlir::ScopedDiagnosticHandler {
public:
  NodeDiagnosticPrinter(mlir::MLIRContext *context, llvm::raw_ostream &os);
};

} // namespace smelt

#endif // SMELT_DRIVER_DIAGNOSTICS_H
