//===- ParallelCost.h - When a kernel is worth splitting across threads -*- C++ -*-===//
//
// A kernel's parallel loop becomes an OpenMP region, and entering one costs
// a few microseconds (the fork, the join, the threads' caches warming to
// their share of the data) whatever the kernel does. A kernel runs on
// several threads only when its work, at one core's speed, is well above
// that cost, so that tiny layers (a classifier's bias, a squeeze-excite's
// 1x1 convolutions, a small elementwise op) stay on the calling thread;
// and only when its parallel loop has at least two iterations. How many
// threads run is the caller's choice at run time (smelt_model_set_threads,
// OMP_NUM_THREADS); the regions never nest, so they never oversubscribe.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_PARALLELCOST_H
#define SMELT_LIB_TARGET_CPU_PARALLELCOST_H

#include <cstdint>

namespace smelt::detail {

/// Multiply-adds (or window steps) of a contraction below which it stays
/// on one thread: about 10 microseconds at one core's speed.
constexpr int64_t kParallelMinMultiplyAdds = int64_t(1) << 18;

/// Elements an elementwise op writes below which it stays on one thread
/// (memory-bound, about 10 microseconds).
constexpr int64_t kParallelMinElements = int64_t(1) << 15;

/// Whether a kernel of `work` units (against `grain`) whose parallel loop
/// runs `iterations` times is worth splitting.
inline bool worthSplitting(int64_t work, int64_t grain, int64_t iterations) {
  return work >= grain && iterations >= 2;
}

} // namespace smelt::detail

#endif // SMELT_LIB_TARGET_CPU_PARALLELCOST_H
