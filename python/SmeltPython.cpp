//===- SmeltPython.cpp - The smelt Python module's native part ------------===//
//
// pybind11 over the driver API (smelt::compile) and the C runtime; the
// Python package (python/smelt) builds the user-facing API on top. The GIL
// is released while a model compiles and while it runs; progress callbacks
// take it back.
//
//===----------------------------------------------------------------------===//

#include "smelt-c/Runtime.h"
#include "smelt/Driver/Diagnostics.h"
#include "smelt/Driver/Driver.h"
#include "smelt/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassRegistry.h"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>

namespace py = pybind11;

namespace {

/// Raised with the formatted diagnostics; the Python package turns it into
/// smelt.CompileError.
struct CompileFailure {
  std::vector<std::string> diagnostics;
};

std::string shapeText(const std::vector<int64_t> &dims) {
  std::string s;
  for (int64_t d : dims)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

template <typename T>
T get(const py::dict &d, const char *key, T fallback) {
  if (!d.contains(key) || d[key].is_none())
    return fallback;
  return d[key].cast<T>();
}

std::optional<smelt::EmitKind> parseEmit(const std::string &name) {
  static const std::map<std::string, smelt::EmitKind> kinds = {
      {"mlir", smelt::EmitKind::MLIR},
      {"onnx", smelt::EmitKind::ONNX},
      {"summary", smelt::EmitKind::Summary},
      {"target-mlir", smelt::EmitKind::TargetMLIR},
      {"llvm", smelt::EmitKind::LLVMIR},
      {"obj", smelt::EmitKind::Object},
      {"lib", smelt::EmitKind::Library},
      {"calibration", smelt::EmitKind::Calibration}};
  auto it = kinds.find(name);
  if (it == kinds.end())
    return std::nullopt;
  return it->second;
}

/// Compiles as smeltc would, from a dict of options (the Python package
/// fills it), and returns (report JSON, log lines). The GIL is released
/// while it runs.
std::pair<std::string, std::vector<std::string>>
compileModel(const py::dict &opts, py::object progress) {
  smelt::CompileOptions options;
  options.inputPath = get<std::string>(opts, "input", "");
  options.outputPath = get<std::string>(opts, "output", "-");
  std::string emit = get<std::string>(opts, "emit", "lib");
  std::optional<smelt::EmitKind> kind = parseEmit(emit);
  if (!kind)
    throw py::value_error("emit='" + emit +
                          "' is not one of mlir, onnx, summary, target-mlir, "
                          "llvm, obj, lib, calibration");
  options.emit = *kind;
  options.target = get<std::string>(opts, "target", "cpu");
  options.targetOptions.cpu = get<std::string>(opts, "cpu", "native");
  options.targetOptions.optLevel = get<int>(opts, "opt_level", 2);
  options.targetOptions.externalWeights = get<bool>(opts, "external_weights", false);
  options.targetOptions.explainKernels = get<bool>(opts, "explain_kernels", false);
  options.targetOptions.profile = get<bool>(opts, "profile", false);
  int compileThreads = get<int>(opts, "compile_threads", 0);
  if (compileThreads < 0)
    throw py::value_error("compile_threads=" + std::to_string(compileThreads) +
                          " must be 0 (one per core) or more");
  options.targetOptions.compileThreads = static_cast<unsigned>(compileThreads);
  options.inputShapes =
      get<std::map<std::string, std::vector<int64_t>>>(opts, "input_shapes", {});
  options.generalCode = get<bool>(opts, "general_code", true);
  options.calibrationPath = get<std::string>(opts, "calibration", "");
  options.calibrationMethod =
      get<std::string>(opts, "calibration_method", "minmax");
  options.calibrationPercentile = get<double>(opts, "percentile", 99.99);
  options.calibrationTablePath =
      get<std::string>(opts, "calibration_table", "");
  options.quantize = get<std::string>(opts, "quantize", "");
  options.perTensorWeights = get<bool>(opts, "per_tensor_weights", false);
  options.quantizeExclude =
      get<std::vector<std::string>>(opts, "exclude", {});
  options.weightGroupSize = get<int64_t>(opts, "weight_group_size", 32);
  options.weightMethod = get<std::string>(opts, "weight_method", "rtn");
  options.measureDivergence = get<bool>(opts, "measure_divergence", true);
  for (const auto &[name, dims] : options.inputShapes)
    for (int64_t d : dims)
      if (d < 0)
        throw py::value_error("input_shapes['" + name + "'] = " +
                              shapeText(dims) + " has a negative dimension");

  // Progress goes to Python (with the GIL), which also gets to handle
  // signals: Ctrl-C or a notebook's interrupt, or an exception the
  // callback raises, cancels the compile and is raised when it returns.
  // Nothing may unwind out of this lambda: the driver is built without
  // exceptions.
  std::exception_ptr callbackError;
  bool hasCallback = !progress.is_none();
  options.progress = [&](llvm::StringRef stage, int64_t done,
                         int64_t total) noexcept {
    py::gil_scoped_acquire gil;
    if (callbackError)
      return false;
    try {
      if (PyErr_CheckSignals() != 0)
        throw py::error_already_set();
      if (hasCallback)
        progress(stage.str(), done, total);
    } catch (...) {
      callbackError = std::current_exception();
      return false;
    }
    return true;
  };
  std::vector<std::string> log;
  options.log = [&](llvm::StringRef line) { log.push_back(line.str()); };

  mlir::DialectRegistry registry;
  smelt::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  CompileFailure failure;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    // Warnings do not fail the compile: they go to the log.
    if (d.getSeverity() != mlir::DiagnosticSeverity::Error) {
      log.push_back(smelt::formatDiagnostic(d));
      return mlir::success();
    }
    failure.diagnostics.push_back(smelt::formatDiagnostic(d));
    for (mlir::Diagnostic &note : d.getNotes())
      if (!smelt::isOperationDump(note))
        failure.diagnostics.push_back(smelt::formatDiagnostic(note));
    return mlir::success();
  });
  smelt::CompileReport report;
  bool ok;
  {
    py::gil_scoped_release release;
    ok = mlir::succeeded(smelt::compile(options, context, &report));
  }
  if (callbackError)
    std::rethrow_exception(callbackError);
  if (!ok) {
    if (failure.diagnostics.empty())
      failure.diagnostics.push_back("error: the compile failed");
    throw failure;
  }
  return {smelt::formatReportJSON(report), log};
}

