//===- Calibration.cpp - Activation ranges from sample data ---------------===//
//
// Samples -> the model instrumented (every f32 intermediate an output) ->
// compiled by the CPU target -> run through the C runtime, once for the
// ranges and, for the histogram methods, again for the histograms.
//
//===----------------------------------------------------------------------===//

#include "smelt/Calibration/Calibration.h"

#include "Samples.h"

#include "smelt/Import/ONNXImport.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>

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
  TensorRange range;
  double maxAbs = 0;
  std::vector<double> histogram;
};

void chooseRange(Observed &o, const CalibrationOptions &options) {
  TensorRange &r = o.range;
  double low = std::min(0.0f, r.min), high = std::max(0.0f, r.max);
  if (options.method != CalibrationMethod::MinMax && o.maxAbs > 0) {
    double t = o.maxAbs;
    if (options.method == CalibrationMethod::Percentile)
      t = percentileThreshold(o.histogram, o.maxAbs, options.percentile);
    else if (options.method == CalibrationMethod::Entropy)
      t = entropyThreshold(o.histogram, o.maxAbs);
    else
      t = mseThreshold(o.histogram, o.maxAbs, r.min >= 0);
    low = std::max(low, -t);
    high = std::min(high, t);
  }
  r.low = static_cast<float>(low);
  r.high = static_cast<float>(high);
  double scale = (high - low) / 255.0;
  if (scale <= 0)
    scale = 1.0;
  r.scale = static_cast<float>(scale);
  r.zeroPoint = static_cast<int>(
      std::clamp(std::nearbyint(-low / scale), 0.0, 255.0));
}

} // namespace

FailureOr<std::vector<TensorRange>>
smelt::calibrate(ModuleOp module, const CalibrationOptions &options) {
  MLIRContext *ctx = module.getContext();
  Location loc = FileLineColLoc::get(ctx, options.dataPath, 0, 0);
  OwningOpRef<ModuleOp> clone = module.clone();
  auto func = clone->lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!func)
    return emitError(loc) << "the model has no entry function";
  FailureOr<std::vector<Sample>> samples = loadModelSamples(func, options, loc);
  if (failed(samples))
    return failure();

  std::vector<TensorRange> tensors = instrument(func);
  if (tensors.empty())
    return emitError(loc) << "the model has no f32 intermediate tensors";
  unsigned firstCalibration = func.getNumResults() - tensors.size();
  FailureOr<LoadedModel> model =
      loadForSamples(*clone, *samples, options.targetOptions, loc);
  if (failed(model))
    return failure();

  std::vector<Observed> observed(tensors.size());
  for (size_t k = 0; k < tensors.size(); ++k) {
    observed[k].range = tensors[k];
    observed[k].range.min = std::numeric_limits<float>::infinity();
    observed[k].range.max = -std::numeric_limits<float>::infinity();
  }
  bool histograms = options.method != CalibrationMethod::MinMax;
  Progress progress(options.onProgress, options.progress, "calibrating",
                    samples->size() * (histograms ? 2 : 1));
  auto forEachOutput = [&](auto &&visit) -> LogicalResult {
    if (progress.isCancelled())
      return emitError(loc) << "calibration cancelled";
    for (size_t s = 0; s < samples->size(); ++s) {
      if (failed(model->run(s, loc)))
        return failure();
      for (size_t k = 0; k < tensors.size(); ++k) {
        const SmeltTensorInfo *info =
            smelt_model_output(model->get(), firstCalibration + k);
        visit(observed[k], model->floats(firstCalibration + k),
              info->num_elements);
      }
      if (!progress.step(histograms ? "runs (ranges, then histograms)"
                                    : "runs"))
        return emitError(loc) << "calibration cancelled";
    }
    return success();
  };
  // The Gram matrices asked for, by tensor index.
  std::map<const Observed *, std::pair<int64_t, std::vector<double> *>> gram;
  if (options.grams)
    for (size_t k = 0; k < tensors.size(); ++k) {
      auto key = std::make_pair(tensors[k].node, tensors[k].result);
      if (!options.gramOf.count(key))
        continue;
      const SmeltTensorInfo *info =
          smelt_model_output(model->get(), firstCalibration + k);
      if (info->rank < 1)
        continue;
      int64_t dim = info->shape[info->rank - 1];
      std::vector<double> &g = (*options.grams)[key];
      g.assign(dim * dim, 0.0);
      gram[&observed[k]] = {dim, &g};
    }
  if (failed(forEachOutput([&](Observed &o, const float *data, int64_t n) {
        for (int64_t i = 0; i < n; ++i) {
          o.range.min = std::min(o.range.min, data[i]);
          o.range.max = std::max(o.range.max, data[i]);
        }
        o.range.count += n;
        auto it = gram.find(&o);
        if (it == gram.end())
          return;
        int64_t dim = it->second.first;
        std::vector<double> &g = *it->second.second;
        for (const float *row = data; row + dim <= data + n; row += dim)
          for (int64_t a = 0; a < dim; ++a) {
            if (row[a] == 0)
              continue;
            double x = row[a];
            double *out = &g[a * dim];
            for (int64_t c = 0; c < dim; ++c)
              out[c] += x * row[c];
          }
      })))
    return failure();
  if (histograms) {
    for (Observed &o : observed) {
      o.maxAbs = std::max(std::fabs(o.range.min), std::fabs(o.range.max));
      o.histogram.assign(kHistogramBins, 0.0);
    }
    if (failed(forEachOutput([](Observed &o, const float *data, int64_t n) {
          if (o.maxAbs <= 0)
            return;
          double perBin = kHistogramBins / o.maxAbs;
          for (int64_t i = 0; i < n; ++i) {
            int bin = static_cast<int>(std::fabs(data[i]) * perBin);
            o.histogram[std::min(bin, kHistogramBins - 1)] += 1;
          }
        })))
      return failure();
  }
  std::vector<TensorRange> ranges;
  for (Observed &o : observed) {
    chooseRange(o, options);
    ranges.push_back(o.range);
  }
  return ranges;
}

std::string smelt::formatCalibrationTable(
    const std::vector<TensorRange> &ranges, const CalibrationOptions &options,
    int64_t samples) {
  llvm::json::Array tensors;
  for (const TensorRange &r : ranges)
    tensors.push_back(llvm::json::Object{
        {"node", r.node},
        {"result", static_cast<int64_t>(r.result)},
        {"op", r.opName},
        {"min", r.min},
        {"max", r.max},
        {"low", r.low},
        {"high", r.high},
        {"scale", r.scale},
        {"zero_point", r.zeroPoint},
        {"elements", r.count}});
  llvm::json::Object table{
      {"method", calibrationMethodName(options.method)},
      {"data", options.dataPath},
      {"tensors", std::move(tensors)}};
  if (options.method == CalibrationMethod::Percentile)
    table["percentile"] = options.percentile;
  (void)samples;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(table))) << "\n";
  return text;
}
