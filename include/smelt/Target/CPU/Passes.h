//===- Passes.h - Passes of the CPU target ----------------------*- C++ -*-===//

#ifndef SMELT_TARGET_CPU_PASSES_H
#define SMELT_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "mlir/Transforms/DialectConversion.h"

namespace smelt {

/// Module attribute that carries the recorded signature.
constexpr llvm::StringLiteral kSignatureAttrName = "smelt.signature";

#define GEN_PASS_DECL
#include "smelt/Target/CPU/Passes.h.inc"

/// The CPU's int8 contraction layouts (packed weights, packed columns) as
/// the target-neutral conversion's hooks (smelt-cpu-convert-onnx-to-linalg):
/// bytes four k to a lane for targets with a byte dot product (VNNI),
/// 16-bit words two k to a lane for the others.
IntegerContractionHooks getCPUIntegerContractionHooks(bool byteDotProduct = true);

/// What the CPU asks of the neutral conversion: its int8 hooks, and
/// contractions as generics iterated outputs-innermost, the form its
/// contraction passes read (until its codegen starts from named ops).
ONNXToLinalgOptions getCPUConversionOptions(bool byteDotProduct = true);

/// smelt-cpu-choose-vector-dim's rewrite, for vectors of `lanes` f32
/// lanes (see the pass for `transposeCost` and `maxPlane`).
void populateCPUChooseVectorDimPatterns(mlir::RewritePatternSet &patterns,
                                        int64_t lanes, double transposeCost,
                                        int64_t maxPlane);

#define GEN_PASS_REGISTRATION
#include "smelt/Target/CPU/Passes.h.inc"

} // namespace smelt

#endif // SMELT_TARGET_CPU_PASSES_H