/// The pipelines the targets build, as registered with MLIR's pass
/// registry: name, target, description.
std::vector<std::map<std::string, std::string>> pipelines() {
  static bool once = [] {
    smelt::registerAllPasses();
    smelt::registerAllTargets();
    return true;
  }();
  (void)once;
  std::vector<std::map<std::string, std::string>> result;
  for (const std::string &target : smelt::getTargetNames()) {
    std::string name = "smelt-" + target + "-pipeline";
    if (const mlir::PassPipelineInfo *info =
            mlir::PassPipelineInfo::lookup(name))
      result.push_back({{"name", info->getPassArgument().str()},
                        {"target", target},
                        {"description", info->getPassDescription().str()}});
  }
  return result;
}

const char *numpyType(SmeltElementType type) {
  switch (type) {
  case SMELT_F32: return "float32";
  case SMELT_F64: return "float64";
  case SMELT_F16: return "float16";
  case SMELT_BF16: return "uint16"; // bit patterns; NumPy has no bfloat16
  case SMELT_I8: return "int8";
  case SMELT_I16: return "int16";
  case SMELT_I32: return "int32";
  case SMELT_I64: return "int64";
  case SMELT_U8: return "uint8";
  case SMELT_U16: return "uint16";
  case SMELT_U32: return "uint32";
  case SMELT_U64: return "uint64";
  case SMELT_BOOL: return "bool";
  }
  return "uint8";
}

/// A loaded model: the runtime's SmeltModel, one run at a time.
class Model {
public:
  explicit Model(const std::string &path) {
    if (smelt_model_load(path.c_str(), &model) != SMELT_OK)
      throw py::value_error(smelt_last_error());
  }
  ~Model() { smelt_model_free(model); }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  py::list describe(bool inputs) const {
    py::list result;
    size_t n = inputs ? smelt_model_num_inputs(model)
                      : smelt_model_num_outputs(model);
    for (size_t i = 0; i < n; ++i) {
      const SmeltTensorInfo *info =
          inputs ? smelt_model_input(model, i) : smelt_model_output(model, i);
      py::tuple shape(info->rank);
      for (int32_t d = 0; d < info->rank; ++d)
        shape[d] = info->shape[d];
      result.append(py::make_tuple(info->name, numpyType(info->element_type),
                                   shape,
                                   smelt_element_type_name(info->element_type)));
    }
    return result;
  }

