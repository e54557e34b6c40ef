"""What the case scripts share: NumPy references in float64 and writing a
model with its inputs."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper


def conv(x, w, b, stride, pad):
    """ONNX Conv (NCHW, square pads and strides, no groups) in float64."""
    x = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, f, oh, ow)) + b.astype(np.float64).reshape(1, f, 1, 1)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
            y += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j].astype(np.float64))
    return y


def save(folder, name, nodes, inputs, outputs, initializers):
    """Checks and writes FOLDER/NAME.onnx (opset 17, float32 inputs and
    outputs shaped as the arrays of `inputs` and `outputs`) and one
    NAME.npy per input."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, v.shape) for n, v in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, v.shape) for n, v in outputs.items()],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, name + ".onnx"))
    for input_name, value in inputs.items():
        np.save(os.path.join(folder, input_name + ".npy"), value)
