//===- SmeltDialect.h - Smelt's own attributes ------------------*- C++ -*-===//
//
// The smelt dialect: statistics that compression passes leave in the module
// for later passes, and integer ops on quantized types (SmeltDialect.td,
// SmeltOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_SMELT_SMELTDIALECT_H
#define SMELT_DIALECTS_SMELT_SMELTDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

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

#define GET_OP_CLASSES
#include "Smelt/SmeltOps.h.inc"


#endif // SMELT_DIALECTS_SMELT_SMELTDIALECT_H
