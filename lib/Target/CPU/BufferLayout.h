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

/// Whether the buffer is one run of memory in row-major order, wherever it
/// starts: an identity layout, or a view with the same strides (one image
/// of a batch, at a dynamic offset). Its elements pair up in order with
/// those of any other such buffer of as many elements.
inline bool isContiguous(mlir::MemRefType type) {
  if (!type.hasStaticShape())
    return false;
  if (type.getLayout().isIdentity())
    return true;
  llvm::SmallVector<int64_t> strides;
  int64_t offset;
  if (mlir::failed(type.getStridesAndOffset(strides, offset)))
    return false;
  int64_t running = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (type.getDimSize(d) != 1 && strides[d] != running)
      return false;
    running *= type.getDimSize(d);
  }
  return true;
}

} // namespace smelt::detail

#endif // SMELT_LIB_TARGET_CPU_BUFFERLAYOUT_H
