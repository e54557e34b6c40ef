//===- Calibration.cpp - Activation ranges from sample data ---------------===//
//
// Samples -> the model instrumented (every f32 intermediate an output) ->
// compiled by the CPU target -> run through the C runtime, once for the
// ranges and, for the histogram methods, again for the histograms.
//
//===----------------------------------------------------------------------===//

#include "smelt/Calibration/Calibration.h"

#include "smelt/Import/ONNXImport.h"
#include "smelt/Runner/TensorFile.h"
#include "smelt-c/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>
#include <memory>

using namespace mlir;
using namespace smelt;

namespace {

constexpr int kHistogramBins = 2048;

using Sample = std::map<std::string, DecodedTensor>;

/// Reports progress to `callback`, or as a bar on stderr redrawn in place
/// on a terminal.
class Progress {
public:
  Progress(const ProgressCallback &callback, bool enabled, llvm::StringRef stage,
           int64_t total)
      : callback(callback), enabled(enabled), stage(stage.str()), total(total),
        terminal(llvm::sys::Process::StandardErrIsDisplayed()) {
    if (callback)
      callback(stage, 0, total);
  }
  void step(llvm::StringRef what) {
    ++done;
    if (callback) {
      callback(stage, done, total);
      return;
    }
    if (!enabled || (!terminal && done != total))
      return;
    int width = 30, filled = static_cast<int>(width * done / std::max<int64_t>(1, total));
    llvm::errs() << (terminal ? "\r" : "") << stage << " ["
                 << std::string(filled, '#') << std::string(width - filled, '.')
                 << "] " << done << "/" << total << " " << what
                 << (done == total ? "\n" : "");
    llvm::errs().flush();
  }

private:
  const ProgressCallback &callback;
  bool enabled;
  std::string stage;
  int64_t total, done = 0;
  bool terminal;
};

bool loadSampleFolder(llvm::StringRef folder, Sample &sample,
                      std::string &error) {
  std::error_code ec;
  std::vector<std::string> files;
  for (llvm::sys::fs::directory_iterator it(folder, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef path = it->path();
    if (path.ends_with(".npy") || path.ends_with(".pb"))
      files.push_back(path.str());
  }
  if (ec) {
    error = "cannot list '" + folder.str() + "': " + ec.message();
    return false;
  }
  llvm::sort(files);
  for (const std::string &file : files) {
    DecodedTensor tensor;
    if (!readTensorFile(file, tensor, error))
      return false;
    // .npy files are named by their input; a .pb names itself (or takes
    // its file's stem).
    if (llvm::StringRef(file).ends_with(".npy") || tensor.name.empty())
      tensor.name = llvm::sys::path::stem(file).str();
    sample[tensor.name] = std::move(tensor);
  }
  return true;
}

} // namespace

/// Reads the samples of `path` (see CalibrationOptions::dataPath). An .npz
/// array is cut along its first axis into pieces of the input's shape: an
/// array of N x the input's shape, or of [k * b, ...] for an input of
/// [b, ...], gives N or k samples.
static bool
loadSamples(llvm::StringRef path,
            const std::map<std::string, std::vector<int64_t>> &inputShapes,
            std::vector<Sample> &samples, std::string &error) {
  if (path.ends_with(".npz")) {
    std::vector<DecodedTensor> arrays;
    if (!readNpzFile(path, arrays, error))
      return false;
    int64_t count = -1;
    std::vector<std::pair<const DecodedTensor *, std::vector<int64_t>>> used;
    for (const DecodedTensor &array : arrays) {
      auto input = inputShapes.find(array.name);
      if (input == inputShapes.end())
        continue;
      const std::vector<int64_t> &shape = input->second;
      int64_t n = -1;
      if (array.shape == shape)
        n = 1;
      else if (array.shape.size() == shape.size() + 1 &&
               std::equal(shape.begin(), shape.end(), array.shape.begin() + 1))
        n = array.shape[0];
      else if (!shape.empty() && array.shape.size() == shape.size() &&
               shape[0] > 0 && array.shape[0] % shape[0] == 0 &&
               std::equal(shape.begin() + 1, shape.end(),
                          array.shape.begin() + 1))
        n = array.shape[0] / shape[0];
      if (n < 0) {
        std::string dims;
        for (int64_t d : shape)
          dims += (dims.empty() ? "" : "x") + std::to_string(d);
        error = "'" + path.str() + "': array '" + array.name +
                "' cannot be cut into samples of the input's shape " + dims;
        return false;
      }
      if (count >= 0 && n != count) {
        error = "'" + path.str() + "': array '" + array.name + "' holds " +
                std::to_string(n) + " samples, others " + std::to_string(count);
        return false;
      }
      count = n;
      used.push_back({&array, shape});
    }
    if (count <= 0) {
      error = "'" + path.str() + "' has no array named after an input of the "
              "model";
      return false;
    }
    samples.assign(count, Sample());
    for (auto &[array, shape] : used) {
      size_t each = array->bytes.size() / count;
      for (int64_t s = 0; s < count; ++s) {
        DecodedTensor part;
        part.name = array->name;
        part.elementType = array->elementType;
        part.shape = shape;
        part.bytes = array->bytes.substr(s * each, each);
        samples[s][array->name] = std::move(part);
      }
    }
    return true;
  }
  if (!llvm::sys::fs::is_directory(path)) {
    error = "calibration data '" + path.str() +
            "' is neither an .npz file nor a folder";
    return false;
  }
  // Subfolders are samples; files directly inside form one.
  std::error_code ec;
  std::vector<std::string> folders;
  bool hasFiles = false;
  for (llvm::sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (llvm::sys::fs::is_directory(it->path()))
      folders.push_back(it->path());
    else if (llvm::StringRef(it->path()).ends_with(".npy") ||
             llvm::StringRef(it->path()).ends_with(".pb"))
      hasFiles = true;
  }
  llvm::sort(folders);
  if (hasFiles)
    folders.insert(folders.begin(), path.str());
  for (const std::string &folder : folders) {
    Sample sample;
    if (!loadSampleFolder(folder, sample, error))
      return false;
    if (!sample.empty())
      samples.push_back(std::move(sample));
  }
  if (samples.empty()) {
    error = "calibration data '" + path.str() + "' holds no .npy or .pb files";
    return false;
  }
  return true;
}

bool smelt::calibrationInputShapes(
    llvm::StringRef path, const std::map<std::string, int64_t> &ranks,
    std::map<std::string, std::vector<int64_t>> &shapes, std::string &error) {
  if (path.ends_with(".npz")) {
    std::vector<DecodedTensor> arrays;
    if (!readNpzFile(path, arrays, error))
      return false;
    for (const DecodedTensor &array : arrays) {
      auto rank = ranks.find(array.name);
      if (rank == ranks.end())
        continue;
      int64_t r = array.shape.size();
      if (r == rank->second)
        shapes[array.name] = array.shape;
      else if (r == rank->second + 1)
        shapes[array.name].assign(array.shape.begin() + 1, array.shape.end());
      else {
        error = "'" + path.str() + "': array '" + array.name + "' has rank " +
                std::to_string(r) + "; the input has rank " +
                std::to_string(rank->second) + " (one sample) or one more "
                "(a list of samples)";
        return false;
      }
    }
    return true;
  }
  std::map<std::string, std::vector<int64_t>> none;
  std::vector<Sample> samples;
  if (!loadSamples(path, none, samples, error))
    return false;
  for (const auto &[name, tensor] : samples.front())
    if (ranks.count(name))
      shapes[name] = tensor.shape;
  return true;
}

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

struct Observed {
  TensorRange range;
  double maxAbs = 0;
  std::vector<double> histogram;
};

/// Adds every static f32 result of the entry function's top-level ops to
/// its outputs; returns who produced each, in order.
std::vector<TensorRange> instrument(func::FuncOp func) {
  std::vector<TensorRange> tensors;
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Value> results(ret.getOperands());
  // The model's f32 inputs first (their ranges set the first activations'
  // quantization), as "input" tensors named by the input.
  for (BlockArgument arg : func.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    if (!type || !name || !type.hasStaticShape() ||
        !type.getElementType().isF32() || type.getNumElements() == 0)
      continue;
    TensorRange t;
    t.node = name.str();
    t.opName = "input";
    tensors.push_back(t);
    results.push_back(arg);
  }
  for (Operation &op : body.without_terminator()) {
    if (op.getName().getStringRef() == "onnx.Constant")
      continue;
    std::string node = "?";
    if (auto name = dyn_cast<NameLoc>(op.getLoc()))
      node = name.getName().str();
    for (OpResult result : op.getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
          type.getNumElements() == 0)
        continue;
      TensorRange t;
      t.node = node;
      t.result = result.getResultNumber();
      t.opName = op.getName().getStringRef().str();
      tensors.push_back(t);
      results.push_back(result);
    }
  }
  unsigned original = ret.getNumOperands();
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  SmallVector<Type> types(func.getFunctionType().getResults());
  SmallVector<DictionaryAttr> attrs;
  for (unsigned i = 0; i < original; ++i)
    attrs.push_back(func.getResultAttrDict(i));
  for (size_t i = original; i < results.size(); ++i) {
    types.push_back(results[i].getType());
    attrs.push_back(b.getDictionaryAttr(b.getNamedAttr(
        "onnx.name", b.getStringAttr("smelt_calibration_" +
                                     std::to_string(i - original)))));
  }
  func.setFunctionType(
      FunctionType::get(func.getContext(), func.getArgumentTypes(), types));
  func.setAllResultAttrs(attrs);
  return tensors;
}

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

