"""The smelt Python module: compile, run, quantize, report, save and load,
errors. Numbers are checked against PyTorch and ONNX's own test data."""

import io
import os
import threading
import time

import numpy as np
import onnx
import pytest
import torch
from onnx import helper, numpy_helper, TensorProto

import smelt

ONNX_DATA = "/usr/share/libonnx-testdata/data"


def torch_cnn():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(16 * 4 * 4, 10))
    return model.eval()


def export(model, example, **names):
    buffer = io.BytesIO()
    torch.onnx.export(model, example, buffer, opset_version=13,
                      input_names=["image"], output_names=["logits"], **names)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cnn():
    model = torch_cnn()
    x = torch.randn(2, 1, 12, 12, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = model(x).numpy()
    return export(model, x), x.numpy(), expected


# --- compiling and running -------------------------------------------------

@pytest.mark.parametrize("form", ["bytes", "proto", "path"])
def test_compile_matches_pytorch(cnn, form, tmp_path):
    data, x, expected = cnn
    model = {"bytes": lambda: data,
             "proto": lambda: onnx.load_from_string(data),
             "path": lambda: (tmp_path / "cnn.onnx").write_bytes(data) and
             str(tmp_path / "cnn.onnx")}[form]()
    compiled = smelt.compile(model, progress=False)
    assert [i.name for i in compiled.inputs] == ["image"]
    assert compiled.inputs[0].shape == (2, 1, 12, 12)
    assert compiled.inputs[0].dtype == np.float32
    assert [o.name for o in compiled.outputs] == ["logits"]
    out = compiled(x)
    assert set(out) == {"logits"}
    np.testing.assert_allclose(out["logits"], expected, rtol=1e-4, atol=1e-5)


def test_positional_and_named_inputs_agree(cnn):
    data, x, expected = cnn
    compiled = smelt.compile(data, progress=False)
    a = compiled(x)["logits"]
    b = compiled(image=x)["logits"]
    # float64 input is cast to the model's float32.
    c = compiled(image=x.astype(np.float64))["logits"]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("case", ["test_conv_with_strides_padding",
                                  "test_gemm_default_no_bias",
                                  "test_softmax_axis_1"])
def test_onnx_backend_cases(case):
    folder = os.path.join(ONNX_DATA, "node", case)
    if not os.path.isdir(folder):
        pytest.skip("libonnx-testdata has no " + case)
    compiled = smelt.compile(os.path.join(folder, "model.onnx"), progress=False)
    data = os.path.join(folder, "test_data_set_0")
    inputs = [numpy_helper.to_array(onnx.load_tensor(os.path.join(data, "input_%d.pb" % i)))
              for i in range(len(compiled.inputs))]
    expected = numpy_helper.to_array(onnx.load_tensor(os.path.join(data, "output_0.pb")))
    out = compiled(*inputs)[compiled.outputs[0].name]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


class ChannelShuffle(torch.nn.Module):
    """ShuffleNet v2's unit: its Reshape targets and Slice bounds are
    computed from the input's shape (Shape, Gather, Div, Cast, Concat),
    which ONNX 1.12's inference cannot follow with a dynamic batch."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv2d(4, 4, 1)

    def forward(self, x):
        n, c, h, w = x.size()
        x = x.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous()
        x = x.view(n, -1, h, w)
        a, b = x.chunk(2, dim=1)
        return torch.cat((a, torch.relu(self.conv(b))), dim=1)


@pytest.mark.parametrize("size,stride", [(10, 1), (14, 2), (28, 1), (9, 2)])
def test_inverted_residual_block_matches_pytorch(size, stride):
    """MobileNet v2's block: a pointwise convolution whose rows run as one
    (its [C, H * W] result stored row by row into the padded buffer of the
    depthwise convolution that follows, a vector crossing rows at every
    size here but 16's multiples), ReLU6, a 3x3 depthwise one, a pointwise
    projection, and at stride 1 the residual (added by the projection's
    kernel, read with its flattened shape)."""
    torch.manual_seed(size)
    block = torch.nn.Sequential(
        torch.nn.Conv2d(8, 24, 1), torch.nn.ReLU6(),
        torch.nn.Conv2d(24, 24, 3, stride=stride, padding=1, groups=24),
        torch.nn.ReLU6(), torch.nn.Conv2d(24, 8, 1)).eval()

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = block

        def forward(self, x):
            return self.block(x) + x if stride == 1 else self.block(x)

    model = Block().eval()
    x = torch.randn(2, 8, size, size, generator=torch.Generator().manual_seed(2))
    compiled = smelt.compile(export(model, x), progress=False)
    with torch.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(compiled(x.numpy())["logits"], expected, rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize("batch", [1, 3, 12])
def test_classifier_in_weight_panels_matches_pytorch(batch):
    """A classifier head (Gemm with transB, 512 -> 1000) whose weights go
    in panels of columns at compile time, read one contiguous panel per
    column block, then a MatMul by a constant [1000, 96]."""
    torch.manual_seed(batch)
    model = torch.nn.Sequential(torch.nn.Linear(512, 1000), torch.nn.ReLU(),
                                torch.nn.Linear(1000, 96, bias=False)).eval()
    x = torch.randn(batch, 512, generator=torch.Generator().manual_seed(6))
    compiled = smelt.compile(export(model, x), progress=False)
    with torch.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(compiled(x.numpy())["logits"], expected, rtol=1e-5,
                               atol=1e-5)


class PooledResidual(torch.nn.Module):
    """ResNet's last block and pooling: a 1x1 convolution on a 7x7 map
    (computed with its channels innermost), the residual added, ReLU, the
    global average pool over both layouts at once."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(3)
        self.conv = torch.nn.Conv2d(128, 128, 1)

    def forward(self, x):
        return torch.relu(self.conv(x) + x).mean(dim=(2, 3))


def test_pooled_residual_block_matches_pytorch():
    model = PooledResidual().eval()
    x = torch.randn(2, 128, 7, 7, generator=torch.Generator().manual_seed(4))
    compiled = smelt.compile(export(model, x), progress=False)
    with torch.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(compiled(x.numpy())["logits"], expected, rtol=1e-5,
                               atol=1e-6)


def test_shapes_computed_from_a_dynamic_batch():
    """Sizes computed from static dims become constants and Reshape targets
    with the batch in them give their results' shapes: one library runs
    batches 1 and 5, matching PyTorch."""
    model = ChannelShuffle().eval()
    data = export(model, torch.zeros(2, 8, 3, 5),
                  dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    compiled = smelt.compile(data, progress=False)
    assert compiled.outputs[0].shape == (None, 8, 3, 5)
    rng = np.random.default_rng(5)
    for n in (1, 5):
        x = rng.standard_normal((n, 8, 3, 5)).astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(compiled(x)["logits"], expected, rtol=1e-5,
                                   atol=1e-6)


def test_dynamic_batch_runs_any_batch(digits):
    """Compiled without input_shapes, a model exported with a dynamic batch
    keeps it: one library runs batches 1, 3 and 64 (and 3 again), each
    matching PyTorch."""
    model = torch_cnn()
    data = export(model, torch.zeros(2, 1, 12, 12),
                  dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}})
    compiled = smelt.compile(data, progress=False)
    assert compiled.inputs[0].shape == (None, 1, 12, 12)
    assert compiled.outputs[0].shape == (None, 10)
    rng = np.random.default_rng(3)
    for n in (1, 3, 64, 3):
        x = rng.standard_normal((n, 1, 12, 12)).astype(np.float32)
        out = compiled(x)["logits"]
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        assert out.shape == (n, 10)
        np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)
    # Only the batch is free.
    with pytest.raises(ValueError, match="'image' takes shape"):
        compiled(np.zeros((2, 1, 11, 12), np.float32))

    # input_shapes on the dynamic batch specializes: the library holds the
    # code for 3 images beside the general code and runs each call with the
    # code for its batch; both match PyTorch.
    special = smelt.compile(data, input_shapes={"image": (3, 1, 12, 12)},
                            progress=False)
    assert special.inputs[0].shape == (None, 1, 12, 12)
    for n in (3, 1, 64, 3):
        x = rng.standard_normal((n, 1, 12, 12)).astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(special(x)["logits"], expected, rtol=1e-4,
                                   atol=1e-5)

    # The digits MLP: all 397 images at once; specialized for 397 it runs
    # 397 and 5; with general_code=False only 397.
    dynamic = smelt.compile(digits["model"], progress=False)
    out = dynamic(digits["pixels"])["probabilities"]
    assert (out.argmax(1) == digits["labels"]).mean() > 0.95
    special = smelt.compile(digits["model"],
                            input_shapes={"pixels": (397, 64)}, progress=False)
    assert special.inputs[0].shape == (None, 64)
    for n in (397, 5):
        np.testing.assert_allclose(
            special(digits["pixels"][:n])["probabilities"], out[:n],
            rtol=1e-5, atol=1e-6)
    fixed = smelt.compile(digits["model"], input_shapes={"pixels": (397, 64)},
                          general_code=False, progress=False)
    assert fixed.inputs[0].shape == (397, 64)
    np.testing.assert_allclose(fixed(digits["pixels"])["probabilities"], out,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="'pixels' takes shape"):
        fixed(digits["pixels"][:5])


