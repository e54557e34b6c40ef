#!/usr/bin/env python3
"""How much a Winograd F(2x2, 3x3) convolution would gain here: one 3x3
convolution (stride 1, pad 1, random weights, seed 0) as ONNX's Conv and
as the same convolution decomposed into plain ONNX ops (the input
transform B^T d B as a stride-2 4x4 depthwise Conv of 16 outputs per
channel, 16 batched MatMuls against the transformed weights G g G^T,
the output transform A^T m A as one MatMul, then reshapes); each graph
compiled by Smelt and run beside ONNX Runtime at 1 thread (the two sides
taking turns, each keeping its best median of SMELT_BENCH_RUNS runs over
SMELT_ZOO_ROUNDS rounds). Prints both latencies per side, the ratios, and
the relative L2 distance between Smelt's two outputs.

    bench/winograd.sh [C:O:SIZE ...]       # default 64:64:56 128:128:28 256:256:14 512:512:7
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from zoo import best_of_turns, median_ms

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("SMELT_BUILD_DIR", os.path.join(os.path.dirname(HERE), "build"))
CACHE = os.path.join(HERE, ".cache", "winograd")
RUNS = int(os.environ.get("SMELT_BENCH_RUNS", "30"))
ROUNDS = max(1, int(os.environ.get("SMELT_ZOO_ROUNDS", "2")))

# F(2x2, 3x3) (Lavin and Gray, 2015).
BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], np.float64)
G = np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]], np.float64)
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], np.float64)


def save(nodes, inits, channels, outputs, size, path):
    graph = helper.make_graph(
        nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, outputs, size, size])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def build(folder, c, o, size):
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((o, c, 3, 3)) / np.sqrt(9 * c)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(o)).astype(np.float32)
    np.save(os.path.join(folder, "x.npy"), rng.standard_normal((1, c, size, size)).astype(np.float32))
    save([helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1] * 4)],
         [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "b")],
         c, o, size, os.path.join(folder, "direct.onnx"))
    t = (size + 1) // 2  # tiles; an odd map is computed one larger, then sliced
    extra = 2 * t - size
    bb = np.einsum("ai,bj->abij", BT, BT).reshape(16, 4, 4)
    wb = np.tile(bb[None], (c, 1, 1, 1)).reshape(c * 16, 1, 4, 4).astype(np.float32)
    u = np.einsum("ak,ockl,bl->aboc", G, w.astype(np.float64), G).reshape(16, o, c).astype(np.float32)
    aa = np.einsum("ia,jb->ijab", AT, AT).reshape(4, 16).astype(np.float32)
    ints = lambda name, v: numpy_helper.from_array(np.array(v, np.int64), name)
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["xp"]),
        helper.make_node("Conv", ["xp", "wb"], ["v"], strides=[2, 2], group=c),
        helper.make_node("Reshape", ["v", "s1"], ["v1"]),
        helper.make_node("Transpose", ["v1"], ["v2"], perm=[1, 0, 2]),
        helper.make_node("MatMul", ["u", "v2"], ["m"]),
        helper.make_node("Reshape", ["m", "s2"], ["m1"]),
        helper.make_node("MatMul", ["aa", "m1"], ["y1"]),
        helper.make_node("Reshape", ["y1", "s3"], ["y2"]),
        helper.make_node("Transpose", ["y2"], ["y3"], perm=[2, 3, 0, 4, 1]),
        helper.make_node("Reshape", ["y3", "s4"], ["y4"]),
        helper.make_node("Slice", ["y4", "starts", "ends", "axes"], ["y5"]),
        helper.make_node("Add", ["y5", "b4"], ["y"])]
    inits = [ints("pads", [0, 0, 1, 1, 0, 0, 1 + extra, 1 + extra]), numpy_helper.from_array(wb, "wb"),
             ints("s1", [c, 16, t * t]), numpy_helper.from_array(u, "u"), ints("s2", [16, o * t * t]),
             numpy_helper.from_array(aa, "aa"), ints("s3", [2, 2, o, t, t]), ints("s4", [1, o, 2 * t, 2 * t]),
             ints("starts", [0, 0]), ints("ends", [size, size]), ints("axes", [2, 3]),
             numpy_helper.from_array(bias.reshape(1, o, 1, 1), "b4")]
    save(nodes, inits, c, o, size, os.path.join(folder, "winograd.onnx"))


def main():
    cases = sys.argv[1:] or ["64:64:56", "128:128:28", "256:256:14", "512:512:7"]
    print("%-12s %10s %10s %10s %10s %8s %8s %9s" % (
        "case", "smelt_dir", "smelt_wino", "ort_dir", "ort_wino", "wino/dir", "wino/ort", "rel_l2"))
    for case in cases:
        try:
            c, o, size = map(int, case.split(":"))
            assert c > 0 and o > 0 and size > 0
        except (ValueError, AssertionError):
            sys.exit("winograd.py: %r: expected CHANNELS:OUTPUTS:SIZE, three positive integers"
                     % case)
        folder = os.path.join(CACHE, case.replace(":", "_"))
        os.makedirs(folder, exist_ok=True)
        build(folder, c, o, size)
        x = os.path.join(folder, "x.npy")
        ms = {}
        for kind in ("direct", "winograd"):
            model = os.path.join(folder, kind + ".onnx")
            library = os.path.join(folder, kind + ".so")
            subprocess.run([os.path.join(BUILD, "bin", "smeltc"), model, "-o", library],
                           check=True, capture_output=True, text=True)

            def smelt_side():
                return median_ms(subprocess.run(
                    [os.path.join(BUILD, "bin", "smelt-run"), library, "--input", "x=" + x,
                     "--output-dir", os.path.join(folder, kind), "--threads", "1",
                     "--bench", str(RUNS)], check=True, capture_output=True, text=True).stdout,
                    "median")

            def ort_side():
                return median_ms(subprocess.run(
                    ["node", os.path.join(HERE, "ort_run.js"), model, "x", x,
                     os.path.join(folder, kind + "_ort"), "1", str(RUNS)],
                    check=True, capture_output=True, text=True).stdout, "median")
            ms[kind] = best_of_turns([smelt_side, ort_side], ROUNDS)
        a = np.load(os.path.join(folder, "direct", "y.npy")).ravel()
        b = np.load(os.path.join(folder, "winograd", "y.npy")).ravel()
        print("%-12s %10.3f %10.3f %10.3f %10.3f %8.2f %8.2f %9.1e" % (
            case, ms["direct"][0], ms["winograd"][0], ms["direct"][1], ms["winograd"][1],
            ms["winograd"][0] / ms["direct"][0], ms["winograd"][0] / ms["direct"][1],
            np.linalg.norm(a - b) / np.linalg.norm(a)), flush=True)


if __name__ == "__main__":
    main()
