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
D = rng.integers(0, 256, (1, 6, 9, 21), dtype=np.uint8)     # QLinearConv, group 3 (2 in, 2 out each)
DW = rng.integers(-127, 128, (6, 2, 3, 3), dtype=np.int8)
DWS = (rng.random(6).astype(np.float32) * 0.01 + 0.001)
DB = rng.integers(-2000, 2000, 6, dtype=np.int32)
E = rng.integers(0, 256, (1, 5, 17, 19), dtype=np.uint8)    # depthwise 3x3, stride 2
EW = rng.integers(-127, 128, (5, 1, 3, 3), dtype=np.int8)
EWS = (rng.random(5).astype(np.float32) * 0.01 + 0.001)
HS, HZ = np.float32(0.015), np.uint8(20)                   # HardSwish after QLinearConv
G = rng.integers(0, 256, (1, 23, 72, 72), dtype=np.uint8)   # columns past the cache (k in blocks)
GW = rng.integers(-127, 128, (8, 23, 3, 3), dtype=np.int8)
GWS = (rng.random(8).astype(np.float32) * 0.01 + 0.001)
GB = rng.integers(-2000, 2000, 8, dtype=np.int32)
F = rng.integers(0, 256, (1, 16, 1, 1), dtype=np.uint8)     # 1x1 conv on one pixel (an SE block)
FW = rng.integers(-127, 128, (24, 16, 1, 1), dtype=np.int8)
FWS = (rng.random(24).astype(np.float32) * 0.01 + 0.001)


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
    def grouped(x, w, wscale, b, groups, stride, pad):
        n, c, h, wd = x.shape
        f = w.shape[0]
        xp = np.pad(x.astype(np.int64) - int(CXZ), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        oh, ow = (h + 2 * pad - 3) // stride + 1, (wd + 2 * pad - 3) // stride + 1
        acc = np.zeros((n, f, oh, ow), np.int64) + (0 if b is None else b.reshape(1, f, 1, 1))
        cg, fg = c // groups, f // groups
        for gi in range(groups):
            for i in range(3):
                for j in range(3):
                    patch = xp[:, gi * cg:(gi + 1) * cg, i:i + stride * oh:stride, j:j + stride * ow:stride]
                    acc[:, gi * fg:(gi + 1) * fg] += np.einsum(
                        "nchw,fc->nfhw", patch, w[gi * fg:(gi + 1) * fg, :, i, j].astype(np.int64))
        scale = (CXS * wscale / CYS).astype(np.float32).reshape(1, f, 1, 1)
        return np.clip(np.round(acc.astype(np.float32) * scale) + float(CYZ), 0, 255).astype(np.uint8)

    # The convolution dequantized, through HardSwish as exporters write it
    # (Add, Clip, Mul, Div), quantized again: f32 op by op.
    x = (np.clip(cy, 0, 255).astype(np.float32) - np.float32(CYZ)) * CYS
    h = x * np.minimum(np.maximum(x + np.float32(3), np.float32(0)), np.float32(6)) / np.float32(6)
    activated = np.clip(np.round(h / HS) + np.float32(HZ), 0, 255).astype(np.uint8)
    facc = (F.reshape(16).astype(np.int64) - int(CXZ)) @ FW.reshape(24, 16).T.astype(np.int64)
    fy = np.clip(np.round(facc.astype(np.float32) * (CXS * FWS / CYS).astype(np.float32))
                 + float(CYZ), 0, 255)
    fx = (fy.astype(np.float32) - np.float32(CYZ)) * CYS
    fh = fx * np.minimum(np.maximum(fx + np.float32(3), np.float32(0)), np.float32(6)) / np.float32(6)
    squeezed = np.clip(np.round(fh / HS) + np.float32(HZ), 0, 255).astype(np.uint8).reshape(1, 24, 1, 1)
    return {"product": acc.astype(np.int32), "requantized": np.clip(y, 0, 255).astype(np.uint8),
            "activated": activated, "squeezed": squeezed,
            "convolved": np.clip(cy, 0, 255).astype(np.uint8),
            "grouped": grouped(D, DW, DWS, DB, 3, 1, 1),
            "depthwise": grouped(E, EW, EWS, None, 5, 2, 1),
            "large": grouped(G, GW, GWS, GB, 1, 1, 1)}


def make(folder):
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("B", B), ("az", np.array(AZ)), ("W", W), ("xs", np.array(XS)), ("xz", np.array(XZ)),
        ("ws", np.array(WS)), ("wz", np.array(np.int8(0))), ("ys", np.array(YS)), ("yz", np.array(YZ)),
        ("cw", CW), ("cws", CWS), ("cwz", np.zeros(5, np.int8)), ("cb", CB), ("cxs", np.array(CXS)),
        ("cxz", np.array(CXZ)), ("cys", np.array(CYS)), ("cyz", np.array(CYZ)),
        ("dw", DW), ("dws", DWS), ("dwz", np.zeros(6, np.int8)), ("db", DB),
        ("ew", EW), ("ews", EWS), ("ewz", np.zeros(5, np.int8)),
        ("three", np.array(np.float32(3))), ("zero", np.array(np.float32(0))),
        ("six", np.array(np.float32(6))), ("hs", np.array(HS)), ("hz", np.array(HZ)),
        ("fw", FW), ("fws", FWS), ("fwz", np.zeros(24, np.int8)),
        ("gw", GW), ("gws", GWS), ("gwz", np.zeros(8, np.int8)), ("gb", GB)]]
    nodes = [helper.make_node("MatMulInteger", ["A", "B", "az"], ["product"]),
             helper.make_node("QLinearMatMul", ["X", "xs", "xz", "W", "ws", "wz", "ys", "yz"],
                              ["requantized"]),
             helper.make_node("QLinearConv", ["C", "cxs", "cxz", "cw", "cws", "cwz", "cys", "cyz", "cb"],
                              ["convolved"], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("QLinearConv", ["D", "cxs", "cxz", "dw", "dws", "dwz", "cys", "cyz", "db"],
                              ["grouped"], group=3, pads=[1, 1, 1, 1]),
             helper.make_node("QLinearConv", ["E", "cxs", "cxz", "ew", "ews", "ewz", "cys", "cyz"],
                              ["depthwise"], group=5, strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("QLinearConv", ["G", "cxs", "cxz", "gw", "gws", "gwz", "cys", "cyz", "gb"],
                              ["large"], pads=[1, 1, 1, 1]),
             helper.make_node("QLinearConv", ["C", "cxs", "cxz", "cw", "cws", "cwz", "cys", "cyz", "cb"],
                              ["c2"], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("DequantizeLinear", ["c2", "cys", "cyz"], ["c2f"]),
             helper.make_node("Add", ["c2f", "three"], ["h1"]),
             helper.make_node("Clip", ["h1", "zero", "six"], ["h2"]),
             helper.make_node("Mul", ["c2f", "h2"], ["h3"]),
             helper.make_node("Div", ["h3", "six"], ["h4"]),
             helper.make_node("QuantizeLinear", ["h4", "hs", "hz"], ["activated"]),
             helper.make_node("QLinearConv", ["F", "cxs", "cxz", "fw", "fws", "fwz", "cys", "cyz"], ["f1"]),
             helper.make_node("DequantizeLinear", ["f1", "cys", "cyz"], ["f2"]),
             helper.make_node("Add", ["f2", "three"], ["f3"]),
             helper.make_node("Clip", ["f3", "zero", "six"], ["f4"]),
             helper.make_node("Mul", ["f2", "f4"], ["f5"]),
             helper.make_node("Div", ["f5", "six"], ["f6"]),
             helper.make_node("QuantizeLinear", ["f6", "hs", "hz"], ["squeezed"])]
    ref = reference()
    graph = helper.make_graph(
        nodes, "int8",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, A.shape),
         helper.make_tensor_value_info("X", TensorProto.UINT8, X.shape),
         helper.make_tensor_value_info("C", TensorProto.UINT8, C.shape),
         helper.make_tensor_value_info("D", TensorProto.UINT8, D.shape),
         helper.make_tensor_value_info("E", TensorProto.UINT8, E.shape),
         helper.make_tensor_value_info("F", TensorProto.UINT8, F.shape),
         helper.make_tensor_value_info("G", TensorProto.UINT8, G.shape)],
        [helper.make_tensor_value_info("product", TensorProto.INT32, ref["product"].shape),
         helper.make_tensor_value_info("requantized", TensorProto.UINT8, ref["requantized"].shape),
         helper.make_tensor_value_info("activated", TensorProto.UINT8, ref["activated"].shape),
         helper.make_tensor_value_info("squeezed", TensorProto.UINT8, ref["squeezed"].shape),
         helper.make_tensor_value_info("convolved", TensorProto.UINT8, ref["convolved"].shape),
         helper.make_tensor_value_info("grouped", TensorProto.UINT8, ref["grouped"].shape),
         helper.make_tensor_value_info("depthwise", TensorProto.UINT8, ref["depthwise"].shape),
         helper.make_tensor_value_info("large", TensorProto.UINT8, ref["large"].shape)],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "int8.onnx"))
    np.save(os.path.join(folder, "A.npy"), A)
    np.save(os.path.join(folder, "X.npy"), X)
    np.save(os.path.join(folder, "C.npy"), C)
    np.save(os.path.join(folder, "D.npy"), D)
    np.save(os.path.join(folder, "E.npy"), E)
    np.save(os.path.join(folder, "F.npy"), F)
    np.save(os.path.join(folder, "G.npy"), G)


def check(out):
    for name, want in reference().items():
        got = np.load(os.path.join(out, name + ".npy"))
        same = got.shape == want.shape and np.array_equal(got.astype(np.int64), want.astype(np.int64))
        print("%s: %s" % (name, "exact" if same else "DIFFERS (max diff %d)" % int(np.abs(got.astype(np.int64) - want).max())))


if __name__ == "__main__":
    make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[3])