def test_bad_inputs_name_the_input(cnn):
    data, x, _ = cnn
    compiled = smelt.compile(data, progress=False)
    with pytest.raises(ValueError, match="'image' takes shape"):
        compiled(x[:1])
    with pytest.raises(TypeError, match="missing input: image"):
        compiled()
    with pytest.raises(TypeError, match="no input 'pixels'"):
        compiled(pixels=x)
    with pytest.raises(TypeError, match="given twice"):
        compiled(x, image=x)
    with pytest.raises(TypeError, match="takes float32, got complex128"):
        compiled(x.astype(np.complex128))


def test_threads_and_concurrent_calls(cnn):
    data, x, expected = cnn
    compiled = smelt.compile(data, progress=False, threads=2)
    assert compiled.threads == 2
    results = [None] * 8

    def call(i):
        results[i] = compiled(x)["logits"]
    workers = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for r in results:
        np.testing.assert_allclose(r, expected, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError):
        compiled.threads = -1


def test_gil_is_released_while_compiling(cnn):
    data, _, _ = cnn
    done = threading.Event()
    result = {}

    def work():
        result["model"] = smelt.compile(data, progress=False, opt_level=3)
        done.set()
    ticks = 0
    thread = threading.Thread(target=work)
    thread.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.0005)
    thread.join()
    assert "model" in result
    # The main thread kept running while the other compiled (a held GIL
    # would have stopped it until the compile returned).
    assert ticks >= 20


