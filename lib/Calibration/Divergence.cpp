//===- Divergence.cpp - How far a compressed model is from the float one --===//
//
// Both models instrumented (every f32 tensor an output), compiled for this
// CPU and run on the same samples; each tensor of the float model (the
// teacher) is compared with the compressed model's tensor of the same node.
//
//===----------------------------------------------------------------------===//

#include "smelt/Calibration/Divergence.h"

#include "Samples.h"

#include "smelt/Import/ONNXImport.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace smelt;
using namespace smelt::detail;

namespace {

/// Sums for one TensorDivergence.
struct DivergenceSums {
  double diff2 = 0, ref2 = 0, cand2 = 0, dot = 0, maxAbs = 0;
  int64_t elements = 0, rows = 0, agreeingRows = 0;

  void add(const float *ref, const float *cand, int64_t n, int64_t rowLength) {
    for (int64_t i = 0; i < n; ++i) {
      double r = ref[i], c = cand[i], d = c - r;
      diff2 += d * d;
      ref2 += r * r;
      cand2 += c * c;
      dot += r * c;
      maxAbs = std::max(maxAbs, std::fabs(d));
    }
    elements += n;
    if (rowLength <= 1)
      return;
    for (int64_t row = 0; row + rowLength <= n; row += rowLength) {
      auto argmax = [&](const float *x) {
        return std::max_element(x + row, x + row + rowLength) - (x + row);
      };
      ++rows;
      agreeingRows += argmax(ref) == argmax(cand);
    }
  }

  void finish(TensorDivergence &t) const {
    t.elements = elements;
    t.maxAbs = maxAbs;
    t.relativeRMSE = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
    t.sqnrDB = diff2 > 0 ? 10 * std::log10(ref2 / diff2)
                         : std::numeric_limits<double>::infinity();
    t.cosine = ref2 > 0 && cand2 > 0 ? dot / std::sqrt(ref2 * cand2)
               : diff2 == 0          ? 1.0
                                     : 0.0;
    t.top1Agreement =
        rows ? static_cast<double>(agreeingRows) / rows : -1.0;
  }
};

} // namespace

FailureOr<DivergenceReport>
smelt::measureDivergence(ModuleOp reference, ModuleOp candidate,
                         const CalibrationOptions &options) {
  MLIRContext *ctx = reference.getContext();
  Location loc = FileLineColLoc::get(ctx, options.dataPath, 0, 0);
  OwningOpRef<ModuleOp> ref = reference.clone(), cand = candidate.clone();
  auto refFunc = ref->lookupSymbol<func::FuncOp>(kONNXEntryName);
  auto candFunc = cand->lookupSymbol<func::FuncOp>(kONNXEntryName);
  if (!refFunc || !candFunc)
    return emitError(loc) << "the model has no entry function";
  if (refFunc.getNumResults() != candFunc.getNumResults())
    return emitError(loc) << "the compressed model has "
                          << candFunc.getNumResults()
                          << " outputs; the float model "
                          << refFunc.getNumResults();
  FailureOr<std::vector<Sample>> samples =
      loadModelSamples(refFunc, options, loc);
  if (failed(samples))
    return failure();
  unsigned numOutputs = refFunc.getNumResults();
  std::vector<std::string> outputNames;
  for (unsigned i = 0; i < numOutputs; ++i) {
    auto name = refFunc.getResultAttrOfType<StringAttr>(i, "onnx.name");
    outputNames.push_back(name ? name.str() : "output" + std::to_string(i));
  }
  std::vector<TensorRange> refTaps = instrument(refFunc);
  std::vector<TensorRange> candTaps = instrument(candFunc);
  // The candidate's tap for each of the reference's (the last op carrying
  // the node's name wins: a rewritten node's final value).
  std::map<std::pair<std::string, unsigned>, size_t> candIndex;
  for (size_t k = 0; k < candTaps.size(); ++k)
    if (candTaps[k].opName != "input")
      candIndex[{candTaps[k].node, candTaps[k].result}] = k;
  // Where the taps start among each model's outputs (the functions are
  // lowered away below).
  size_t candFirstTap = candFunc.getNumResults() - candTaps.size();

  FailureOr<LoadedModel> refModel =
      loadForSamples(*ref, *samples, options.targetOptions, loc);
  if (failed(refModel))
    return failure();
  FailureOr<LoadedModel> candModel =
      loadForSamples(*cand, *samples, options.targetOptions, loc);
  if (failed(candModel))
    return failure();

  // Pairs of output indices (reference, candidate) to compare.
  struct Pair {
    size_t ref, cand;
    TensorDivergence info;
    DivergenceSums sums;
    int64_t rowLength = 0;
  };
  std::vector<Pair> pairs;
  // Both f32 and of one element count (their shapes are the same node's).
  auto comparable = [&](size_t r, size_t c) {
    const SmeltTensorInfo *a = smelt_model_output(refModel->get(), r);
    const SmeltTensorInfo *b = smelt_model_output(candModel->get(), c);
    return a->element_type == SMELT_F32 && b->element_type == SMELT_F32 &&
           a->num_elements == b->num_elements && a->num_elements > 0;
  };
  for (unsigned i = 0; i < numOutputs; ++i) {
    if (!comparable(i, i))
      continue;
    Pair p{i, i, {}, {}, 0};
    p.info.node = outputNames[i];
    p.info.opName = "output";
    const SmeltTensorInfo *info = smelt_model_output(refModel->get(), i);
    if (info->rank >= 2 && info->shape[info->rank - 1] > 1)
      p.rowLength = info->shape[info->rank - 1];
    pairs.push_back(p);
  }
  size_t firstTensorPair = pairs.size();
  for (size_t k = 0; k < refTaps.size(); ++k) {
    if (refTaps[k].opName == "input")
      continue;
    auto it = candIndex.find({refTaps[k].node, refTaps[k].result});
    if (it == candIndex.end())
      continue;
    size_t r = numOutputs + k,
           c = candFirstTap + it->second;
    if (!comparable(r, c))
      continue;
    Pair p{r, c, {}, {}, 0};
    p.info.node = refTaps[k].node;
    p.info.result = refTaps[k].result;
    p.info.opName = refTaps[k].opName;
    pairs.push_back(p);
  }

  Progress progress(options.onProgress, options.progress,
                    "measuring divergence", samples->size());
  std::vector<std::vector<float>> saved(pairs.size());
  if (progress.isCancelled())
    return emitError(loc) << "divergence measurement cancelled";
  for (size_t s = 0; s < samples->size(); ++s) {
    if (failed(refModel->run(s, loc)))
      return failure();
    for (size_t k = 0; k < pairs.size(); ++k) {
      const float *data = refModel->floats(pairs[k].ref);
      int64_t n = smelt_model_output(refModel->get(), pairs[k].ref)->num_elements;
      saved[k].assign(data, data + n);
    }
    if (failed(candModel->run(s, loc)))
      return failure();
    for (size_t k = 0; k < pairs.size(); ++k) {
      pairs[k].sums.add(saved[k].data(), candModel->floats(pairs[k].cand),
                        saved[k].size(), pairs[k].rowLength);
    }
    if (!progress.step("samples (float and compressed)"))
      return emitError(loc) << "divergence measurement cancelled";
  }
  DivergenceReport report;
  report.samples = samples->size();
  for (size_t k = 0; k < pairs.size(); ++k) {
    pairs[k].sums.finish(pairs[k].info);
    (k < firstTensorPair ? report.outputs : report.tensors)
        .push_back(pairs[k].info);
  }
  return report;
}
