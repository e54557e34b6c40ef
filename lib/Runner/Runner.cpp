//===- Runner.cpp - What smelt-run does, as a library ----------------------===//

#include "smelt/Runner/Runner.h"

#include "smelt/Runner/TensorFile.h"
#include "smelt-c/Runtime.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>

using namespace smelt;

namespace {

std::string describeShape(const int64_t *dims, size_t rank) {
  std::string s = "[";
  for (size_t i = 0; i < rank; ++i)
    s += (i ? ", " : "") + (dims[i] < 0 ? "?" : std::to_string(dims[i]));
  return s + "]";
}

/// Each layer's share of the timed runs, slowest first, and how much of
/// the whole run the layers cover.
void printProfile(const SmeltModel *model, const std::vector<double> &times,
                  llvm::raw_ostream &outs) {
  int64_t runs = std::max<int64_t>(smelt_model_profile_runs(model), 1);
  std::vector<SmeltProfileEntry> layers(smelt_model_profile_count(model));
  double layersMs = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    smelt_model_profile_entry(model, i, &layers[i]);
    layersMs += layers[i].total_ms / runs;
  }
  std::stable_sort(layers.begin(), layers.end(),
                   [](const SmeltProfileEntry &a, const SmeltProfileEntry &b) {
                     return a.total_ms > b.total_ms;
                   });
  double wholeMs = 0;
  for (double t : times)
    wholeMs += t / times.size();
  size_t width = 5;
  for (const SmeltProfileEntry &layer : layers)
    width = std::max(width, llvm::StringRef(layer.name).size());
  outs << llvm::left_justify("layer", width)
       << llvm::formatv(" {0,10} {1,7}\n", "ms/run", "share");
  for (const SmeltProfileEntry &layer : layers) {
    double ms = layer.total_ms / runs;
    outs << llvm::left_justify(layer.name, width)
         << llvm::formatv(" {0,10:f4} {1,6:f1}%\n", ms,
                          layersMs > 0 ? 100 * ms / layersMs : 0.0);
  }
  outs << llvm::formatv("{0} layers: {1:f3} ms/run of {2:f3} ms/run measured "
                        "around the calls ({3} runs)\n",
                        layers.size(), layersMs, wholeMs, runs);
}

struct ModelDeleter {
  void operator()(SmeltModel *model) const { smelt_model_free(model); }
};

} // namespace

