"""A QDQ model written with onnx.helper (not by Smelt) with what a
detector's neck and head do on uint8 values: a ConvTranspose with kernel
equal to its strides (int8 weights per output channel, int32 bias) and a
Relu, a nearest Resize by 2 and a Concat, all at one scale; checked exactly
against NumPy's integer arithmetic.

    qdq_upsample.py make DIR        # DIR/up.onnx and DIR/x.npy
    qdq_upsample.py check DIR OUT   # one line
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(17)
X = (rng.random((1, 4, 5, 6)) * 2 - 0.5).astype(np.float32)
XS, XZ = np.float32(2 / 255), np.uint8(64)
W = rng.integers(-127, 128, (4, 3, 2, 2), dtype=np.int8)     # [C, M, KH, KW]
WS = (rng.random(3) * 0.02 + 0.005).astype(np.float32)
B = rng.integers(-300, 300, 3, dtype=np.int32)
TS, TZ = np.float32(0.03), np.uint8(0)


def reference():
    xq = np.clip(np.round(X / XS) + float(XZ), 0, 255)
    x = xq.astype(np.int64) - int(XZ)
    acc = np.einsum("nchw,cmij->nmhiwj", x, W.astype(np.int64))
    n, m, h, i, w, j = acc.shape
    acc = acc.reshape(n, m, h * i, w * j) + B.reshape(1, m, 1, 1)
    scale = (np.float32(XS) * WS / TS).astype(np.float32).reshape(1, m, 1, 1)
    t = np.clip(np.round(acc.astype(np.float32) * scale) + float(TZ), 0, 255).astype(np.uint8)
    u = t.repeat(2, axis=2).repeat(2, axis=3)
    return np.concatenate([u, u], axis=1)


def make(folder):
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("xs", np.array(XS)), ("xz", np.array(XZ)), ("w", W), ("ws", WS),
        ("wz", np.zeros(3, np.int8)), ("b", B), ("bs", (XS * WS).astype(np.float32)),
        ("bz", np.zeros(3, np.int32)), ("ts", np.array(TS)), ("tz", np.array(TZ)),
        ("scales", np.array([1, 1, 2, 2], np.float32))]]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
        helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
        helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=1),
        helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["bd"], axis=0),
        helper.make_node("ConvTranspose", ["xd", "wd", "bd"], ["t"],
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Relu", ["t"], ["tr"]),
        helper.make_node("QuantizeLinear", ["tr", "ts", "tz"], ["tq"]),
        helper.make_node("DequantizeLinear", ["tq", "ts", "tz"], ["td"]),
        helper.make_node("Resize", ["td", "", "scales"], ["u"], mode="nearest",
                         coordinate_transformation_mode="asymmetric",
                         nearest_mode="floor"),
        helper.make_node("QuantizeLinear", ["u", "ts", "tz"], ["uq"]),
        helper.make_node("DequantizeLinear", ["uq", "ts", "tz"], ["ud"]),
        helper.make_node("Concat", ["ud", "ud"], ["cat"], axis=1),
        helper.make_node("QuantizeLinear", ["cat", "ts", "tz"], ["out"])]
    graph = helper.make_graph(
        nodes, "upsample",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, X.shape)],
        [helper.make_tensor_value_info("out", TensorProto.UINT8, (1, 6, 20, 24))],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "up.onnx"))
    np.save(os.path.join(folder, "x.npy"), X)


def check(out):
    got = np.load(os.path.join(out, "out.npy"))
    want = reference()
    if got.shape == want.shape and np.array_equal(got, want):
        print("upsampled: exact")
    else:
        diff = np.abs(got.astype(np.int64) - want.astype(np.int64)) if got.shape == want.shape else None
        print("upsampled: DIFFERS", got.shape, want.shape,
              "" if diff is None else "max %d at %d places" % (diff.max(), (diff > 0).sum()))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[3])
