//===- CPUModelExecutor.cpp - Running a module on this CPU ----------------===//
//
// Samples read once and cut to the model's input shapes (or, where those
// are open, to the data's, with the module specialized to them); the module
// compiled by the CPU target into a temporary library, loaded through the
// C runtime (which keeps no file open), with each sample's buffers bound to
// its inputs once.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/CPUModelExecutor.h"
#include "smelt/Import/SpecializeShapes.h"
#include "smelt/Target/CPU/CPUTarget.h"

#include "smelt/Runner/TensorFile.h"
#include "smelt-c/Runtime.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <cstring>
#include <set>

using namespace mlir;
using namespace smelt;

namespace {

using Sample = std::map<std::string, DecodedTensor>;

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

/// Reads the samples of `path` (see ModelExecutor::readSamples). An .npz
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
      std::string inputs, found;
      for (const auto &input : inputShapes)
        inputs += (inputs.empty() ? "'" : ", '") + input.first + "'";
      for (const DecodedTensor &array : arrays)
        found += (found.empty() ? "'" : ", '") + array.name + "'";
      error = "'" + path.str() + "' has no array named after an input of the "
              "model (inputs: " + inputs + "; arrays: " +
              (found.empty() ? "none" : found) + ")";
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

namespace {

/// Reads the samples at `dataPath` for `func`'s inputs into `samples`, and
/// the shapes they are cut to into `shapes`: an input's static shape, or,
/// where it has dynamic dimensions, the shape of one sample in the data.
LogicalResult
loadModelSamples(func::FuncOp func, llvm::StringRef dataPath, Location loc,
                 std::vector<Sample> &samples,
                 std::map<std::string, std::vector<int64_t>> &shapes) {
  std::set<std::string> floatInputs;
  std::map<std::string, int64_t> openRanks;
  std::map<std::string, RankedTensorType> open;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto name = func.getArgAttrOfType<StringAttr>(i, "onnx.name");
    auto type = dyn_cast<RankedTensorType>(func.getArgumentTypes()[i]);
    if (!name || !type)
      continue;
    if (type.getElementType().isF32())
      floatInputs.insert(name.str());
    if (type.hasStaticShape()) {
      shapes[name.str()].assign(type.getShape().begin(), type.getShape().end());
      continue;
    }
    openRanks[name.str()] = type.getRank();
    open[name.str()] = type;
  }
  std::string error;
  if (!open.empty()) {
    std::map<std::string, std::vector<int64_t>> found;
    if (!calibrationInputShapes(dataPath, openRanks, found, error))
      return emitError(loc) << error;
    for (const auto &[name, type] : open) {
      auto it = found.find(name);
      if (it == found.end()) {
        // The data has nothing for it: reading the samples says so (with
        // the names it has), as for a static input.
        std::vector<int64_t> &dims = shapes[name];
        for (int64_t d : type.getShape())
          dims.push_back(ShapedType::isDynamic(d) ? 1 : d);
        continue;
      }
      bool fits = it->second.size() == static_cast<size_t>(type.getRank());
      for (int64_t i = 0; fits && i < type.getRank(); ++i)
        fits = type.isDynamicDim(i) || type.getDimSize(i) == it->second[i];
      if (!fits)
        return emitError(loc)
               << "'" << dataPath << "' holds samples of input '" << name
               << "' that do not fit its type " << type;
      shapes[name] = it->second;
    }
  }
  if (!loadSamples(dataPath, shapes, samples, error))
    return emitError(loc) << error;
  // Double-precision samples for a float input (NumPy's default type) are
  // rounded to float, as the model would see them.
  for (Sample &sample : samples)
    for (auto &[name, tensor] : sample) {
      if (tensor.elementType != "f64" || !floatInputs.count(name))
        continue;
      size_t n = tensor.bytes.size() / sizeof(double);
      std::string narrowed(n * sizeof(float), '\0');
      for (size_t k = 0; k < n; ++k) {
        double x;
        std::memcpy(&x, tensor.bytes.data() + k * sizeof(double), sizeof x);
        float y = static_cast<float>(x);
        std::memcpy(narrowed.data() + k * sizeof(float), &y, sizeof y);
      }
      tensor.bytes = std::move(narrowed);
      tensor.elementType = "f32";
    }
  return success();
}

using ModelHandle = std::unique_ptr<SmeltModel, void (*)(SmeltModel *)>;

/// Compiles `module` for this CPU and loads it.
FailureOr<ModelHandle> compileAndLoad(ModuleOp module,
                                      const TargetOptions &targetOptions,
                                      Location loc) {
  const Target *cpu = &getCPUTarget();
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
               << (t.elementType == smelt_element_type_name(info->element_type)
                       ? " (every sample must have the shape the model was "
                         "calibrated for: the first sample's)"
                       : "");
      inputs.push_back(t.bytes.data());
    }
    buffers.push_back(std::move(inputs));
  }
  return buffers;
}