# --- quantization and the report -------------------------------------------

@pytest.fixture(scope="module")
def quantized(digits):
    calls = []
    model = smelt.compile(
        digits["model"], quantize="int8",
        calibration=({"pixels": digits["calibration"][i:i + 1]}
                     for i in range(len(digits["calibration"]))),
        input_shapes={"pixels": (397, 64)},
        progress=lambda stage, done, total: calls.append((stage, done, total)))
    return model, calls


def test_int8_keeps_accuracy(digits, quantized):
    model, _ = quantized
    float_model = smelt.compile(digits["model"], input_shapes={"pixels": (397, 64)},
                                progress=False)
    top1 = lambda m: (m(digits["pixels"])["probabilities"].argmax(1) == digits["labels"]).mean()
    assert top1(model) >= top1(float_model) - 0.01


def test_report_layers_and_sizes(quantized):
    model, _ = quantized
    report = model.report
    assert [(l["name"], l["op"], l["format"]) for l in report["layers"]] == [
        ("fc1", "Gemm", "int8"), ("fc2", "Gemm", "int8")]
    assert report["quantization"]["weight_bytes_after"] * 4 <= \
        report["quantization"]["weight_bytes_before"]
    assert report["size"]["after"]["parameter_bytes"] < report["size"]["before"]["parameter_bytes"]
    assert report["size"]["artifact_bytes"] == os.path.getsize(model.library)
    assert any("quantized 2 ops to int8" in line for line in report["log"])


