"""Smelt, the model compression compiler, from Python.

    import smelt
    model = smelt.compile("model.onnx", quantize="int8",
                          calibration=[{"x": x} for x in samples],
                          input_shapes={"x": (1, 3, 224, 224)})
    y = model(x)["y"]          # outputs by name, as NumPy arrays
    model.report               # what compression cost, as a dict
    model                      # in a notebook: the report, rendered
    model.save("model.so")
    again = smelt.load("model.so")

The module wraps Smelt's driver API (what `smeltc` runs) and its C runtime;
it holds no MLIR objects. Compiling and running release the GIL.
"""

import collections
import collections.abc
import json
import os
import shutil
import tempfile
import time
import weakref

import numpy as np

from . import _smelt
from ._progress import ProgressBar
from ._report import report_html, report_text

__all__ = [
    "CompileError",
    "CompiledModel",
    "TensorInfo",
    "compile",
    "import_onnx",
    "load",
    "pipelines",
    "targets",
    "ProgressBar",
    "QUANTIZE_MODES",
]

QUANTIZE_MODES = ("int8", "int8-dynamic", "int8-weights", "int4-weights")
CALIBRATION_METHODS = ("minmax", "percentile", "entropy", "mse")


class CompileError(Exception):
    """A model did not compile. `diagnostics` holds Smelt's messages, each
    naming the file and, where there is one, the ONNX node."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(self.diagnostics))


TensorInfo = collections.namedtuple("TensorInfo", "name dtype shape element_type")
TensorInfo.__doc__ = """An input or output: its name, NumPy dtype, shape (None
for a dimension the library takes at run time, a dynamic batch say) and
Smelt's element type name (bf16 travels as uint16 bit patterns)."""


# Options compile() passes to the driver, beyond its named arguments.
_OPTIONS = {
    "input_shapes": "code specialized for these sizes of dynamic "
                    "dimensions: {name: (dims...)}",
    "general_code": "with input_shapes on dynamic dimensions, also the "
                    "code for any other size (default True; False: one "
                    "compile, only those shapes)",
    "calibration_method": "minmax, percentile, entropy or mse",
    "percentile": "the percentile of |x| kept by calibration_method='percentile'",
    "calibration_table": "static int8 from a calibration table (JSON, as "
                         "smeltc --emit=calibration writes it) instead of "
                         "running the model on calibration data",
    "per_tensor_weights": "one weight scale per tensor instead of per channel",
    "exclude": "node names or op types kept in float",
    "weight_group_size": "weight-only: weights per scale (0: per output channel)",
    "weight_method": "weight-only: 'rtn' or 'gptq' (needs calibration)",
    "cpu": "'native', or an LLVM CPU name such as 'x86-64'",
    "opt_level": "0 to 3",
    "explain_kernels": "say in report['log'] which layers run without a "
                       "vector kernel, and why (one line per node)",
    "profile": "time each layer's kernels at every run (CompiledModel.profile())",
    "compile_threads": "threads that optimize and compile the generated code "
                       "(0: one per core)",
    "measure_divergence": "compare every layer with the float model on the "
                          "calibration data (default True)",
    "progress": "True (a bar in notebooks and terminals), False, or a "
                "callable(stage, done, total)",
    "threads": "threads the compiled model runs on (0: OpenMP's default)",
}


