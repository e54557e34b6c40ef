//===- SmeltDialect.cpp - Smelt's own attributes ----------------------------===//

#include "Smelt/SmeltDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace smelt;

#include "Smelt/SmeltDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Smelt/SmeltAttrs.cpp.inc"

void SmeltDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Smelt/SmeltAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "Smelt/SmeltOps.cpp.inc"
      >();
}

LogicalResult
CalibrationAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        APFloat low, APFloat high, APFloat min, APFloat max,
                        int64_t elements, ElementsAttr gram) {
  double l = low.convertToDouble(), h = high.convertToDouble();
  if (!(l <= 0 && 0 <= h))
    return emitError() << "the range [" << l << ", " << h
                       << "] must include zero";
  if (elements < 0)
    return emitError() << "elements must not be negative";
  if (gram) {
    auto type = cast<ShapedType>(gram.getType());
    if (type.getRank() != 2 || type.getDimSize(0) != type.getDimSize(1) ||
        !type.getElementType().isF64())
      return emitError() << "gram must be a square tensor of f64, not "
                         << type;
  }
  return success();
}
