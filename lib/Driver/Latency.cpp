//===- Latency.cpp - Per-layer time in the compile report -------------------===//
//
// A --profile library times each layer's kernels (smelt-cpu-profile-kernels);
// the compile report runs it a few times on this machine and keeps the
// times beside each layer's size and accuracy.
//
//===----------------------------------------------------------------------===//

#include "smelt/Driver/Driver.h"

#include "smelt-c/Runtime.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

using namespace smelt;

namespace {

constexpr int kRuns = 10;

struct ModelDeleter {
  void operator()(SmeltModel *model) const { smelt_model_free(model); }
};

} // namespace

void smelt::measureLayerLatency(const CompileOptions &options,
                                CompileReport &report) {
  if (!options.targetOptions.profile)
    return;
  if (options.emit != EmitKind::Library || options.outputPath == "-") {
    report.latencyNote = "not measured: the output is not a library";
    return;
  }
  if (options.targetOptions.cpu != "native") {
    report.latencyNote = "not measured: compiled for --cpu=" +
                         options.targetOptions.cpu +
                         " rather than this machine (smelt-run --profile "
                         "measures it where it runs)";
    return;
  }
  SmeltModel *loaded = nullptr;
  if (smelt_model_load(options.outputPath.c_str(), &loaded) != SMELT_OK) {
    report.latencyNote =
        std::string("not measured: ") + smelt_last_error();
    return;
  }
  std::unique_ptr<SmeltModel, ModelDeleter> model(loaded);
  // Zeros in, 64-byte aligned as compiled code prefers; a dimension the
  // library takes at run time is given its --input-shape size (the code
  // specialized for it runs), or size 1 (a batch of one).
  std::vector<std::unique_ptr<char, decltype(&std::free)>> buffers;
  std::vector<const void *> inputs;
  for (size_t i = 0; i < smelt_model_num_inputs(model.get()); ++i) {
    const SmeltTensorInfo *info = smelt_model_input(model.get(), i);
    std::vector<int64_t> shape(info->shape, info->shape + info->rank);
    auto given = options.inputShapes.find(info->name);
    for (auto [d, size] : llvm::enumerate(shape)) {
      if (size >= 0)
        continue;
      if (given != options.inputShapes.end() && d < given->second.size()) {
        size = given->second[d];
        continue;
      }
      size = 1;
      report.latencyNote = "measured with each dynamic dimension 1";
    }
    smelt_model_set_input_shape(model.get(), i, shape.data(), info->rank);
    size_t bytes = smelt_model_input_bytes(model.get(), i);
    bytes = std::max<size_t>(64, (bytes + 63) / 64 * 64);
    char *buffer = static_cast<char *>(std::aligned_alloc(64, bytes));
    if (!buffer) {
      report.latencyNote = "not measured: out of memory";
      return;
    }
    std::fill(buffer, buffer + bytes, 0);
    buffers.emplace_back(buffer, &std::free);
    inputs.push_back(buffer);
  }
  smelt_model_set_threads(model.get(), 1);
  // One run warms up; the profile counts the next ones.
  if (smelt_model_run(model.get(), inputs.data(), nullptr) != SMELT_OK) {
    report.latencyNote = std::string("not measured: ") + smelt_last_error();
    return;
  }
  // Each layer's median over the runs: one slow run (another process on
  // the core) does not move it.
  size_t layers = smelt_model_profile_count(model.get());
  std::vector<std::vector<double>> samples(layers);
  for (int i = 0; i < kRuns; ++i) {
    smelt_model_profile_reset(model.get());
    smelt_model_run(model.get(), inputs.data(), nullptr);
    for (size_t l = 0; l < layers; ++l) {
      SmeltProfileEntry entry;
      smelt_model_profile_entry(model.get(), l, &entry);
      samples[l].push_back(entry.total_ms);
    }
  }
  report.latencyRuns = kRuns;
  report.latencyTotalMs = 0;
  for (size_t l = 0; l < layers; ++l) {
    SmeltProfileEntry entry;
    smelt_model_profile_entry(model.get(), l, &entry);
    std::vector<double> &times = samples[l];
    std::nth_element(times.begin(), times.begin() + times.size() / 2,
                     times.end());
    report.latency.push_back({entry.name, times[times.size() / 2]});
    report.latencyTotalMs += report.latency.back().ms;
  }
  std::stable_sort(report.latency.begin(), report.latency.end(),
                   [](const CompileReport::LayerLatency &a,
                      const CompileReport::LayerLatency &b) {
                     return a.ms > b.ms;
                   });
}