  /// Runs on arrays already of each input's dtype, C-contiguous (the Python
  /// package converts and checks them with the input's name). Their shapes
  /// are this run's: dynamic dimensions take theirs, fixed ones must agree.
  py::list run(const std::vector<py::array> &inputs) {
    size_t numInputs = smelt_model_num_inputs(model);
    if (inputs.size() != numInputs)
      throw py::value_error("the model takes " + std::to_string(numInputs) +
                            " inputs, got " + std::to_string(inputs.size()));
    std::vector<std::vector<int64_t>> shapes;
    std::vector<const void *> in;
    for (size_t i = 0; i < numInputs; ++i) {
      const py::array &a = inputs[i];
      if (!(a.flags() & py::array::c_style))
        throw py::value_error(std::string("input '") +
                              smelt_model_input(model, i)->name +
                              "' is not C-contiguous");
      shapes.emplace_back(a.shape(), a.shape() + a.ndim());
      in.push_back(a.data());
    }
    py::list results;
    std::vector<void *> out;
    SmeltStatus status = SMELT_OK;
    {
      // The model's shapes and workspace are one call's: the lock covers
      // setting the shapes, sizing the outputs and the run. It is taken
      // without the GIL, so that a thread waiting for it never holds the
      // GIL the running one needs for its outputs.
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex);
      for (size_t i = 0; i < numInputs && status == SMELT_OK; ++i)
        status = smelt_model_set_input_shape(
            model, i, shapes[i].data(), static_cast<int32_t>(shapes[i].size()));
      if (status != SMELT_OK) {
        py::gil_scoped_acquire acquire;
        throw py::value_error(smelt_last_error());
      }
      {
        py::gil_scoped_acquire acquire;
        for (size_t i = 0; i < smelt_model_num_outputs(model); ++i) {
          const SmeltTensorInfo *info = smelt_model_output(model, i);
          const int64_t *dims = smelt_model_output_shape(model, i);
          std::vector<py::ssize_t> shape(dims, dims + info->rank);
          py::array a(py::dtype(numpyType(info->element_type)), shape);
          out.push_back(a.mutable_data());
          results.append(a);
        }
      }
      status = smelt_model_run(model, in.data(), out.data());
    }
    if (status != SMELT_OK)
      throw std::runtime_error(smelt_last_error());
    return results;
  }

  void setThreads(int threads) {
    if (smelt_model_set_threads(model, threads) != SMELT_OK)
      throw py::value_error(smelt_last_error());
  }
  bool isParallel() const { return smelt_model_is_parallel(model) != 0; }

  size_t profileCount() const { return smelt_model_profile_count(model); }
  /// (runs timed, [(layer, total ms)]) since the load or the last reset.
  py::tuple profile() {
    std::lock_guard<std::mutex> lock(mutex);
    py::list layers;
    for (size_t i = 0; i < smelt_model_profile_count(model); ++i) {
      SmeltProfileEntry entry;
      smelt_model_profile_entry(model, i, &entry);
      layers.append(py::make_tuple(entry.name, entry.total_ms));
    }
    return py::make_tuple(smelt_model_profile_runs(model), layers);
  }
  void resetProfile() {
    std::lock_guard<std::mutex> lock(mutex);
    smelt_model_profile_reset(model);
  }

private:
  SmeltModel *model = nullptr;
  std::mutex mutex;
};

} // namespace

PYBIND11_MODULE(_smelt, m) {
  m.doc() = "Smelt's native layer: the driver API and the C runtime";
  static py::exception<CompileFailure> compileError(m, "NativeCompileError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const CompileFailure &f) {
      py::list diagnostics;
      for (const std::string &d : f.diagnostics)
        diagnostics.append(d);
      PyErr_SetObject(compileError.ptr(), diagnostics.ptr());
    }
  });
  m.def("compile", &compileModel, py::arg("options"),
        py::arg("progress") = py::none(),
        "Compiles as smeltc does; returns (report JSON, log lines)");
  m.def("pipelines", &pipelines, "The registered target pipelines");
  m.def(
      "targets",
      [] {
        smelt::registerAllTargets();
        return smelt::getTargetNames();
      },
      "The code-generation targets");
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &>(), py::arg("path"))
      .def("inputs", [](const Model &self) { return self.describe(true); })
      .def("outputs", [](const Model &self) { return self.describe(false); })
      .def("run", &Model::run, py::arg("inputs"))
      .def("set_threads", &Model::setThreads, py::arg("threads"))
      .def("is_parallel", &Model::isParallel)
      .def("profile_count", &Model::profileCount)
      .def("profile", &Model::profile)
      .def("reset_profile", &Model::resetProfile);
}
