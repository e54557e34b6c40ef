"""8-bit products with constant int8 weights (the packed form the CPU's VNNI
kernels take), on shapes with every kind of edge (k not a multiple of 4,
columns not a multiple of 16, odd rows), checked against NumPy.

    int8_cases.py make DIR       # DIR/int8.onnx and its inputs
    int8_cases.py check DIR OUT  # one line per output
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)
A = rng.integers(0, 256, (7, 70), dtype=np.uint8)          # MatMulInteger
B = rng.integers(-127, 128, (70, 40), dtype=np.int8)
AZ = np.uint8(131)
X = rng.integers(0, 256, (2, 5, 33), dtype=np.uint8)       # QLinearMatMul, 3-D
W = rng.integers(-127, 128, (33, 20), dtype=np.int8)
XS, XZ, WS, YS, YZ = np.float32(0.02), np.uint8(120), np.float32(0.005), np.float32(0.07), np.uint8(128)


def reference():
    acc = (A.astype(np.int64) - int(AZ)) @ B.astype(np.int64)
    xacc = (X.astype(np.int64) - int(XZ)) @ W.astype(np.int64)
    y = np.round(xacc.astype(np.float32) * np.float32(XS * WS / YS)) + float(YZ)
    return {"product": acc.astype(np.int32), "requantized": np.clip(y, 0, 255).astype(np.uint8)}


def make(folder):
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("B", B), ("az", np.array(AZ)), ("W", W), ("xs", np.array(XS)), ("xz", np.array(XZ)),
        ("ws", np.array(WS)), ("wz", np.array(np.int8(0))), ("ys", np.array(YS)), ("yz", np.array(YZ))]]
    nodes = [helper.make_node("MatMulInteger", ["A", "B", "az"], ["product"]),
             helper.make_node("QLinearMatMul", ["X", "xs", "xz", "W", "ws", "wz", "ys", "yz"],
                              ["requantized"])]
    ref = reference()
    graph = helper.make_graph(
        nodes, "int8",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, A.shape),
         helper.make_tensor_value_info("X", TensorProto.UINT8, X.shape)],
        [helper.make_tensor_value_info("product", TensorProto.INT32, ref["product"].shape),
         helper.make_tensor_value_info("requantized", TensorProto.UINT8, ref["requantized"].shape)],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "int8.onnx"))
    np.save(os.path.join(folder, "A.npy"), A)
    np.save(os.path.join(folder, "X.npy"), X)


def check(out):
    for name, want in reference().items():
        got = np.load(os.path.join(out, name + ".npy"))
        same = got.shape == want.shape and np.array_equal(got.astype(np.int64), want.astype(np.int64))
        print("%s: %s" % (name, "exact" if same else "DIFFERS (max diff %d)" % int(np.abs(got.astype(np.int64) - want).max())))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[3])