def test_report_divergence_matches_a_recomputation(digits, quantized):
    """The report's output divergence, recomputed here from both models'
    outputs on the calibration samples."""
    model, _ = quantized
    div = model.report["divergence"]
    samples = digits["calibration"]
    assert div["samples"] == len(samples)
    shapes = {"pixels": samples.shape}
    teacher = smelt.compile(digits["model"], input_shapes=shapes, progress=False)
    student = smelt.compile(digits["model"], input_shapes=shapes, quantize="int8",
                            calibration=[{"pixels": samples[i:i + 1]}
                                         for i in range(len(samples))],
                            measure_divergence=False, progress=False)
    assert "divergence" not in student.report
    ref = teacher(samples)["probabilities"].astype(np.float64)
    got = student(samples)["probabilities"].astype(np.float64)
    out = div["outputs"][0]
    assert out["name"] == "probabilities"
    rel = np.sqrt(((got - ref) ** 2).sum() / (ref ** 2).sum())
    assert out["relative_rmse"] == pytest.approx(rel, rel=1e-3)
    assert out["max_abs"] == pytest.approx(np.abs(got - ref).max(), rel=1e-3)
    assert out["top1_agreement"] == pytest.approx((got.argmax(1) == ref.argmax(1)).mean())
    layers = {l["name"]: l["divergence"] for l in model.report["layers"]}
    assert 0 < layers["fc1"]["relative_rmse"] < 0.05
    assert layers["fc1"]["sqnr_db"] > 20


def test_progress_reaches_every_stage(quantized):
    _, calls = quantized
    stages = [c[0] for c in calls]
    for stage in ("calibrating", "measuring divergence", "generating code"):
        assert stage in stages
        last = [c for c in calls if c[0] == stage][-1]
        assert last[1] == last[2]


def test_progress_bar_in_a_terminal_and_a_log():
    log = io.StringIO()
    bar = smelt.ProgressBar(log)
    for done in range(4):
        bar("calibrating", done, 3)
    # Not a terminal: one line, when the stage is done.
    assert log.getvalue() == "calibrating [" + "#" * 30 + "] 3/3\n"


def test_html_and_text_report(quantized):
    model, _ = quantized
    page = model._repr_html_()
    for needle in ("<svg", "<table", "fc1", "fc2", "int8", "top-1 agreement", "pixels"):
        assert needle in page
    text = model.summary()
    assert "fc1" in text and "SQNR" in text


@pytest.mark.parametrize("mode", ["int8-dynamic", "int8-weights", "int4-weights"])
def test_other_modes_agree_with_float(digits, mode):
    shapes = {"pixels": (397, 64)}
    ref = smelt.compile(digits["model"], input_shapes=shapes, progress=False)(
        digits["pixels"])["probabilities"]
    model = smelt.compile(digits["model"], input_shapes=shapes, quantize=mode,
                          progress=False)
    got = model(digits["pixels"])["probabilities"]
    assert (got.argmax(1) == ref.argmax(1)).mean() >= 0.97
    assert {l["format"] for l in model.report["layers"]} == {mode}


