"""Shapes that reach every path of the CPU target's vector kernels (long
reductions in blocks, fused activations, masked tails, stride-2 reads,
window reductions, depthwise convolutions with a fused bias and activation
or at stride 2, along their channels after a pointwise convolution and
SiLU, tiled ConvTranspose with pads), checked against NumPy in float64.

    kernel_cases.py make DIR      # DIR/kernels.onnx and one NAME.npy per input
    kernel_cases.py check DIR OUT # compares OUT/NAME.npy; one line per output
"""
import os
import sys

import numpy as np
from onnx import helper, numpy_helper

from cases import conv, save

rng = np.random.default_rng(7)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# Inputs and weights.
A = f32(5, 700)            # Gemm, K = 700 > 2 * 256: blocked, then Relu
B = f32(40, 700)           # transB weights
C = f32(40)
X = f32(3, 7, 530)         # batched MatMul, K = 530
W = f32(530, 33)
P = f32(1, 3, 37, 37)      # MaxPool 3x3 stride 2: odd sizes, tails
Q = f32(1, 3, 23, 23)      # Conv 3x3 stride 2 pads 1, then Relu
QW = f32(8, 3, 3, 3)
QB = f32(8)
T = f32(1, 4, 9, 11)       # ConvTranspose 2x2 stride 2 pads 1
TW = f32(4, 6, 2, 2)
TB = f32(6)
D = f32(1, 24, 14, 14)     # depthwise 3x3 pads 1 + bias + Relu, masked tail
DW = f32(24, 1, 3, 3)
DB = f32(24)
E = f32(2, 16, 15, 15)     # depthwise 5x5 stride 2 pads 2, batch 2
EW = f32(16, 1, 5, 5)
EB = f32(16)
S = f32(1, 8, 7, 7)        # pointwise 8 -> 40, SiLU, depthwise 5x5 pads 2:
SW = f32(40, 8, 1, 1)      # along the channels (2.5 vectors: a masked
SB = f32(40)               # tail), the SiLU writing them innermost
SDW = f32(40, 1, 5, 5)
SDB = f32(40)


def reference():
    def max_pool(x, k, s):
        n, c, h, w = x.shape
        oh, ow = (h - k) // s + 1, (w - k) // s + 1
        y = np.full((n, c, oh, ow), -np.inf)
        for i in range(k):
            for j in range(k):
                y = np.maximum(y, x[:, :, i:i + s * oh:s, j:j + s * ow:s])
        return y

    def conv_transpose(x, w, b, pad):
        n, c, h, wd = x.shape
        f = w.shape[1]
        y = np.zeros((n, f, 2 * h, 2 * wd)) + b.reshape(1, f, 1, 1)
        for i in range(2):
            for j in range(2):
                y[:, :, i::2, j::2] += np.einsum("nchw,cf->nfhw", x.astype(np.float64),
                                                 w[:, :, i, j].astype(np.float64))
        return y[:, :, pad:2 * h - pad, pad:2 * wd - pad]

    def depthwise(x, w, b, stride, pad):
        return np.concatenate([conv(x[:, c:c + 1], w[c:c + 1], b[c:c + 1], stride, pad)
                               for c in range(x.shape[1])], axis=1)

    s = conv(S, SW, SB, 1, 0)
    s = s / (1 + np.exp(-s))
    return {
        "depthwise_silu": depthwise(s, SDW, SDB, 1, 2),
        "depthwise_relu": np.maximum(depthwise(D, DW, DB, 1, 1), 0),
        "depthwise_s2": depthwise(E, EW, EB, 2, 2),
        "gemm_relu": np.maximum(A.astype(np.float64) @ B.T.astype(np.float64) + C, 0),
        "batched": X.astype(np.float64) @ W.astype(np.float64),
        "pooled": max_pool(P.astype(np.float64), 3, 2),
        "conv_relu": np.maximum(conv(Q, QW, QB, 2, 1), 0),
        "deconv": conv_transpose(T, TW, TB, 1),
    }


def make(folder):
    inits = [numpy_helper.from_array(v, n) for n, v in
             [("B", B), ("C", C), ("W", W), ("QW", QW), ("QB", QB), ("TW", TW), ("TB", TB),
              ("DW", DW), ("DB", DB), ("EW", EW), ("EB", EB),
              ("SW", SW), ("SB", SB), ("SDW", SDW), ("SDB", SDB)]]
    nodes = [
        helper.make_node("Conv", ["S", "SW", "SB"], ["s"]),
        helper.make_node("Sigmoid", ["s"], ["ss"]),
        helper.make_node("Mul", ["s", "ss"], ["sm"]),
        helper.make_node("Conv", ["sm", "SDW", "SDB"], ["depthwise_silu"], kernel_shape=[5, 5],
                         pads=[2, 2, 2, 2], group=40),
        helper.make_node("Conv", ["D", "DW", "DB"], ["d"], kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=24),
        helper.make_node("Relu", ["d"], ["depthwise_relu"]),
        helper.make_node("Conv", ["E", "EW", "EB"], ["depthwise_s2"], kernel_shape=[5, 5],
                         strides=[2, 2], pads=[2, 2, 2, 2], group=16),
        helper.make_node("Gemm", ["A", "B", "C"], ["g"], transB=1),
        helper.make_node("Relu", ["g"], ["gemm_relu"]),
        helper.make_node("MatMul", ["X", "W"], ["batched"]),
        helper.make_node("MaxPool", ["P"], ["pooled"], kernel_shape=[3, 3], strides=[2, 2]),
        helper.make_node("Conv", ["Q", "QW", "QB"], ["q"], kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["q"], ["conv_relu"]),
        helper.make_node("ConvTranspose", ["T", "TW", "TB"], ["deconv"], kernel_shape=[2, 2],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
    ]
    inputs = {"A": A, "X": X, "P": P, "Q": Q, "T": T, "D": D, "E": E, "S": S}
    save(folder, "kernels", nodes, inputs, reference(), inits)


def check(out):
    for name, want in reference().items():
        got = np.load(os.path.join(out, name + ".npy"))
        ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-4)
        diff = float(np.abs(got - want).max()) if got.shape == want.shape else float("inf")
        print("%s: %s (max abs diff %.2g)" % (name, "matches" if ok else "DIFFERS", diff))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[3])
