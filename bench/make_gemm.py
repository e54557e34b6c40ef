"""Writes an ONNX model Y = MatMul(A, B) with A [N, N] an input and B [N, N]
a random initializer (a layer's weights), for bench/run.sh's GEMM rows.

    /usr/bin/python3 bench/make_gemm.py N OUT.onnx INPUT.npy
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

n = int(sys.argv[1])
rng = np.random.default_rng(n)
b = numpy_helper.from_array(rng.standard_normal((n, n)).astype(np.float32), "B")
graph = helper.make_graph(
    [helper.make_node("MatMul", ["A", "B"], ["Y"])], f"gemm{n}",
    [helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, n])], [b])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[2])
np.save(sys.argv[3], rng.standard_normal((n, n)).astype(np.float32))