def test_gptq_takes_calibration(digits):
    model = smelt.compile(digits["model"], quantize="int4-weights", weight_method="gptq",
                          calibration=[{"pixels": digits["calibration"]}],
                          input_shapes={"pixels": (397, 64)}, progress=False)
    assert any("GPTQ fitted 2" in line for line in model.report["log"])
    assert "GPTQ" in model.report["layers"][0]["detail"]


# --- saving and loading ----------------------------------------------------

def test_save_and_load(quantized, digits, tmp_path):
    model, _ = quantized
    path = model.save(tmp_path / "digits_int8.so")
    assert os.path.exists(tmp_path / "digits_int8.report.json")
    again = smelt.load(path)
    np.testing.assert_array_equal(again(digits["pixels"])["probabilities"],
                                  model(digits["pixels"])["probabilities"])
    assert again.report["layers"] == model.report["layers"]
    assert again.inputs == model.inputs


def test_save_to_a_missing_folder_writes_nothing(quantized, tmp_path):
    model, _ = quantized
    with pytest.raises(OSError):
        model.save(tmp_path / "missing" / "m.so")
    assert not (tmp_path / "missing").exists()


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        smelt.load(tmp_path / "nothing.so")
    (tmp_path / "junk.so").write_bytes(b"not a library")
    with pytest.raises(ValueError):
        smelt.load(tmp_path / "junk.so")


# --- errors ------------------------------------------------------------------

def test_compile_error_names_the_node():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["t"], name="fine"),
                               helper.make_node("NoSuchOp", ["t"], ["y"], name="broken")],
                              "g", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    with pytest.raises(smelt.CompileError) as error:
        smelt.compile(model, progress=False)
    assert error.value.diagnostics
    assert any("broken" in d and "NoSuchOp" in d for d in error.value.diagnostics)
    assert error.value.diagnostics[0].startswith("<onnx.ModelProto g>")


