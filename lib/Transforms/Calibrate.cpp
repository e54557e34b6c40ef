//===- Calibrate.cpp - smelt-calibrate --------------------------------------===//
//
// The module cloned and instrumented (every f32 value an output) -> run by
// a ModelExecutor on every sample, once for the ranges and, for the
// histogram methods, again for the histograms -> one `#smelt.calibration`
// per value of the original module.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Calibration.h"
#include "smelt/Transforms/Passes.h"

#include "Instrument.h"

#include "ONNX/ONNXBuild.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>
#include <set>

namespace smelt {
#define GEN_PASS_DEF_SMELTCALIBRATEPASS
#include "smelt/Transforms/Passes.h.inc"
} // namespace smelt

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

std::optional<CalibrationMethod>
smelt::parseCalibrationMethod(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<CalibrationMethod>>(name)
      .Case("minmax", CalibrationMethod::MinMax)
      .Case("percentile", CalibrationMethod::Percentile)
      .Case("entropy", CalibrationMethod::Entropy)
      .Case("mse", CalibrationMethod::MSE)
      .Default(std::nullopt);
}

llvm::StringRef smelt::calibrationMethodName(CalibrationMethod method) {
  switch (method) {
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Percentile:
    return "percentile";
  case CalibrationMethod::Entropy:
    return "entropy";
  case CalibrationMethod::MSE:
    return "mse";
  }
  return "minmax";
}

namespace {

constexpr int kHistogramBins = 2048;

struct Observed {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  int64_t count = 0;
  double maxAbs = 0;
  std::vector<double> histogram;
  /// The Gram matrix's dimension (0: none asked for) and its sums.
  int64_t gramDim = 0;
  std::vector<double> gram;
};

/// The clipping range the method picks; it includes zero.
std::pair<double, double> chooseRange(const Observed &o,
                                      CalibrationMethod method,
                                      double percentile) {
  double low = std::min(0.0f, o.min), high = std::max(0.0f, o.max);
  if (method != CalibrationMethod::MinMax && o.maxAbs > 0) {
    double t = o.maxAbs;
    if (method == CalibrationMethod::Percentile)
      t = percentileThreshold(o.histogram, o.maxAbs, percentile);
    else if (method == CalibrationMethod::Entropy)
      t = entropyThreshold(o.histogram, o.maxAbs);
    else
      t = mseThreshold(o.histogram, o.maxAbs, o.min >= 0);
    low = std::max(low, -t);
    high = std::min(high, t);
  }
  return {low, high};
}

/// The Gram matrix as an f64 resource (K x K can be large).
ElementsAttr gramAttr(MLIRContext *ctx, const std::vector<double> &gram,
                      int64_t dim) {
  auto type = RankedTensorType::get({dim, dim}, Float64Type::get(ctx));
  return DenseResourceElementsAttr::get(
      type, "smelt_gram",
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<double>(gram)));
}

struct CalibratePass : smelt::impl::SmeltCalibratePassBase<CalibratePass> {
  using Base::Base;
  CalibratePass(const SmeltCalibratePassOptions &options,
                CalibrationHooks hooks)
      : Base(options), hooks(std::move(hooks)) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(kONNXEntryName);
    if (!func) {
      module.emitError() << "smelt-calibrate: the module has no entry "
                            "function @" << kONNXEntryName;
      return signalPassFailure();
    }
    if (!table.empty()) {
      if (failed(applyCalibrationTable(func, table)))
        signalPassFailure();
      return;
    }
    if (data.empty()) {
      module.emitError() << "smelt-calibrate needs data=PATH (samples) or "
                            "table=FILE (a calibration table)";
      return signalPassFailure();
    }
    if (failed(calibrate(module, func)))
      signalPassFailure();
  }

  LogicalResult calibrate(ModuleOp module, func::FuncOp func);

  CalibrationHooks hooks;
};

} // namespace

