//===- Diagnostics.cpp - Diagnostics that name the ONNX node ---------------===//

#include "smelt/Driver/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

namespace {

/// The innermost file location and the outermost name inside `loc`.
void describeLocation(Location loc, std::string &file, std::string &node) {
  loc->walk([&](Location inner) {
    if (auto name = dyn_cast<NameLoc>(inner)) {
      if (node.empty())
        node = name.getName().str();
    } else if (auto fileLoc = dyn_cast<FileLineColLoc>(inner)) {
      if (file.empty())
        file = (fileLoc.getFilename().str() + ":" +
                std::to_string(fileLoc.getLine()) + ":" +
                std::to_string(fileLoc.getColumn()));
    }
    return WalkResult::advance();
  });
}

const char *severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

} // namespace

std::string smelt::formatDiagnostic(Diagnostic &diagnostic) {
  std::string file, node;
  describeLocation(diagnostic.getLocation(), file, node);
  std::string out;
  if (!file.empty())
    out += file + ": ";
  out += severityName(diagnostic.getSeverity());
  out += ": ";
  if (!node.empty())
    out += "node '" + node + "': ";
  out += diagnostic.str();
  return out;
}

bool smelt::isOperationDump(Diagnostic &note) {
  // A failing pass attaches the whole operation ("see current operation:
  // ..."): for a model that is the whole graph, which buries the message.
  return llvm::StringRef(note.str()).starts_with("see current operation");
}

smelt::NodeDiagnosticPrinter::NodeDiagnosticPrinter(MLIRContext *context,
                                                    llvm::raw_ostream &os)
    : ScopedDiagnosticHandler(context, [&os](Diagnostic &diagnostic) {
        os << formatDiagnostic(diagnostic) << "\n";
        for (Diagnostic &note : diagnostic.getNotes())
          if (!isOperationDump(note))
            os << formatDiagnostic(note) << "\n";
        os.flush();
        return success();
      }) {}
