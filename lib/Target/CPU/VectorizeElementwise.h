//===- VectorizeElementwise.h - What smelt-cpu-vectorize-elementwise takes -*- C++ -*-===//
//
// The contraction kernels run first; a generic they decline and the
// elementwise pass takes (a pooling, a LayerNorm's sums) still runs in
// vectors, so its remark under --explain-kernels would mislead.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_VECTORIZEELEMENTWISE_H
#define SMELT_LIB_TARGET_CPU_VECTORIZEELEMENTWISE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace smelt::detail {

/// Lanes of the elementwise vector loops for registers of `vectorBits`.
int64_t elementwiseLanes(unsigned vectorBits);

/// Whether smelt-cpu-vectorize-elementwise{vector-bits=vectorBits} turns
/// `op` into vector loops.
bool vectorizesElementwise(mlir::linalg::GenericOp op, unsigned vectorBits);

} // namespace smelt::detail

#endif // SMELT_LIB_TARGET_CPU_VECTORIZEELEMENTWISE_H