int smelt::runModel(const RunOptions &options, llvm::raw_ostream &outs,
                    llvm::raw_ostream &errs) {
  auto fail = [&](const llvm::Twine &message) {
    errs << "smelt-run: error: " << message << "\n";
    return 1;
  };
  SmeltModel *raw = nullptr;
  if (smelt_model_load(options.modelPath.c_str(), &raw) != SMELT_OK)
    return fail(smelt_last_error());
  std::unique_ptr<SmeltModel, ModelDeleter> model(raw);

  size_t numInputs = smelt_model_num_inputs(model.get());
  std::vector<DecodedTensor> inputs(numInputs);
  std::vector<bool> given(numInputs, false);
  size_t nextPositional = 0;
  for (const std::string &spec : options.inputs) {
    llvm::StringRef text(spec);
    int64_t index;
    llvm::StringRef file;
    if (text.contains('=')) {
      auto [name, path] = text.split('=');
      index = smelt_model_find_input(model.get(), name.str().c_str());
      if (index < 0) {
        std::string known;
        for (size_t i = 0; i < numInputs; ++i)
          known += (i ? ", " : "") +
                   std::string(smelt_model_input(model.get(), i)->name);
        return fail("the model has no input '" + name + "' (inputs: " +
                    known + ")");
      }
      file = path;
    } else {
      while (nextPositional < numInputs && given[nextPositional])
        ++nextPositional;
      if (nextPositional >= numInputs)
        return fail("more input files than the model has inputs (" +
                    llvm::Twine(numInputs) + ")");
      index = static_cast<int64_t>(nextPositional);
      file = text;
    }
    std::string error;
    if (!readTensorFile(file, inputs[index], error))
      return fail(error);
    const SmeltTensorInfo *info = smelt_model_input(model.get(), index);
    DecodedTensor &tensor = inputs[index];
    std::string expectedType = smelt_element_type_name(info->element_type);
    // NumPy has no bfloat16: like ONNX's own test data, bf16 tensors travel
    // as their uint16 bit patterns.
    if (expectedType == "bf16" && tensor.elementType == "u16")
      tensor.elementType = "bf16";
    if (tensor.elementType != expectedType)
      return fail("input '" + llvm::Twine(info->name) + "' wants " +
                  expectedType + " elements but '" + file + "' holds " +
                  tensor.elementType);
    // The file's shape is the input's for this run: dynamic dimensions
    // take its sizes, fixed ones must agree.
    if (tensor.shape.size() != static_cast<size_t>(info->rank) ||
        smelt_model_set_input_shape(model.get(), index, tensor.shape.data(),
                                    info->rank) != SMELT_OK)
      return fail("input '" + llvm::Twine(info->name) + "' has shape " +
                  describeShape(info->shape, info->rank) + " but '" + file +
                  "' holds " +
                  describeShape(tensor.shape.data(), tensor.shape.size()));
    given[index] = true;
  }
  for (size_t i = 0; i < numInputs; ++i)
    if (!given[i])
      return fail("no file for input '" +
                  llvm::Twine(smelt_model_input(model.get(), i)->name) +
                  "' (pass --input NAME=FILE)");

  // Inputs are copied into 64-byte aligned buffers: compiled code may
  // vectorize on that alignment.
  std::vector<std::unique_ptr<char, decltype(&std::free)>> inputBuffers;
  std::vector<const void *> inputPointers;
  for (const DecodedTensor &tensor : inputs) {
    size_t bytes = std::max<size_t>(64, (tensor.bytes.size() + 63) / 64 * 64);
    char *buffer = static_cast<char *>(std::aligned_alloc(64, bytes));
    if (!buffer)
      return fail("out of memory");
    std::copy(tensor.bytes.begin(), tensor.bytes.end(), buffer);
    inputBuffers.emplace_back(buffer, &std::free);
    inputPointers.push_back(buffer);
  }

  smelt_model_set_threads(model.get(), options.threads);
  if (smelt_model_run(model.get(), inputPointers.data(), nullptr) != SMELT_OK)
    return fail(smelt_last_error());

  if (options.profile && smelt_model_profile_count(model.get()) == 0)
    return fail("'" + options.modelPath +
                "' times no layers: compile it with smeltc --profile");
  // The first run (above) warms up; the profile counts the timed ones.
  smelt_model_profile_reset(model.get());
  int runs = options.benchRuns > 0 ? options.benchRuns
             : options.profile    ? kProfileRuns
                                  : 0;
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    smelt_model_run(model.get(), inputPointers.data(), nullptr);
    auto end = std::chrono::steady_clock::now();
    times.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  if (options.benchRuns > 0) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    outs << llvm::formatv("median {0:f3} ms  min {1:f3} ms  ({2} runs)\n",
                          sorted[sorted.size() / 2], sorted.front(),
                          sorted.size());
  }
  if (options.profile)
    printProfile(model.get(), times, outs);

  if (options.outputDir.empty())
    return 0;
  if (auto ec = llvm::sys::fs::create_directories(options.outputDir))
    return fail("cannot create '" + options.outputDir + "': " + ec.message());
  for (size_t o = 0; o < smelt_model_num_outputs(model.get()); ++o) {
    const SmeltTensorInfo *info = smelt_model_output(model.get(), o);
    DecodedTensor tensor;
    tensor.name = info->name;
    tensor.elementType = smelt_element_type_name(info->element_type);
    const int64_t *shape = smelt_model_output_shape(model.get(), o);
    tensor.shape.assign(shape, shape + info->rank);
    const char *data = static_cast<const char *>(
        smelt_model_output_buffer(model.get(), o));
    tensor.bytes.assign(data, data + smelt_model_output_bytes(model.get(), o));
    // Output names may hold characters a file name cannot.
    std::string fileName;
    for (char c : tensor.name)
      fileName += (c == '/' || c == '\\') ? '_' : c;
    llvm::SmallString<256> path(options.outputDir);
    llvm::sys::path::append(path, fileName + ".npy");
    std::string error;
    if (!writeNpyFile(path, tensor, error))
      return fail(error);
  }
  return 0;
}
