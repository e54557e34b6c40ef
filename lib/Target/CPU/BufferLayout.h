//===- BufferLayout.h - Layout questions the CPU kernels ask ----*- C++ -*-===//

#ifndef SMELT_LIB_TARGET_CPU_BUFFERLAYOUT_H
#define SMELT_LIB_TARGET_CPU_BUFFERLAYOUT_H

#include "mlir/IR/BuiltinTypes.h"

namespace smelt::detail {

/// Whether consecutive elements of the innermost dimension are adjacent in
/// memory (vector loads and stores along it are contiguous).
inline bool hasUnitInnerStride(mlir::MemRefType type) {
  if (type.getRank() == 0)
    return false;
  llvm::SmallVector<int64_t> strides;
  int64_t offset;
  if (mlir::failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

} // namespace smelt::detail

#endif // SMELT_LIB_TARGET_CPU_BUFFERLAYOUT_H
