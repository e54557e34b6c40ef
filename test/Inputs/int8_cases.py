"""8-bit products and convolutions with constant int8 weights (the packed form
the CPU's VNNI kernels take), on shapes with every kind of edge (k not a
multiple of 4, columns not a multiple of 16, odd rows, padded and strided
windows, per-channel weight scales), checked against NumPy.

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
C = rng.integers(0, 256, (2, 3, 11, 9), dtype=np.uint8)     # QLinearConv, stride 2, pads 1
CW = rng.integers(-127, 128, (5, 3, 3, 3), dtype=np.int8)
CWS = (rng.random(5).astype(np.float32) * 0.01 + 0.001)
CB = rng.integers(-2000, 2000, 5, dtype=np.int32)
CXS, CXZ, CYS, CYZ = np.float32(0.03), np.uint8(100), np.float32(0.2), np.uint8(90)


def reference():
    acc = (A.astype(np.int64) - int(AZ)) @ B.astype(np.int64)
    xacc = (X.astype(np.int64) - int(XZ)) @ W.astype(np.int64)
    y = np.round(xacc.astype(np.float32) * np.float32(XS * WS / YS)) + float(YZ)
    xp = np.pad(C.astype(np.int64) - int(CXZ), ((0, 0), (0, 0), (1, 1), (1, 1)))
    oh, ow = (11 + 2 - 3) // 2 + 1, (9 + 2 - 3) // 2 + 1
    cacc = np.zeros((2, 5, oh, ow), np.int64) + CB.reshape(1, 5, 1, 1)
    for i in range(3):
        for j in range(3):
            patch = xp[:, :, i:i + 2 * oh:2, j:j + 2 * ow:2]
            cacc += np.einsum("nchw,fc->nfhw", patch, CW[:, :, i, j].astype(np.int64))
    scale = (CXS * CWS / CYS).astype(np.float32).reshape(1, 5, 1, 1)
    cy = np.round(cacc.astype(np.float32) * scale) + float(CYZ)
    return {"product": acc.astype(np.int32), "requantized": np.clip(y, 0, 255).astype(np.uint8),
            "convolved": np.clip(cy, 0, 255).astype(np.uint8)}


def make(folder):
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("B", B), ("az", np.array(AZ)), ("W", W), ("xs", np.array(XS)), ("xz", np.array(XZ)),
        ("ws", np.array(WS)), ("wz", np.array(np.int8(0))), ("ys", np.array(YS)), ("yz", np.array(YZ)),
        ("cw", CW), ("cws", CWS), ("cwz", np.zeros(5, np.int8)), ("cb", CB), ("cxs", np.array(CXS)),
        ("cxz", np.array(CXZ)), ("cys", np.array(CYS)), ("cyz", np.array(CYZ))]]
    nodes = [helper.make_node("MatMulInteger", ["A", "B", "az"], ["product"]),
             helper.make_node("QLinearMatMul", ["X", "xs", "xz", "W", "ws", "wz", "ys", "yz"],
                              ["requantized"]),
             helper.make_node("QLinearConv", ["C", "cxs", "cxz", "cw", "cws", "cwz", "cys", "cyz", "cb"],
                              ["convolved"], strides=[2, 2], pads=[1, 1, 1, 1])]
    ref = reference()
    graph = helper.make_graph(
        nodes, "int8",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, A.shape),
         helper.make_tensor_value_info("X", TensorProto.UINT8, X.shape),
         helper.make_tensor_value_info("C", TensorProto.UINT8, C.shape)],
        [helper.make_tensor_value_info("product", TensorProto.INT32, ref["product"].shape),
         helper.make_tensor_value_info("requantized", TensorProto.UINT8, ref["requantized"].shape),
         helper.make_tensor_value_info("convolved", TensorProto.UINT8, ref["convolved"].shape)],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "int8.onnx"))
    np.save(os.path.join(folder, "A.npy"), A)
    np.save(os.path.join(folder, "X.npy"), X)
    np.save(os.path.join(folder, "C.npy"), C)


def check(out):
    for name, want in reference().items():
        got = np.load(os.path.join(out, name + ".npy"))
        same = got.shape == want.shape and np.array_equal(got.astype(np.int64), want.astype(np.int64))
        print("%s: %s" % (name, "exact" if same else "DIFFERS (max diff %d)" % int(np.abs(got.astype(np.int64) - want).max())))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[3])
