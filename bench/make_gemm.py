"""Writes an ONNX model Y = MatMul(A, B) with A [N, N] an input and B [N, N]
a random initializer (a layer's weights), for bench/run.sh's GEMM rows;
with `int8`, Y = MatMulInteger(A uint8, B int8) into int32 instead.

    /usr/bin/python3 bench/make_gemm.py N OUT.onnx INPUT.npy [int8]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

n = int(sys.argv[1])
int8 = len(sys.argv) > 4 and sys.argv[4] == "int8"
rng = np.random.default_rng(n)
if int8:
    b = numpy_helper.from_array(rng.integers(-127, 128, (n, n), dtype=np.int8), "B")
    node = helper.make_node("MatMulInteger", ["A", "B"], ["Y"])
    types = TensorProto.UINT8, TensorProto.INT32
else:
    b = numpy_helper.from_array(rng.standard_normal((n, n)).astype(np.float32), "B")
    node = helper.make_node("MatMul", ["A", "B"], ["Y"])
    types = TensorProto.FLOAT, TensorProto.FLOAT
graph = helper.make_graph(
    [node], f"gemm{n}",
    [helper.make_tensor_value_info("A", types[0], [n, n])],
    [helper.make_tensor_value_info("Y", types[1], [n, n])], [b])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[2])
if int8:
    np.save(sys.argv[3], rng.integers(0, 256, (n, n), dtype=np.uint8))
else:
    np.save(sys.argv[3], rng.standard_normal((n, n)).astype(np.float32))
