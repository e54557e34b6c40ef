//===- ONNXDialect.h - The onnx dialect -------------------------*- C++ -*-===//
//
// The onnx dialect: one op per ONNX operator, generated from ONNX's schema
// registry, plus the types ONNX has beyond tensors.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECTS_ONNX_ONNXDIALECT_H
#define SMELT_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <initializer_list>

#include "ONNX/ONNXDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ONNX/ONNXTypes.h.inc"

namespace smelt::onnx {

/// Registration hooks of the generated op definitions, one per shard (see
/// SMELT_ONNX_OP_SHARDS in CMakeLists.txt; unused ones are never defined).
void registerONNXDialectOperations(ONNXDialect *dialect);
void registerONNXDialectOperations0(ONNXDialect *dialect);
void registerONNXDialectOperations1(ONNXDialect *dialect);
void registerONNXDialectOperations2(ONNXDialect *dialect);
void registerONNXDialectOperations3(ONNXDialect *dialect);
void registerONNXDialectOperations4(ONNXDialect *dialect);
void registerONNXDialectOperations5(ONNXDialect *dialect);
void registerONNXDialectOperations6(ONNXDialect *dialect);
void registerONNXDialectOperations7(ONNXDialect *dialect);

namespace detail {

/// The values of one operand or result group, with the name ONNX gives it.
struct TypeParamMember {
  mlir::ValueRange values;
  const char *name;
};

/// The groups that share one ONNX type parameter ("T").
struct TypeParamGroup {
  const char *param;
  std::initializer_list<TypeParamMember> members;
};

/// Checks that all values bound to one type parameter agree on their element
/// type, as ONNX's schema requires (ODS constraints check each value alone).
mlir::LogicalResult
verifyTypeParams(mlir::Operation *op,
                 std::initializer_list<TypeParamGroup> groups);

} // namespace detail

/// Whether two types bind the same ONNX type parameter: equal up to shape.
bool isSameTypeParam(mlir::Type a, mlir::Type b);

/// The ONNX domain and operator name of an onnx dialect op
/// ("onnx.ml.ZipMap" gives {"ai.onnx.ml", "ZipMap"}).
std::pair<llvm::StringRef, llvm::StringRef>
getONNXDomainAndName(llvm::StringRef opName);

/// The inverse: the MLIR op name for an ONNX domain and operator, or an empty
/// string when the domain is not one the dialect models.
std::string getMLIROpName(llvm::StringRef domain, llvm::StringRef opType);

} // namespace smelt::onnx

#define GET_OP_CLASSES
#include "ONNX/ONNXOps.h.inc"

#endif // SMELT_DIALECTS_ONNX_ONNXDIALECT_H