class CPUSampleSet : public SampleSet {
public:
  size_t size() const override { return samples.size(); }
  std::vector<Sample> samples;
  /// Each input's shape in every sample.
  std::map<std::string, std::vector<int64_t>> shapes;
};

class CPULoadedModel : public LoadedModel {
public:
  CPULoadedModel(ModelHandle model, std::vector<std::vector<const void *>> buffers)
      : model(std::move(model)), buffers(std::move(buffers)) {
    for (size_t i = 0; i < smelt_model_num_outputs(this->model.get()); ++i) {
      const SmeltTensorInfo *info = smelt_model_output(this->model.get(), i);
      shapes.emplace_back(info->shape, info->shape + info->rank);
    }
  }
  LogicalResult run(size_t index, Location loc) override {
    if (smelt_model_run(model.get(), buffers[index].data(), nullptr) != SMELT_OK)
      return emitError(loc) << "sample " << index << ": " << smelt_last_error();
    return success();
  }
  size_t numOutputs() const override { return shapes.size(); }
  OutputTensor output(size_t index) const override {
    const SmeltTensorInfo *info = smelt_model_output(model.get(), index);
    OutputTensor out;
    out.isF32 = info->element_type == SMELT_F32;
    out.shape = shapes[index];
    out.numElements = info->num_elements;
    out.data = smelt_model_output_buffer(model.get(), index);
    return out;
  }

private:
  ModelHandle model;
  std::vector<std::vector<const void *>> buffers;
  std::vector<std::vector<int64_t>> shapes;
};

class CPUModelExecutor : public ModelExecutor {
public:
  explicit CPUModelExecutor(TargetOptions options) : options(std::move(options)) {}

  FailureOr<std::unique_ptr<SampleSet>>
  readSamples(llvm::StringRef path, func::FuncOp entry,
              Location loc) const override {
    auto samples = std::make_unique<CPUSampleSet>();
    if (failed(loadModelSamples(entry, path, loc, samples->samples,
                                samples->shapes)))
      return failure();
    return std::unique_ptr<SampleSet>(std::move(samples));
  }

  /// A module with dimensions open runs at the samples' shapes: it is
  /// specialized to them first (the samples may come from a model with a
  /// dynamic batch, or from data shaped unlike `--input-shape`).
  FailureOr<std::unique_ptr<LoadedModel>>
  load(OwningOpRef<ModuleOp> module, const SampleSet &samples,
       Location loc) const override {
    const auto &set = static_cast<const CPUSampleSet &>(samples);
    if (failed(specializeShapes(*module, set.shapes)))
      return failure();
    FailureOr<ModelHandle> model = compileAndLoad(*module, options, loc);
    if (failed(model))
      return failure();
    FailureOr<std::vector<std::vector<const void *>>> buffers =
        bindSamples(model->get(), set.samples, loc);
    if (failed(buffers))
      return failure();
    return std::unique_ptr<LoadedModel>(
        std::make_unique<CPULoadedModel>(std::move(*model), std::move(*buffers)));
  }

private:
  TargetOptions options;
};

} // namespace

std::unique_ptr<ModelExecutor>
smelt::createCPUModelExecutor(const TargetOptions &options) {
  return std::make_unique<CPUModelExecutor>(options);
}

void smelt::registerCPUModelExecutor() {
  registerModelExecutor("cpu", [] { return createCPUModelExecutor(); });
}
