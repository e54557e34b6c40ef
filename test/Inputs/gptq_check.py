"""Compares the first layer's weights of two weight-only quantized exports of
the digits MLP (Gemm pixels x fc1.weight [64, 32]) by the error they give
that layer's output on the calibration images, ||X (W - Q)||^2, in NumPy:
GPTQ's must be the smaller.

    gptq_check.py FLOAT.onnx CALIBRATION.npz RTN.onnx GPTQ.onnx
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def constants(model):
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            values[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return values


def dequantized_fc1(path):
    model = onnx.load(path)
    values = constants(model)
    ints = next(v for k, v in values.items() if k.startswith("fc1.weight_int"))
    scale = values["fc1.weight_scale"]
    # [K, N] weights grouped along K as [groups, group, N], one scale per
    # group and column ([groups, 1, N]).
    groups = scale.shape[0]
    q = ints.astype(np.float32).reshape(groups, -1, ints.shape[1]) * scale
    return q.reshape(ints.shape)


w = numpy_helper.to_array(next(t for t in onnx.load(sys.argv[1]).graph.initializer
                               if t.name == "fc1.weight"))
x = np.load(sys.argv[2])["pixels"].reshape(-1, w.shape[0]).astype(np.float64)
errors = [float(np.sum((x @ (w - dequantized_fc1(p))) ** 2)) for p in sys.argv[3:5]]
print("fc1 output error: gptq %s round to nearest" % ("below" if errors[1] < errors[0] else "NOT below"))
if len(sys.argv) > 5:
    print("ratio %.3f" % (errors[1] / errors[0]))
