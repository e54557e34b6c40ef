//===- SmeltDialect.h - Smelt's own attributes ------------------*- C++ -*-===//
//
// The smelt dialect: statistics that compression passes leave in the module
// for later passes (see SmeltDialect.td).
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_SMELT_SMELTDIALECT_H
#define SMELT_DIALECTS_SMELT_SMELTDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

namespace mlir {
/// Parses the f64 parameters of Smelt's attributes (printed exactly, as
/// APFloat prints them).
template <>
struct FieldParser<llvm::APFloat> {
  static FailureOr<llvm::APFloat> parse(AsmParser &parser) {
    double value;
    if (parser.parseFloat(value))
      return failure();
    return llvm::APFloat(value);
  }
};
} // namespace mlir

#include "Smelt/SmeltDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Smelt/SmeltAttrs.h.inc"

#endif // SMELT_DIALECTS_SMELT_SMELTDIALECT_H
