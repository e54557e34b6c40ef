"""A model large enough that smeltc splits its LLVM module across threads
(a chain of 14 convolutions of different shapes), plus transposes fused
with the Relu after them (a vector tile transposed in registers, with
tails on both sides), a Concat and a Pad (copies split across threads),
checked against NumPy: the convolutions in float64
(rtol 1e-4, atol 1e-4), the transposes, the Concat and the Pad exactly.

    codegen_cases.py make DIR      # DIR/codegen.onnx, one NAME.npy per input
    codegen_cases.py check DIR OUT # compares OUT/NAME.npy; one line per output
    codegen_cases.py same OUT1 OUT2  # whether two runs agree bit for bit
"""
import os
import sys

import numpy as np
from onnx import helper, numpy_helper

from cases import conv, save

rng = np.random.default_rng(11)

# (output channels, kernel, stride) of each convolution, each with a Relu.
CHAIN = [(16, 3, 1), (24, 3, 2), (24, 1, 1), (32, 3, 1), (48, 3, 2), (48, 1, 1),
         (64, 3, 1), (64, 5, 1), (96, 3, 2), (96, 1, 1), (128, 3, 1), (128, 1, 1),
         (160, 3, 1), (160, 1, 1)]
IMAGE = rng.standard_normal((1, 3, 32, 32)).astype(np.float32)
WEIGHTS = []
channels = 3
for out, kernel, stride in CHAIN:
    scale = 1.0 / np.sqrt(channels * kernel * kernel)
    WEIGHTS.append(((rng.standard_normal((out, channels, kernel, kernel)) * scale)
                    .astype(np.float32),
                    (rng.standard_normal(out) * 0.1).astype(np.float32)))
    channels = out

# Transposes (input shape, perm): NHWC to NCHW with tails on both sides,
# NCHW to NHWC on a 7x7 map, a rank-3 rotation, whole 16x16 tiles, the two
# inner dimensions swapped, and one large enough to run on several threads
# (ParallelCost.h).
TRANSPOSES = [((1, 37, 20, 3), (0, 3, 1, 2)), ((2, 14, 14, 48), (0, 3, 1, 2)),
              ((1, 64, 7, 7), (0, 2, 3, 1)), ((3, 17, 33), (2, 0, 1)),
              ((4, 16, 16), (0, 2, 1)), ((1, 5, 40, 24), (0, 1, 3, 2)),
              ((1, 56, 56, 40), (0, 3, 1, 2))]
TRANSPOSE_INPUTS = {"t%d" % i: rng.standard_normal(shape).astype(np.float32)
                    for i, (shape, _) in enumerate(TRANSPOSES)}
# A Concat and a Pad whose copies are large enough to split across threads.
U = rng.standard_normal((1, 24, 40, 40)).astype(np.float32)
V = rng.standard_normal((1, 40, 40, 40)).astype(np.float32)


def reference():
    y = IMAGE.astype(np.float64)
    for (_, kernel, stride), (w, b) in zip(CHAIN, WEIGHTS):
        y = np.maximum(conv(y, w, b, stride, kernel // 2), 0)
    outputs = {"features": y}
    for i, (_, perm) in enumerate(TRANSPOSES):
        outputs["r%d" % i] = np.maximum(np.transpose(TRANSPOSE_INPUTS["t%d" % i], perm), 0)
    outputs["joined"] = np.concatenate([U, V], axis=1)
    outputs["padded"] = np.pad(U, ((0, 0), (0, 0), (2, 3), (1, 2)), constant_values=0.5)
    return outputs


def make(folder):
    nodes, inits = [], []
    previous = "image"
    for i, ((_, kernel, stride), (w, b)) in enumerate(zip(CHAIN, WEIGHTS)):
        inits += [numpy_helper.from_array(w, "w%d" % i), numpy_helper.from_array(b, "b%d" % i)]
        nodes.append(helper.make_node("Conv", [previous, "w%d" % i, "b%d" % i], ["c%d" % i],
                                      kernel_shape=[kernel, kernel], strides=[stride, stride],
                                      pads=[kernel // 2] * 4))
        previous = "features" if i + 1 == len(CHAIN) else "a%d" % i
        nodes.append(helper.make_node("Relu", ["c%d" % i], [previous]))
    for i, (_, perm) in enumerate(TRANSPOSES):
        nodes.append(helper.make_node("Transpose", ["t%d" % i], ["p%d" % i], perm=list(perm)))
        nodes.append(helper.make_node("Relu", ["p%d" % i], ["r%d" % i]))
    nodes.append(helper.make_node("Concat", ["u", "v"], ["joined"], axis=1))
    inits += [numpy_helper.from_array(np.array([0, 0, 2, 1, 0, 0, 3, 2], np.int64), "pads"),
              numpy_helper.from_array(np.array(0.5, np.float32), "half")]
    nodes.append(helper.make_node("Pad", ["u", "pads", "half"], ["padded"]))
    save(folder, "codegen", nodes, dict(image=IMAGE, u=U, v=V, **TRANSPOSE_INPUTS),
         reference(), inits)


def check(out):
    for name, want in reference().items():
        got = np.load(os.path.join(out, name + ".npy"))
        if got.shape != want.shape:
            print("%s: DIFFERS (shape %s, not %s)" % (name, got.shape, want.shape))
            continue
        exact = name != "features"
        ok = np.array_equal(got, want) if exact else np.allclose(got, want, rtol=1e-4, atol=1e-4)
        print("%s: %s (max abs diff %.2g)" % (name, "matches" if ok else "DIFFERS",
                                               float(np.abs(got - want).max())))


def same(first, second):
    for name in sorted(reference()):
        a = np.load(os.path.join(first, name + ".npy"))
        b = np.load(os.path.join(second, name + ".npy"))
        print("%s: %s" % (name, "same" if np.array_equal(a, b) else "DIFFERENT"))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "check":
        check(sys.argv[3])
    else:
        same(sys.argv[2], sys.argv[3])