def test_explain_kernels_names_the_layers_without_one():
    # A double-precision product has no contraction kernel (it runs as a
    # vector reduction instead); a float one has.
    inputs = [helper.make_tensor_value_info(n, t, s) for n, t, s in [
        ("a", TensorProto.FLOAT, [4, 8]), ("b", TensorProto.FLOAT, [8, 16]),
        ("c", TensorProto.DOUBLE, [4, 8]), ("d", TensorProto.DOUBLE, [8, 16])]]
    outputs = [helper.make_tensor_value_info("f32", TensorProto.FLOAT, [4, 16]),
               helper.make_tensor_value_info("f64", TensorProto.DOUBLE, [4, 16])]
    graph = helper.make_graph([helper.make_node("MatMul", ["a", "b"], ["f32"], name="single"),
                               helper.make_node("MatMul", ["c", "d"], ["f64"], name="double")],
                              "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    explained = smelt.compile(model, progress=False, explain_kernels=True)
    lines = [l for l in explained.report["log"]
             if "no vector kernel" in l or "no contraction kernel" in l]
    assert len(lines) == 1 and "node 'double'" in lines[0], lines
    quiet = smelt.compile(model, progress=False)
    assert not any("kernel" in l for l in quiet.report["log"])


def test_profile_times_every_layer(cnn, digits):
    data, x, expected = cnn
    profiled = smelt.compile(data, progress=False, profile=True)
    # The clock reads change no result: still PyTorch's numbers.
    np.testing.assert_allclose(profiled(x)["logits"], expected, rtol=1e-4, atol=1e-5)
    layers = profiled.profile(x, runs=3)
    nodes = {n.name for n in onnx.load_from_string(data).graph.node}
    names = [l["layer"] for l in layers]
    assert set(names) - {"(graph)"} <= nodes and any("Conv" in n for n in names), names
    assert [l["ms"] for l in layers] == sorted((l["ms"] for l in layers), reverse=True)
    assert all(l["ms"] >= 0 for l in layers)
    assert abs(sum(l["share"] for l in layers) - 1) < 1e-6
    # The report has each layer's time on this machine, and says so.
    latency = profiled.report["latency"]
    assert sorted(l["name"] for l in latency["layers"]) == sorted(names)
    assert "layer latency on this machine" in profiled.summary()
    assert "ms per run" in profiled._repr_html_()
    # A quantized model's layers carry their time beside format and size.
    quantized = smelt.compile(digits["model"], quantize="int8", profile=True,
                              calibration=[{"pixels": digits["calibration"][:8]}],
                              input_shapes={"pixels": (8, 64)}, progress=False)
    assert all("latency_ms" in l for l in quantized.report["layers"]), quantized.report["layers"]
    plain = smelt.compile(data, progress=False)
    with pytest.raises(ValueError, match="compile it with profile=True"):
        plain.profile(x)
    assert "latency" not in plain.report


def test_bad_bytes_and_paths(tmp_path):
    with pytest.raises(smelt.CompileError, match="^<model bytes>:0:0: error: not a valid ONNX"):
        smelt.compile(b"\x08\x07garbage", progress=False)
    with pytest.raises(smelt.CompileError, match="nothing.onnx"):
        smelt.compile(str(tmp_path / "nothing.onnx"), progress=False)
    with pytest.raises(TypeError, match="path, bytes or an onnx.ModelProto"):
        smelt.compile(42, progress=False)


def test_argument_errors(digits):
    with pytest.raises(ValueError, match="does not prune yet"):
        smelt.compile(digits["model"], prune="2:4")
    with pytest.raises(ValueError, match="quantize='int3'"):
        smelt.compile(digits["model"], quantize="int3")
    with pytest.raises(TypeError, match="unknown option bogus"):
        smelt.compile(digits["model"], bogus=1)
    with pytest.raises(ValueError, match="calibration_method"):
        smelt.compile(digits["model"], quantize="int8", calibration_method="median")
    with pytest.raises(ValueError, match=r"compile_threads=-1 must be 0 \(one per core\) or more"):
        smelt.compile(digits["model"], compile_threads=-1, progress=False)
    with pytest.raises(ValueError, match="no samples"):
        smelt.compile(digits["model"], quantize="int8", calibration=[])
    with pytest.raises(TypeError, match="sample 0"):
        smelt.compile(digits["model"], quantize="int8", calibration=[np.zeros(64)])
    with pytest.raises(ValueError, match="calibration data is for"):
        smelt.compile(digits["model"], calibration=[{"pixels": np.zeros((1, 64))}],
                      input_shapes={"pixels": (1, 64)}, progress=False)
    with pytest.raises(smelt.CompileError,
                       match=r"no array named after an input of the model \(inputs: 'pixels'; arrays: 'image'\)"):
        smelt.compile(digits["model"], quantize="int8",
                      calibration=[{"image": np.zeros((1, 64), np.float32)}],
                      input_shapes={"pixels": (1, 64)}, progress=False)


# --- inspection --------------------------------------------------------------

def test_import_onnx_and_pipelines(digits):
    text = smelt.import_onnx(digits["model"], input_shapes={"pixels": (4, 64)})
    assert "func.func @main_graph" in text
    assert "onnx.Gemm" in text
    assert "tensor<4x64xf32>" in text
    names = [p["name"] for p in smelt.pipelines()]
    assert "smelt-cpu-pipeline" in names
    assert "cpu" in smelt.targets()


def test_progress_bar_in_a_notebook(monkeypatch):
    """In a Jupyter kernel the bar is HTML, displayed once per stage and
    updated in place (IPython's display handles), here a stand-in IPython."""
    import sys
    import types
    events = []

    class ZMQInteractiveShell:
        pass

    class Handle:
        def __init__(self, html):
            events.append(("display", html))

        def update(self, html):
            events.append(("update", html))

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: ZMQInteractiveShell()
    display = types.ModuleType("IPython.display")
    display.HTML = lambda text: text
    display.display = lambda obj, display_id=False: Handle(obj) if display_id else None
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display)
    bar = smelt.ProgressBar()
    for done in range(3):
        bar("calibrating", done, 2)
    bar("generating code", 1, 1)
    assert [e[0] for e in events] == ["display", "update", "update", "display"]
    assert '<progress value="2" max="2"' in events[2][1]
    assert "calibrating" in events[0][1] and "generating code" in events[3][1]


