#!/usr/bin/env python3
"""Layer shapes the torchvision zoo is slow on, as small ONNX models of
their own, compiled by Smelt and run beside ONNX Runtime at 1 and 2
threads (the two sides taking turns, each keeping its best median of
SMELT_BENCH_RUNS runs over SMELT_ZOO_ROUNDS rounds): per case both
latencies, their ratio, each side's 2-thread speedup and the relative L2
distance of the outputs. Random weights, seed 0.

    bench/layers.sh [CASE...]          # all cases, or the ones named

Cases: pointwise (20 1x1 convolutions 576 <-> 96 channels on 14x14: three
panels of output channels), depthwise (20 depthwise 3x3 + Clip on
384x14x14), block (6 of torchvision's MobileNetV2 InvertedResidual, 32
channels on 28x28, expansion 6), gemm (197x3072 @ 3072x768: vit_b_16's
MLP), softmax (12x197x197, vit_b_16's attention). Results also go to
bench/.cache/layers/results.json.

ONNX Runtime's latency here includes handing its output to Node.js (the
zoo's models are large enough for that not to matter; a 1.8 MB Softmax
output is not: in vit_b_16 the same Softmax takes ORT 0.16 ms)."""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from zoo import best_of_turns, median_ms, relative_l2

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("SMELT_BUILD_DIR", os.path.join(os.path.dirname(HERE), "build"))
CACHE = os.path.join(HERE, ".cache", "layers")
RUNS = int(os.environ.get("SMELT_BENCH_RUNS", "50"))
ROUNDS = max(1, int(os.environ.get("SMELT_ZOO_ROUNDS", "3")))
THREADS = [1, 2]


def save(graph, folder, x):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, "model.onnx"))
    np.save(os.path.join(folder, "x.npy"), x)


def convolutions(folder, rng, channels, size, count, depthwise):
    """`count` convolutions (1x1 alternating between the two channel
    counts, or depthwise 3x3 each followed by a Clip to [0, 6])."""
    nodes, inits, x = [], [], "x"
    for i in range(count):
        if depthwise:
            cin = cout = channels[0]
            shape, group, pads = (cout, 1, 3, 3), cout, [1] * 4
        else:
            cin, cout = channels if i % 2 == 0 else channels[::-1]
            shape, group, pads = (cout, cin, 1, 1), 1, [0] * 4
        fan_in = shape[1] * shape[2] * shape[3]
        inits += [numpy_helper.from_array((rng.standard_normal(shape) / np.sqrt(fan_in)).astype(
                      np.float32), "w%d" % i),
                  numpy_helper.from_array((0.1 * rng.standard_normal(cout)).astype(np.float32),
                                          "b%d" % i)]
        nodes.append(helper.make_node("Conv", [x, "w%d" % i, "b%d" % i], ["c%d" % i],
                                      group=group, pads=pads, name="conv%d" % i))
        x = "c%d" % i
        if depthwise:
            nodes.append(helper.make_node("Clip", [x, "low", "high"], ["r%d" % i],
                                          name="clip%d" % i))
            x = "r%d" % i
    inits += [numpy_helper.from_array(np.array(0, np.float32), "low"),
              numpy_helper.from_array(np.array(6, np.float32), "high")]
    nodes[-1].output[0] = "y"
    cout = channels[0] if depthwise or count % 2 == 0 else channels[1]
    graph = helper.make_graph(
        nodes, "layers", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                        [1, channels[0], size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, cout, size, size])], inits)
    save(graph, folder, rng.standard_normal((1, channels[0], size, size)).astype(np.float32))


def block(folder, rng):
    import torch
    from torchvision.models.mobilenetv2 import InvertedResidual
    torch.manual_seed(0)
    model = torch.nn.Sequential(*[InvertedResidual(32, 32, 1, 6) for _ in range(6)]).eval()
    x = torch.from_numpy(rng.standard_normal((1, 32, 28, 28)).astype(np.float32))
    torch.onnx.export(model, x, os.path.join(folder, "model.onnx"), opset_version=14,
                      input_names=["x"], output_names=["y"])
    np.save(os.path.join(folder, "x.npy"), x.numpy())


