//===- ApproximateMath.cpp - smelt-cpu-approximate-math --------------------===//
//
// f32 transcendental functions as polynomials, so their vector forms stay
// vectors instead of one libm call per lane.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"

namespace smelt {
#define GEN_PASS_DEF_CPUAPPROXIMATEMATHPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The functions whose approximations keep within a few ulp over all of
/// f32 (no argument reduction that loses precision far from zero, as sin
/// and cos would).
bool isApproximated(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases({"math.exp", "math.expm1", "math.log", "math.log1p", "math.log2",
              "math.tanh", "math.erf"},
             true)
      .Default(false);
}

struct CPUApproximateMathPass
    : smelt::impl::CPUApproximateMathPassBase<CPUApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, isApproximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