def test_calibration_samples_in_double_precision(digits):
    """NumPy's default float64 samples calibrate a float32 model as the
    same values rounded to float32 would."""
    samples = digits["calibration"][:16]
    shapes = {"pixels": (397, 64)}
    as_f32 = smelt.compile(digits["model"], quantize="int8", input_shapes=shapes,
                           calibration=[{"pixels": s[None]} for s in samples],
                           progress=False)
    as_f64 = smelt.compile(digits["model"], quantize="int8", input_shapes=shapes,
                           calibration=[{"pixels": s[None].astype(np.float64)}
                                        for s in samples],
                           progress=False)
    np.testing.assert_array_equal(as_f32(digits["pixels"])["probabilities"],
                                  as_f64(digits["pixels"])["probabilities"])


def test_calibration_samples_must_agree(digits):
    with pytest.raises(ValueError, match="sample 1: input 'pixels' has shape"):
        smelt.compile(digits["model"], quantize="int8",
                      calibration=[{"pixels": np.zeros((2, 64))},
                                   {"pixels": np.zeros((1, 64))}])
    with pytest.raises(ValueError, match="sample 1 has inputs"):
        smelt.compile(digits["model"], quantize="int8",
                      calibration=[{"pixels": np.zeros((1, 64))}, {"x": np.zeros((1, 64))}])


def test_an_exception_in_progress_cancels_the_compile(digits):
    calls = []

    def progress(stage, done, total):
        calls.append(stage)
        if stage == "calibrating":
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        smelt.compile(digits["model"], quantize="int8",
                      calibration=[{"pixels": digits["calibration"][:1]}] * 4,
                      input_shapes={"pixels": (1, 64)}, progress=progress)
    # Cancelled at the first report: nothing after calibration ran.
    assert calls == ["calibrating"]


def test_load_sees_a_library_saved_again(digits, tmp_path):
    """Loading a path whose library was replaced gives the new code, even
    while a model loaded from it before is alive."""
    shapes = {"pixels": (397, 64)}
    float_model = smelt.compile(digits["model"], input_shapes=shapes, progress=False)
    int4 = smelt.compile(digits["model"], input_shapes=shapes, quantize="int4-weights",
                         progress=False)
    path = tmp_path / "m.so"
    float_model.save(path)
    first = smelt.load(path)
    int4.save(path)
    second = smelt.load(path)
    x = digits["pixels"]
    np.testing.assert_array_equal(first(x)["probabilities"], float_model(x)["probabilities"])
    np.testing.assert_array_equal(second(x)["probabilities"], int4(x)["probabilities"])
    assert not np.array_equal(first(x)["probabilities"], second(x)["probabilities"])
    assert second.report["quantization"]["mode"] == "int4-weights"


def test_int4_report_counts_bytes_as_stored(digits):
    model = smelt.compile(digits["model"], input_shapes={"pixels": (1, 64)},
                          quantize="int4-weights", weight_group_size=0, progress=False)
    q = model.report["quantization"]
    # One byte a weight until int4 is packed, plus a float scale a column.
    assert q["weight_bytes_after"] == 64 * 32 + 32 * 4 + 32 * 10 + 10 * 4
    assert q["weight_bytes_packed"] == 64 * 32 // 2 + 32 * 4 + 32 * 10 // 2 + 10 * 4
    assert sum(l["weight_bytes_after"] for l in model.report["layers"]) == q["weight_bytes_after"]