namespace {

using ModelHandle = std::unique_ptr<SmeltModel, void (*)(SmeltModel *)>;

/// The samples at `options.dataPath`, cut to the shapes of `func`'s inputs.
FailureOr<std::vector<Sample>> loadModelSamples(func::FuncOp func,
                                                const CalibrationOptions &options,
                                                Location loc) {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]);
    if (!name || !type)
      continue;
    if (!type.hasStaticShape())
      return emitError(loc)
             << "input '" << name.getValue()
             << "' has dynamic dimensions; give the shape of one sample "
                "with --input-shape="
             << name.getValue() << ":DIMxDIM...";
    shapes[name.str()] = std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
  }
  std::vector<Sample> samples;
  std::string error;
  if (!loadSamples(options.dataPath, shapes, samples, error))
    return emitError(loc) << error;
  return samples;
}

/// Compiles `module` (instrumented by the caller) for this CPU and loads it.
FailureOr<ModelHandle> compileAndLoad(ModuleOp module,
                                      const TargetOptions &targetOptions,
                                      Location loc) {
  const Target *cpu = lookupTarget("cpu");
  PassManager pm(module.getContext());
  cpu->buildPipeline(pm, targetOptions);
  if (failed(pm.run(module)))
    return emitError(loc) << "cannot compile the instrumented model";
  llvm::SmallString<128> library;
  int fd;
  if (auto ec = llvm::sys::fs::createTemporaryFile("smelt-calibration", "so",
                                                    fd, library))
    return emitError(loc) << "cannot create a temporary file: " << ec.message();
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  if (failed(cpu->emitArtifact(module, ArtifactKind::SharedLibrary,
                               targetOptions, library))) {
    llvm::sys::fs::remove(library);
    return failure();
  }
  SmeltModel *raw = nullptr;
  SmeltStatus status = smelt_model_load(library.c_str(), &raw);
  llvm::sys::fs::remove(library);
  if (status != SMELT_OK)
    return emitError(loc) << smelt_last_error();
  return ModelHandle(raw, smelt_model_free);
}

