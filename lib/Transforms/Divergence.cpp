//===- Divergence.cpp - How far a compressed model is from the float one --===//
//
// Both models instrumented (every f32 tensor an output) and run by a
// ModelExecutor on the same samples; each tensor of the float model (the
// teacher) is compared with the compressed model's tensor of the same node.
//
//===----------------------------------------------------------------------===//

#include "smelt/Transforms/Divergence.h"

#include "Instrument.h"

#include "ONNX/ONNXBuild.h"

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
                         const DivergenceOptions &options) {
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
  if (!options.executor)
    return emitError(loc) << "measuring divergence needs a model executor";
  FailureOr<std::unique_ptr<SampleSet>> samples =
      options.executor->readSamples(options.dataPath, refFunc, loc);
  if (failed(samples))
    return failure();
  unsigned numOutputs = refFunc.getNumResults();
  std::vector<std::string> outputNames;
  for (unsigned i = 0; i < numOutputs; ++i) {
    auto name = refFunc.getResultAttrOfType<StringAttr>(i, "onnx.name");
    outputNames.push_back(name ? name.str() : "output" + std::to_string(i));
  }
  std::vector<Tap> refTaps = instrument(refFunc);
  std::vector<Tap> candTaps = instrument(candFunc);
  // The candidate's tap for each of the reference's (the last op carrying
  // the node's name wins: a rewritten node's final value).
  std::map<std::pair<std::string, unsigned>, size_t> candIndex;
  for (size_t k = 0; k < candTaps.size(); ++k)
    if (candTaps[k].opName != "input")
      candIndex[{candTaps[k].node, candTaps[k].result}] = k;
  // Where the taps start among each model's outputs (the functions are
  // lowered away below).
  size_t candFirstTap = candFunc.getNumResults() - candTaps.size();

  FailureOr<std::unique_ptr<LoadedModel>> refModel =
      options.executor->load(std::move(ref), **samples, loc);
  if (failed(refModel))
    return failure();
  FailureOr<std::unique_ptr<LoadedModel>> candModel =
      options.executor->load(std::move(cand), **samples, loc);
  if (failed(candModel))
    return failure();
  LoadedModel &refRun = **refModel, &candRun = **candModel;

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
    OutputTensor a = refRun.output(r), b = candRun.output(c);
    return a.isF32 && b.isF32 && a.numElements == b.numElements &&
           a.numElements > 0;
  };
  for (unsigned i = 0; i < numOutputs; ++i) {
    if (!comparable(i, i))
      continue;
    Pair p{i, i, {}, {}, 0};
    p.info.node = outputNames[i];
    p.info.opName = "output";
    OutputTensor info = refRun.output(i);
    if (info.shape.size() >= 2 && info.shape.back() > 1)
      p.rowLength = info.shape.back();
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

  size_t numSamples = (*samples)->size();
  Progress progress(options.progress, options.progressBar,
                    "measuring divergence", numSamples);
  std::vector<std::vector<float>> saved(pairs.size());
  if (progress.isCancelled())
    return emitError(loc) << "divergence measurement cancelled";
  for (size_t s = 0; s < numSamples; ++s) {
    if (failed(refRun.run(s, loc)))
      return failure();
    for (size_t k = 0; k < pairs.size(); ++k) {
      OutputTensor out = refRun.output(pairs[k].ref);
      saved[k].assign(out.floats(), out.floats() + out.numElements);
    }
    if (failed(candRun.run(s, loc)))
      return failure();
    for (size_t k = 0; k < pairs.size(); ++k) {
      pairs[k].sums.add(saved[k].data(),
                        candRun.output(pairs[k].cand).floats(),
                        saved[k].size(), pairs[k].rowLength);
    }
    if (!progress.step("samples (float and compressed)"))
      return emitError(loc) << "divergence measurement cancelled";
  }
  DivergenceReport report;
  report.samples = numSamples;
  for (size_t k = 0; k < pairs.size(); ++k) {
    pairs[k].sums.finish(pairs[k].info);
    (k < firstTensorPair ? report.outputs : report.tensors)
        .push_back(pairs[k].info);
  }
  return report;
}