def gemm(folder, rng):
    weights = numpy_helper.from_array(
        (rng.standard_normal((3072, 768)) / np.sqrt(3072)).astype(np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [197, 3072])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [197, 768])], [weights])
    save(graph, folder, rng.standard_normal((197, 3072)).astype(np.float32))


def softmax(folder, rng):
    graph = helper.make_graph(
        [helper.make_node("Softmax", ["x"], ["y"], axis=-1)], "softmax",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 12, 197, 197])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 12, 197, 197])])
    save(graph, folder, rng.standard_normal((1, 12, 197, 197)).astype(np.float32))


CASES = {
    "pointwise": lambda f, r: convolutions(f, r, (576, 96), 14, 20, depthwise=False),
    "depthwise": lambda f, r: convolutions(f, r, (384,), 14, 20, depthwise=True),
    "block": block,
    "gemm": gemm,
    "softmax": softmax,
}


def run_case(name):
    folder = os.path.join(CACHE, name)
    os.makedirs(folder, exist_ok=True)
    CASES[name](folder, np.random.default_rng(0))
    model, x = os.path.join(folder, "model.onnx"), os.path.join(folder, "x.npy")
    library = os.path.join(folder, "model.so")
    subprocess.run([os.path.join(BUILD, "bin", "smeltc"), model, "-o", library], check=True,
                   capture_output=True, text=True)
    row = {"case": name}
    for threads in THREADS:
        def smelt_side():
            return median_ms(subprocess.run(
                [os.path.join(BUILD, "bin", "smelt-run"), library, "--input", "x=" + x,
                 "--output-dir", os.path.join(folder, "smelt"), "--threads", str(threads),
                 "--bench", str(RUNS)], check=True, capture_output=True, text=True).stdout,
                "median")

        def ort_side():
            return median_ms(subprocess.run(
                ["node", os.path.join(HERE, "ort_run.js"), model, "x", x,
                 os.path.join(folder, "ort"), str(threads), str(RUNS)],
                check=True, capture_output=True, text=True).stdout, "median")
        row["smelt_ms_%dt" % threads], row["ort_ms_%dt" % threads] = best_of_turns(
            [smelt_side, ort_side], ROUNDS)
    mine = np.load(os.path.join(folder, "smelt", "y.npy")).ravel()
    theirs = np.fromfile(os.path.join(folder, "ort.y.bin"), dtype=np.float32)
    row["rel_l2"] = relative_l2(mine, theirs)
    return row


def main():
    names = sys.argv[1:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        sys.exit("bench/layers.sh: unknown case %s (cases: %s)" % (", ".join(unknown),
                                                                   ", ".join(CASES)))
    print("%-10s %9s %9s %6s %9s %9s %6s %8s %8s %9s" % (
        "case", "smelt 1t", "ort 1t", "ratio", "smelt 2t", "ort 2t", "ratio", "smelt x2",
        "ort x2", "rel_l2"))
    results = []
    for name in names:
        r = run_case(name)
        results.append(r)
        print("%-10s %9.3f %9.3f %6.2f %9.3f %9.3f %6.2f %8.2f %8.2f %9.1e" % (
            name, r["smelt_ms_1t"], r["ort_ms_1t"], r["smelt_ms_1t"] / r["ort_ms_1t"],
            r["smelt_ms_2t"], r["ort_ms_2t"], r["smelt_ms_2t"] / r["ort_ms_2t"],
            r["smelt_ms_1t"] / r["smelt_ms_2t"], r["ort_ms_1t"] / r["ort_ms_2t"], r["rel_l2"]),
            flush=True)
    with open(os.path.join(CACHE, "results.json"), "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