LogicalResult CalibratePass::calibrate(ModuleOp module, func::FuncOp func) {
  MLIRContext *ctx = module.getContext();
  Location loc = FileLineColLoc::get(ctx, data, 0, 0);
  std::optional<CalibrationMethod> parsed = parseCalibrationMethod(method);
  if (!parsed)
    return emitError(loc) << "calibration method '" << method
                          << "' is not one of minmax, percentile, entropy, mse";
  if (!(percentile > 0 && percentile <= 100))
    return emitError(loc) << "the calibration percentile must be in (0, 100]";
  std::shared_ptr<ModelExecutor> runner = hooks.executor;
  if (!runner) {
    runner = createModelExecutor(executor);
    if (!runner) {
      std::string known;
      for (const std::string &name : getModelExecutorNames())
        known += (known.empty() ? "" : ", ") + name;
      return emitError(loc) << "smelt-calibrate: no model executor '"
                            << executor << "' (registered: "
                            << (known.empty() ? "none" : known) << ")";
    }
  }

  FailureOr<std::unique_ptr<SampleSet>> samples =
      runner->readSamples(data, func, loc);
  if (failed(samples))
    return failure();
  OwningOpRef<ModuleOp> clone = module.clone();
  auto cloneFunc = clone->lookupSymbol<func::FuncOp>(kONNXEntryName);
  std::vector<Tap> taps = instrument(cloneFunc);
  if (taps.empty())
    return emitError(loc) << "the model has no f32 intermediate tensors";
  unsigned firstTap = cloneFunc.getNumResults() - taps.size();

  // The values whose Gram matrix GPTQ wants: the first operand of each
  // Gemm and MatMul.
  std::set<Operation *> gramOwners;
  DenseSet<Value> gramOf;
  if (gram)
    for (Operation &op : func.getBody().front())
      if (onnx::isONNXOp(&op, "onnx.Gemm") ||
          onnx::isONNXOp(&op, "onnx.MatMul"))
        gramOf.insert(op.getOperand(0));

  FailureOr<std::unique_ptr<LoadedModel>> model =
      runner->load(std::move(clone), **samples, loc);
  if (failed(model))
    return failure();
  LoadedModel &run = **model;

  std::vector<Observed> observed(taps.size());
  for (size_t k = 0; k < taps.size(); ++k) {
    if (!gramOf.contains(tappedValue(func, taps[k])))
      continue;
    OutputTensor out = run.output(firstTap + k);
    if (out.shape.empty())
      continue;
    observed[k].gramDim = out.shape.back();
    observed[k].gram.assign(observed[k].gramDim * observed[k].gramDim, 0.0);
  }
  bool histograms = *parsed != CalibrationMethod::MinMax;
  size_t numSamples = (*samples)->size();
  Progress progress(hooks.progress, hooks.progressBar, "calibrating",
                    numSamples * (histograms ? 2 : 1));
  auto forEachOutput = [&](auto &&visit) -> LogicalResult {
    if (progress.isCancelled())
      return emitError(loc) << "calibration cancelled";
    for (size_t s = 0; s < numSamples; ++s) {
      if (failed(run.run(s, loc)))
        return failure();
      for (size_t k = 0; k < taps.size(); ++k) {
        OutputTensor out = run.output(firstTap + k);
        visit(observed[k], out.floats(), out.numElements);
      }
      if (!progress.step(histograms ? "runs (ranges, then histograms)"
                                    : "runs"))
        return emitError(loc) << "calibration cancelled";
    }
    return success();
  };
  if (failed(forEachOutput([&](Observed &o, const float *x, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          o.min = std::min(o.min, x[i]);
          o.max = std::max(o.max, x[i]);
        }
        o.count += n;
        int64_t dim = o.gramDim;
        if (!dim)
          return;
        for (const float *row = x; row + dim <= x + n; row += dim)
          for (int64_t a = 0; a < dim; ++a) {
            if (row[a] == 0)
              continue;
            double v = row[a];
            double *out = &o.gram[a * dim];
            for (int64_t c = 0; c < dim; ++c)
              out[c] += v * row[c];
          }
      })))
    return failure();
  if (histograms) {
    for (Observed &o : observed) {
      o.maxAbs = std::max(std::fabs(o.min), std::fabs(o.max));
      o.histogram.assign(kHistogramBins, 0.0);
    }
    if (failed(forEachOutput([](Observed &o, const float *x, int64_t n) {
          if (o.maxAbs <= 0)
            return;
          double perBin = kHistogramBins / o.maxAbs;
          for (int64_t i = 0; i < n; ++i) {
            int bin = static_cast<int>(std::fabs(x[i]) * perBin);
            o.histogram[std::min(bin, kHistogramBins - 1)] += 1;
          }
        })))
      return failure();
  }
  for (size_t k = 0; k < taps.size(); ++k) {
    const Observed &o = observed[k];
    auto [low, high] = chooseRange(o, *parsed, percentile);
    ElementsAttr gramMatrix =
        o.gramDim ? gramAttr(ctx, o.gram, o.gramDim) : ElementsAttr();
    setCalibration(tappedValue(func, taps[k]),
                   CalibrationAttr::get(ctx, low, high, o.min, o.max, o.count,
                                        gramMatrix));
  }
  return success();
}

std::unique_ptr<Pass>
smelt::createSmeltCalibratePass(const SmeltCalibratePassOptions &options,
                                CalibrationHooks hooks) {
  return std::make_unique<CalibratePass>(options, std::move(hooks));
}