def _write_model(model, folder, shown):
    """The model as a file path: paths pass through; bytes and
    onnx.ModelProto are written into `folder` (`shown` maps the file to
    what diagnostics call it)."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if isinstance(model, (bytes, bytearray, memoryview)):
        data = bytes(model)
        name = "<model bytes>"
    elif hasattr(model, "SerializeToString"):
        data = model.SerializeToString()
        graph = getattr(getattr(model, "graph", None), "name", "")
        name = "<onnx.ModelProto %s>" % graph if graph else "<onnx.ModelProto>"
    else:
        raise TypeError(
            "model must be a path, bytes or an onnx.ModelProto, not %s"
            % type(model).__name__)
    path = os.path.join(folder, "model.onnx")
    with open(path, "wb") as f:
        f.write(data)
    shown[path] = name
    return path


def _write_calibration(calibration, folder, shown):
    """Calibration data as the driver reads it: a path passes through; an
    iterable of {input name: array} becomes one .npz whose arrays stack the
    samples along a new first axis (every sample has the same inputs and
    shapes: the model is calibrated for one shape)."""
    if calibration is None:
        return ""
    if isinstance(calibration, (str, os.PathLike)):
        return os.fspath(calibration)
    if isinstance(calibration, collections.abc.Mapping):
        raise TypeError(
            "calibration must be an iterable of samples, each a dict of "
            "arrays by input name (wrap one sample in a list: [sample])")
    columns = {}
    count = 0
    for index, sample in enumerate(calibration):
        if not isinstance(sample, collections.abc.Mapping):
            raise TypeError("calibration sample %d is a %s, not a dict of "
                            "arrays by input name" % (index, type(sample).__name__))
        arrays = {str(name): np.asarray(value) for name, value in sample.items()}
        if index == 0:
            columns = {name: [array] for name, array in arrays.items()}
        else:
            if set(arrays) != set(columns):
                raise ValueError("calibration sample %d has inputs %s; sample 0 has %s"
                                 % (index, sorted(arrays), sorted(columns)))
            for name, array in arrays.items():
                first = columns[name][0]
                if array.shape != first.shape:
                    raise ValueError(
                        "calibration sample %d: input %r has shape %s; sample 0's "
                        "is %s (the model is calibrated for one shape)"
                        % (index, name, array.shape, first.shape))
                columns[name].append(array)
        count += 1
    if count == 0:
        raise ValueError("calibration holds no samples")
    path = os.path.join(folder, "calibration.npz")
    np.savez(path, **{name: np.stack(arrays) for name, arrays in columns.items()})
    shown[path] = "<calibration samples>"
    return path


def _progress_callback(progress):
    if progress is True:
        return ProgressBar()
    if progress is False or progress is None:
        return None
    if callable(progress):
        return progress
    raise TypeError("progress must be True, False or a callable(stage, done, "
                    "total), not %r" % (progress,))


def _driver_options(options):
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(
            "unknown option%s %s; compile() takes: %s"
            % ("s" if len(unknown) > 1 else "", ", ".join(unknown),
               ", ".join(sorted(_OPTIONS))))
    shapes = {}
    for name, dims in (options.get("input_shapes") or {}).items():
        try:
            shapes[str(name)] = [int(d) for d in dims]
        except (TypeError, ValueError):
            raise TypeError("input_shapes[%r] must be a sequence of ints, not %r"
                            % (name, dims)) from None
    method = options.get("calibration_method", "minmax")
    if method not in CALIBRATION_METHODS:
        raise ValueError("calibration_method=%r is not one of %s"
                         % (method, ", ".join(CALIBRATION_METHODS)))
    exclude = options.get("exclude", ())
    if isinstance(exclude, str):
        exclude = [exclude]
    return {
        "input_shapes": shapes,
        "general_code": bool(options.get("general_code", True)),
        "calibration_method": method,
        "percentile": float(options.get("percentile", 99.99)),
        "calibration_table": os.fspath(options.get("calibration_table", "")),
        "per_tensor_weights": bool(options.get("per_tensor_weights", False)),
        "exclude": [str(e) for e in exclude],
        "weight_group_size": int(options.get("weight_group_size", 32)),
        "weight_method": str(options.get("weight_method", "rtn")),
        "cpu": str(options.get("cpu", "native")),
        "opt_level": int(options.get("opt_level", 2)),
        "explain_kernels": bool(options.get("explain_kernels", False)),
        "profile": bool(options.get("profile", False)),
        "compile_threads": int(options.get("compile_threads", 0)),
        "measure_divergence": bool(options.get("measure_divergence", True)),
    }


def _run_driver(options, progress, shown):
    try:
        return _smelt.compile(options, progress)
    except _smelt.NativeCompileError as e:
        diagnostics = list(e.args[0])
        # Files written here are named as the caller knows them.
        for path, name in shown.items():
            diagnostics = [d.replace(path, name) for d in diagnostics]
        raise CompileError(diagnostics) from None


def compile(model, target="cpu", quantize=None, prune=None, calibration=None,
            **options):
    """Compiles an ONNX model for `target` and loads it.

    model        a path (.onnx, .onnxtext), the model's bytes, or an
                 onnx.ModelProto
    quantize     None, or one of QUANTIZE_MODES: "int8" (static, needs
                 calibration), "int8-dynamic", "int8-weights", "int4-weights"
    prune        must be None until pruning lands in Smelt
    calibration  an iterable of samples, each a dict {input name: array},
                 or a path to an .npz file or a folder of samples
    options      input_shapes, general_code, calibration_method, percentile,
                 per_tensor_weights, exclude, weight_group_size,
                 weight_method, cpu, opt_level, explain_kernels, profile,
                 compile_threads, measure_divergence, progress, threads

    Returns a CompiledModel. Raises CompileError with Smelt's diagnostics
    when the model does not compile.
    """
    if prune is not None:
        # The argument is part of the API; the pass behind it is not.
        raise ValueError("prune=%r: Smelt does not prune yet (pruning has "
                         "not landed); leave prune=None" % (prune,))
    if quantize is not None and quantize not in QUANTIZE_MODES:
        raise ValueError("quantize=%r is not one of %s"
                         % (quantize, ", ".join(QUANTIZE_MODES)))
    progress = _progress_callback(options.pop("progress", True))
    threads = options.pop("threads", None)
    driver = _driver_options(options)
    folder = tempfile.mkdtemp(prefix="smelt-")
    shown = {}
    try:
        driver.update({
            "input": _write_model(model, folder, shown),
            "calibration": _write_calibration(calibration, folder, shown),
            "output": os.path.join(folder, "model.so"),
            "emit": "lib",
            "target": str(target),
            "quantize": quantize or "",
        })
        if driver["calibration"] and not quantize:
            raise ValueError("calibration data is for quantize='int8' (or "
                             "weight_method='gptq'); pass quantize=")
        report_json, log = _run_driver(driver, progress, shown)
        report = json.loads(report_json)
        report["model"] = shown.get(report.get("model"), report.get("model"))
        report["log"] = log
        compiled = CompiledModel(driver["output"], report, _owned=folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # The model's and the samples' copies were only needed to compile.
    for written in shown:
        os.remove(written)
    if threads is not None:
        compiled.threads = threads
    return compiled


def import_onnx(model, input_shapes=None):
    """The model imported into Smelt's onnx dialect, as MLIR text (what
    `smeltc --emit=mlir` writes)."""
    folder = tempfile.mkdtemp(prefix="smelt-")
    shown = {}
    try:
        options = _driver_options({"input_shapes": input_shapes or {}})
        options.update({"input": _write_model(model, folder, shown),
                        "output": os.path.join(folder, "model.mlir"),
                        "emit": "mlir",
                        "measure_divergence": False})
        _run_driver(options, None, shown)
        with open(options["output"], encoding="utf-8") as f:
            return f.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pipelines():
    """The registered target pipelines: [{'name', 'target', 'description'}]."""
    return _smelt.pipelines()


def targets():
    """The code-generation targets compile() takes."""
    return list(_smelt.targets())


def _report_path(library):
    return os.path.splitext(library)[0] + ".report.json"


class CompiledModel:
    """A compiled model, loaded and ready to run.

    model(x)                    positional inputs, in model.inputs' order; a
                                dimension None in model.inputs takes any size
    model(pixels=x)             or by name; either way a dict of outputs
    model.inputs, model.outputs TensorInfo(name, dtype, shape, element_type)
    model.report                the compile report (a dict)
    model.threads = 2           threads for the parallel kernels
    model.profile(x)            each layer's time (compiled with profile=True)
    model.save(path)            the library (and its report beside it)
    """

    def __init__(self, library, report=None, _owned=None):
        self._library = os.path.abspath(os.fspath(library))
        self._native = _smelt.Model(self._library)
        def shape(dims):
            return tuple(None if d < 0 else d for d in dims)
        self.inputs = [TensorInfo(n, np.dtype(d), shape(s), e)
                       for n, d, s, e in self._native.inputs()]
        self.outputs = [TensorInfo(n, np.dtype(d), shape(s), e)
                        for n, d, s, e in self._native.outputs()]
        self.report = report if report is not None else {}
        self._threads = 0
        if _owned:
            # The library lives as long as the model.
            self._cleanup = weakref.finalize(self, shutil.rmtree, _owned, True)

    @property
    def library(self):
        """The compiled shared library's path."""
        return self._library

    @property
    def threads(self):
        return self._threads

    @threads.setter
    def threads(self, count):
        count = int(count)
        if count < 0:
            raise ValueError("threads must be 0 (OpenMP's default) or more")
        self._native.set_threads(count)
        self._threads = count

    def _feeds(self, args, kwargs):
        if len(args) > len(self.inputs):
            raise TypeError("the model takes %d inputs (%s), got %d positional"
                            % (len(self.inputs),
                               ", ".join(i.name for i in self.inputs), len(args)))
        values = {}
        for info, value in zip(self.inputs, args):
            values[info.name] = value
        names = {i.name for i in self.inputs}
        for name, value in kwargs.items():
            if name not in names:
                raise TypeError("the model has no input %r (inputs: %s)"
                                % (name, ", ".join(i.name for i in self.inputs)))
            if name in values:
                raise TypeError("input %r given twice" % name)
            values[name] = value
        missing = [i.name for i in self.inputs if i.name not in values]
        if missing:
            raise TypeError("missing input%s: %s" % ("s" if len(missing) > 1 else "",
                                                     ", ".join(missing)))
        feeds = []
        for info in self.inputs:
            array = np.asarray(values[info.name])
            if array.dtype != info.dtype:
                if not np.can_cast(array.dtype, info.dtype, casting="same_kind"):
                    raise TypeError("input %r takes %s, got %s"
                                    % (info.name, info.dtype, array.dtype))
                array = array.astype(info.dtype)
            if len(array.shape) != len(info.shape) or any(
                    d is not None and d != a for d, a in zip(info.shape, array.shape)):
                raise ValueError("input %r takes shape %s, got %s (compile with "
                                 "input_shapes={%r: ...} for another shape)"
                                 % (info.name, info.shape, array.shape, info.name))
            feeds.append(np.ascontiguousarray(array))
        return feeds

    def __call__(self, *args, **kwargs):
        results = self._native.run(self._feeds(args, kwargs))
        return {info.name: r for info, r in zip(self.outputs, results)}

    def benchmark(self, *args, runs=50, warmup=3, **kwargs):
        """Times `runs` calls on these inputs: {'median_ms', 'min_ms', 'runs'}."""
        feeds = self._feeds(args, kwargs)
        for _ in range(warmup):
            self._native.run(feeds)
        times = []
        for _ in range(max(1, int(runs))):
            start = time.perf_counter()
            self._native.run(feeds)
            times.append((time.perf_counter() - start) * 1e3)
        return {"median_ms": float(np.median(times)), "min_ms": float(min(times)),
                "runs": len(times)}

    def profile(self, *args, runs=10, warmup=1, **kwargs):
        """Each layer's time per run on these inputs, slowest first, for a
        model compiled with profile=True: a list of {'layer' (the ONNX
        node; '(graph)' for the copies into the outputs), 'ms' (per run),
        'share' (of all layers' time)}. Raises ValueError for a model
        compiled without it."""
        if not self._native.profile_count():
            raise ValueError("the model times no layers: compile it with "
                             "profile=True (smeltc --profile)")
        feeds = self._feeds(args, kwargs)
        for _ in range(warmup):
            self._native.run(feeds)
        self._native.reset_profile()
        for _ in range(max(1, int(runs))):
            self._native.run(feeds)
        timed, layers = self._native.profile()
        total = sum(ms for _, ms in layers) / timed
        rows = [{"layer": name, "ms": ms / timed,
                 "share": (ms / timed) / total if total else 0.0}
                for name, ms in layers]
        return sorted(rows, key=lambda r: -r["ms"])

    def save(self, path):
        """Writes the library to `path` and the report beside it
        (NAME.report.json); smelt.load(path) reads both back. Both are
        written in full before either replaces a file."""
        path = os.path.abspath(os.fspath(path))
        folder = os.path.dirname(path)
        partials = []
        try:
            for suffix in (".so", ".json"):
                fd, partial = tempfile.mkstemp(prefix=".smelt-", suffix=suffix, dir=folder)
                os.close(fd)
                partials.append(partial)
            shutil.copyfile(self._library, partials[0])
            os.chmod(partials[0], 0o755)
            with open(partials[1], "w", encoding="utf-8") as f:
                json.dump(self.report, f, indent=2)
            os.replace(partials[0], path)
            os.replace(partials[1], _report_path(path))
        finally:
            for partial in partials:
                if os.path.exists(partial):
                    os.remove(partial)
        return path

    def summary(self):
        """The report as text."""
        return report_text(self.report)

    def _repr_html_(self):
        return report_html(self.report, self.inputs, self.outputs)

    def __repr__(self):
        def describe(infos):
            return ", ".join("%s: %s%s" % (i.name, i.dtype, list(i.shape)) for i in infos)
        mode = self.report.get("quantization", {}).get("mode")
        return "<smelt.CompiledModel (%s) -> (%s)%s>" % (
            describe(self.inputs), describe(self.outputs),
            " " + mode if mode else "")


def load(path):
    """Loads a compiled model (a library from CompiledModel.save or
    `smeltc -o model.so`), with its report when one lies beside it."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError("no compiled model at %r" % path)
    report = None
    if os.path.exists(_report_path(path)):
        with open(_report_path(path), encoding="utf-8") as f:
            report = json.load(f)
    # A private copy: the dynamic loader hands out one library per path, so
    # loading a file that was overwritten since would run the old code (and
    # two models would share one workspace).
    folder = tempfile.mkdtemp(prefix="smelt-")
    try:
        copy = os.path.join(folder, os.path.basename(path))
        shutil.copyfile(path, copy)
        weights = os.path.splitext(path)[0] + ".weights"
        if os.path.exists(weights):
            shutil.copyfile(weights, os.path.splitext(copy)[0] + ".weights")
        return CompiledModel(copy, report, _owned=folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