/// Each sample's buffers, in the model's input order, checked once.
FailureOr<std::vector<std::vector<const void *>>>
bindSamples(SmeltModel *model, const std::vector<Sample> &samples,
            Location loc) {
  size_t numInputs = smelt_model_num_inputs(model);
  std::vector<std::vector<const void *>> buffers;
  for (size_t s = 0; s < samples.size(); ++s) {
    std::vector<const void *> inputs;
    for (size_t i = 0; i < numInputs; ++i) {
      const SmeltTensorInfo *info = smelt_model_input(model, i);
      auto it = samples[s].find(info->name);
      if (it == samples[s].end())
        return emitError(loc) << "sample " << s << " has no input '"
                              << info->name << "'";
      const DecodedTensor &t = it->second;
      if (t.elementType != smelt_element_type_name(info->element_type) ||
          t.bytes.size() != info->num_bytes)
        return emitError(loc)
               << "sample " << s << ": input '" << info->name << "' holds "
               << t.bytes.size() << " bytes of " << t.elementType
               << "; the model takes " << info->num_bytes << " bytes of "
               << smelt_element_type_name(info->element_type)
               << " (fix dynamic dimensions with --input-shape)";
      inputs.push_back(t.bytes.data());
    }
    buffers.push_back(std::move(inputs));
  }
  return buffers;
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
  FailureOr<ModelHandle> model =
      compileAndLoad(*clone, options.targetOptions, loc);
  if (failed(model))
    return failure();
  FailureOr<std::vector<std::vector<const void *>>> buffers =
      bindSamples(model->get(), *samples, loc);
  if (failed(buffers))
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
    for (size_t s = 0; s < samples->size(); ++s) {
      if (smelt_model_run(model->get(), (*buffers)[s].data(), nullptr) !=
          SMELT_OK)
        return emitError(loc) << "sample " << s << ": " << smelt_last_error();
      for (size_t k = 0; k < tensors.size(); ++k) {
        const SmeltTensorInfo *info =
            smelt_model_output(model->get(), firstCalibration + k);
        const float *data = static_cast<const float *>(
            smelt_model_output_buffer(model->get(), firstCalibration + k));
        visit(observed[k], data, info->num_elements);
      }
      progress.step(histograms ? "runs (ranges, then histograms)" : "runs");
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

  FailureOr<ModelHandle> refModel =
      compileAndLoad(*ref, options.targetOptions, loc);
  if (failed(refModel))
    return failure();
  FailureOr<ModelHandle> candModel =
      compileAndLoad(*cand, options.targetOptions, loc);
  if (failed(candModel))
    return failure();
  FailureOr<std::vector<std::vector<const void *>>> refBuffers =
      bindSamples(refModel->get(), *samples, loc);
  if (failed(refBuffers))
    return failure();
  FailureOr<std::vector<std::vector<const void *>>> candBuffers =
      bindSamples(candModel->get(), *samples, loc);
  if (failed(candBuffers))
    return failure();

  // Pairs of output indices (reference, candidate) to compare.
  struct Pair {
    size_t ref, cand;
    TensorDivergence info;
    DivergenceSums sums;
    int64_t rowLength = 0;
  };
  std::vector<Pair> pairs;
  auto sameShape = [&](size_t r, size_t c) {
    const SmeltTensorInfo *a = smelt_model_output(refModel->get(), r);
    const SmeltTensorInfo *b = smelt_model_output(candModel->get(), c);
    return a->element_type == SMELT_F32 && b->element_type == SMELT_F32 &&
           a->num_elements == b->num_elements && a->num_elements > 0;
  };
  for (unsigned i = 0; i < numOutputs; ++i) {
    if (!sameShape(i, i))
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
    if (!sameShape(r, c))
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
  for (size_t s = 0; s < samples->size(); ++s) {
    if (smelt_model_run(refModel->get(), (*refBuffers)[s].data(), nullptr) !=
        SMELT_OK)
      return emitError(loc) << "sample " << s << ": " << smelt_last_error();
    for (size_t k = 0; k < pairs.size(); ++k) {
      const float *data = static_cast<const float *>(
          smelt_model_output_buffer(refModel->get(), pairs[k].ref));
      int64_t n = smelt_model_output(refModel->get(), pairs[k].ref)->num_elements;
      saved[k].assign(data, data + n);
    }
    if (smelt_model_run(candModel->get(), (*candBuffers)[s].data(),
                        nullptr) != SMELT_OK)
      return emitError(loc) << "sample " << s << ": " << smelt_last_error();
    for (size_t k = 0; k < pairs.size(); ++k) {
      const float *data = static_cast<const float *>(
          smelt_model_output_buffer(candModel->get(), pairs[k].cand));
      pairs[k].sums.add(saved[k].data(), data, saved[k].size(),
                        pairs[k].rowLength);
    }
    progress.step("samples (float and compressed)");
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