def test_divergence_of_a_conv_with_batch_norm():
    """The quantizer folds a BatchNormalization into the Conv before it; the
    report compares that Conv with the float model's folded the same way,
    not with the raw convolution."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8),
                              torch.nn.ReLU(), torch.nn.Conv2d(8, 4, 3)).eval()
    with torch.no_grad():
        net[1].running_mean.uniform_(-2, 2)
        net[1].running_var.uniform_(0.1, 4)
        net[1].weight.uniform_(0.5, 3)
    x = torch.randn(4, 3, 10, 10, generator=torch.Generator().manual_seed(2))
    data = export(net, x[:1], training=torch.onnx.TrainingMode.PRESERVE,
                  do_constant_folding=False)
    assert "BatchNormalization" in [n.op_type for n in onnx.load_from_string(data).graph.node]
    model = smelt.compile(data, quantize="int8", progress=False,
                          calibration=[{"image": x[i:i + 1].numpy()} for i in range(4)])
    layers = {l["op"]: l for l in model.report["layers"]}
    assert layers["Conv"]["format"] == "int8"
    first = model.report["layers"][0]["divergence"]
    assert first["relative_rmse"] < 0.05 and first["cosine"] > 0.99
    with torch.no_grad():
        expected = net(x[:1]).numpy()
    got = model(x[:1].numpy())["logits"]
    assert np.abs(got - expected).max() < 0.05 * np.abs(expected).max()


# --- calibration tables ------------------------------------------------------

def _digits_table(digits, path):
    """The digits MLP's calibration table, its ranges computed by NumPy
    evaluating the ONNX graph on the calibration samples."""
    import json
    model = onnx.load(digits["model"])
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    x = digits["calibration"].astype(np.float32)
    fc1 = x @ weights["fc1.weight"] + weights["fc1.bias"]
    relu1 = np.maximum(fc1, 0)
    logits = relu1 @ weights["fc2.weight"] + weights["fc2.bias"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = e / e.sum(axis=1, keepdims=True)
    tensors = []
    for node, op, value in [("pixels", "input", x), ("fc1", "onnx.Gemm", fc1),
                            ("relu1", "onnx.Relu", relu1),
                            ("fc2", "onnx.Gemm", logits),
                            ("softmax", "onnx.Softmax", probabilities)]:
        low, high = min(0.0, float(value.min())), max(0.0, float(value.max()))
        tensors.append({"node": node, "result": 0, "op": op, "low": low,
                        "high": high, "min": float(value.min()),
                        "max": float(value.max()), "elements": int(value.size)})
    with open(path, "w") as f:
        json.dump({"method": "minmax", "tensors": tensors}, f)


def test_calibration_table_replaces_the_data(digits, quantized, tmp_path):
    """A table of ranges computed by NumPy quantizes the model as its own
    calibration does: the same layers in int8, outputs within a quantum."""
    table = tmp_path / "table.json"
    _digits_table(digits, table)
    from_table = smelt.compile(digits["model"], quantize="int8",
                               calibration_table=table,
                               input_shapes={"pixels": (397, 64)},
                               progress=False)
    calibrated, _ = quantized
    assert ([l["format"] for l in from_table.report["layers"]] ==
            [l["format"] for l in calibrated.report["layers"]] == ["int8", "int8"])
    a = from_table(digits["pixels"])["probabilities"]
    b = calibrated(digits["pixels"])["probabilities"]
    assert np.abs(a - b).max() < 0.05
    assert (a.argmax(1) == b.argmax(1)).mean() >= 0.99


def test_bad_calibration_table_names_the_file(digits, tmp_path):
    table = tmp_path / "broken.json"
    table.write_text("{not json")
    with pytest.raises(smelt.CompileError) as error:
        smelt.compile(digits["model"], quantize="int8", calibration_table=table,
                      input_shapes={"pixels": (397, 64)}, progress=False)
    assert any("broken.json" in d and "not JSON" in d
               for d in error.value.diagnostics)
