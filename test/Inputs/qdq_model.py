"""A QDQ model written with onnx.helper, the way ONNX Runtime's quantization
tool lays one out (not by Smelt): uint8 activations, int8 per-channel
weights, int32 bias, Conv -> Relu -> MaxPool -> Flatten -> Gemm.

    qdq_model.py DIR    # DIR/qdq.onnx and DIR/x.npy
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
W = rng.integers(-127, 128, (8, 3, 3, 3), dtype=np.int8)
WS = (rng.random(8) * 0.01 + 0.002).astype(np.float32)
XS, XZ = np.float32(1 / 255), np.uint8(0)
B = rng.integers(-500, 500, 8, dtype=np.int32)
YS, YZ = np.float32(0.05), np.uint8(0)
G = rng.integers(-127, 128, (10, 8 * 5 * 5), dtype=np.int8)   # Gemm, transB
GS = (rng.random(10) * 0.01 + 0.002).astype(np.float32)
GB = rng.integers(-500, 500, 10, dtype=np.int32)
OS, OZ = np.float32(0.1), np.uint8(128)
inits = [numpy_helper.from_array(v, n) for n, v in [
    ("w", W), ("ws", WS), ("wz", np.zeros(8, np.int8)), ("xs", np.array(XS)),
    ("xz", np.array(XZ)), ("b", B), ("bs", (XS * WS).astype(np.float32)),
    ("bz", np.zeros(8, np.int32)), ("ys", np.array(YS)), ("yz", np.array(YZ)),
    ("g", G), ("gs", GS), ("gz", np.zeros(10, np.int8)), ("gb", GB),
    ("gbs", (YS * GS).astype(np.float32)), ("gbz", np.zeros(10, np.int32)),
    ("os", np.array(OS)), ("oz", np.array(OZ))]]
nodes = [
    helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
    helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
    helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=0),
    helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["bd"], axis=0),
    helper.make_node("Conv", ["xd", "wd", "bd"], ["c"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"]),
    helper.make_node("QuantizeLinear", ["r", "ys", "yz"], ["rq"]),
    helper.make_node("DequantizeLinear", ["rq", "ys", "yz"], ["rd"]),
    helper.make_node("MaxPool", ["rd"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("QuantizeLinear", ["p", "ys", "yz"], ["pq"]),
    helper.make_node("DequantizeLinear", ["pq", "ys", "yz"], ["pd"]),
    helper.make_node("Flatten", ["pd"], ["f"]),
    helper.make_node("QuantizeLinear", ["f", "ys", "yz"], ["fq"]),
    helper.make_node("DequantizeLinear", ["fq", "ys", "yz"], ["fd"]),
    helper.make_node("DequantizeLinear", ["g", "gs", "gz"], ["gd"], axis=0),
    helper.make_node("DequantizeLinear", ["gb", "gbs", "gbz"], ["gbd"], axis=0),
    helper.make_node("Gemm", ["fd", "gd", "gbd"], ["y"], transB=1),
    helper.make_node("QuantizeLinear", ["y", "os", "oz"], ["yq"]),
    helper.make_node("DequantizeLinear", ["yq", "os", "oz"], ["logits"]),
]
graph = helper.make_graph(nodes, "qdq",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 10, 10])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [2, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(out, "qdq.onnx"))
np.save(os.path.join(out, "x.npy"), rng.random((2, 3, 10, 10)).astype(np.float32))
