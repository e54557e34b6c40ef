//===- GeneralCode.cpp - The general code of a specialized compile --------===//
//
// `--input-shape` on dimensions a model leaves open specializes: the compile
// also imports the model with those dimensions open (its general code),
// shares the first import's weights with it, and sets it aside with a
// warning wherever it fails, so that the library then holds the specialized
// code alone.
//
//===----------------------------------------------------------------------===//

#include "GeneralCode.h"

#include "smelt/Import/ONNXImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"

#include <cstring>

using namespace mlir;
using namespace smelt;

/// Runs `steps` on the general code of a specialized compile with their
/// errors and warnings held back; remarks (--explain-kernels') pass through
/// with a note saying they are the general code's. When the steps fail, the
/// general code is set aside (`general` becomes null) with a warning at `loc`
/// naming the first error: the library then holds only the code for the
/// --input-shape shapes. Fails only when the compile was cancelled.
LogicalResult smelt::detail::runOnGeneralCode(
    OwningOpRef<ModuleOp> &general, Location loc,
    llvm::function_ref<LogicalResult()> steps) {
  std::string problem;
  LogicalResult result = failure();
  {
    ScopedDiagnosticHandler capture(loc.getContext(), [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Remark) {
        d.attachNote() << "in the general code (the code for shapes other "
                          "than --input-shape's)";
        return failure(); // on to the handlers outside
      }
      if (!problem.empty() || d.getSeverity() != DiagnosticSeverity::Error)
        return success();
      d.getLocation()->walk([&](Location inner) {
        if (auto name = dyn_cast<NameLoc>(inner)) {
          problem = "node '" + name.getName().str() + "': ";
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      problem += d.str();
      return success();
    });
    result = steps();
  }
  if (succeeded(result))
    return success();
  general = nullptr;
  if (llvm::StringRef(problem).ends_with("cancelled"))
    return emitError(loc) << problem;
  emitWarning(loc) << "the library holds only the code for the "
                      "--input-shape shapes (it refuses any other): the "
                      "general code failed: "
                   << (problem.empty() ? "no reason given" : problem);
  return success();
}

/// Whether `options.emit` is code of a target (not the onnx dialect).
static bool emitsCode(const smelt::CompileOptions &options) {
  switch (options.emit) {
  case EmitKind::TargetMLIR:
  case EmitKind::LLVMIR:
  case EmitKind::Object:
  case EmitKind::Library:
    return true;
  default:
    return false;
  }
}

/// Points the constants of `general` at those of `specialized` with the
/// same type and bytes (the model's initializers, imported twice), and
/// frees its own copies: a specialized compile holds its weights once.
static void shareWeights(ModuleOp specialized, ModuleOp general) {
  llvm::DenseMap<size_t, SmallVector<DenseResourceElementsAttr>> bySize;
  specialized.walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      if (AsmResourceBlob *blob = attr.getRawHandle().getBlob())
        bySize[blob->getData().size()].push_back(attr);
    });
  });
  SmallVector<DenseResourceElementsHandle> replaced;
  AttrTypeReplacer replacer;
  replacer.addReplacement(
      [&](DenseResourceElementsAttr attr) -> std::optional<Attribute> {
        AsmResourceBlob *blob = attr.getRawHandle().getBlob();
        if (!blob)
          return std::nullopt;
        ArrayRef<char> bytes = blob->getData();
        for (DenseResourceElementsAttr candidate : bySize.lookup(bytes.size())) {
          ArrayRef<char> other = candidate.getRawHandle().getBlob()->getData();
          if (candidate.getType() == attr.getType() &&
              (other.data() == bytes.data() ||
               std::memcmp(other.data(), bytes.data(), bytes.size()) == 0)) {
            if (candidate != attr)
              replaced.push_back(attr.getRawHandle());
            return candidate;
          }
        }
        return std::nullopt;
      });
  general.walk([&](Operation *op) { replacer.replaceElementsIn(op); });
  for (DenseResourceElementsHandle handle : replaced)
    handle.getResource()->setBlob(AsmResourceBlob());
}

/// The model imported with the dimensions it leaves open, when
/// --input-shape fixed some of them in `specialized` and the compile
/// writes code: the general code of a specialized library. Null when there
/// is none to build, or (with a warning) when the model cannot be imported
/// without the shapes.
OwningOpRef<ModuleOp>
smelt::detail::importGeneralCode(const CompileOptions &options,
                                 ModuleOp specialized) {
  if (options.inputShapes.empty() || !options.generalCode ||
      !emitsCode(options))
    return nullptr;
  OwningOpRef<ModuleOp> general;
  (void)runOnGeneralCode(general, UnknownLoc::get(specialized.getContext()),
                         [&]() -> LogicalResult {
                           general = importONNXFile(options.inputPath,
                                                    specialized.getContext(),
                                                    ONNXImportOptions());
                           return success(bool(general));
                         });
  if (!general)
    return nullptr;
  auto open = general->lookupSymbol<func::FuncOp>(kONNXEntryName);
  auto fixed = specialized.lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (open && fixed && open.getFunctionType() == fixed.getFunctionType())
    return nullptr; // --input-shape fixed nothing the model leaves open
  shareWeights(specialized, *general);
  return general;
}


OwningOpRef<ModuleOp>
smelt::detail::cloneGeneralCode(const CompileOptions &options, ModuleOp open) {
  if (options.inputShapes.empty() || !options.generalCode ||
      !emitsCode(options))
    return nullptr;
  return OwningOpRef<ModuleOp>(open.clone());
}
