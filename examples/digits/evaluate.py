#!/usr/bin/env python3
"""Inputs and checks for the bundled digits example.

    evaluate.py prepare OUT_DIR [--count N]
        writes OUT_DIR/pixels.npy: the first N held-back images (all 397 by
        default)
    evaluate.py check OUT_DIR/probabilities.npy [--count N]
        compares Smelt's outputs with NumPy evaluating the same ONNX graph
        (Gemm, Relu, Gemm, Softmax; weights read by ONNX's numpy_helper),
        and prints the top-1 accuracy against the true labels

The reference is an independent evaluation of the graph, not Smelt's code.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-5


def held_back(count):
    data = np.load(os.path.join(HERE, "test_inputs.npz"))
    n = count or len(data["labels"])
    return data["pixels"][:n].astype(np.float32), data["labels"][:n]


def reference(pixels):
    model = onnx.load(os.path.join(HERE, "digits_mlp.onnx"))
    w = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    h = np.maximum(pixels @ w["fc1.weight"] + w["fc1.bias"], 0)
    logits = h @ w["fc2.weight"] + w["fc2.bias"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["prepare", "check"])
    parser.add_argument("path")
    parser.add_argument("--count", type=int, default=0)
    args = parser.parse_args()
    pixels, labels = held_back(args.count)
    if args.action == "prepare":
        os.makedirs(args.path, exist_ok=True)
        np.save(os.path.join(args.path, "pixels.npy"), pixels)
        return 0
    actual = np.load(args.path)
    expected = reference(pixels)
    diff = float(np.abs(actual - expected).max())
    agree = diff <= TOLERANCE
    print("max abs difference %.3g within %g: %s" % (diff, TOLERANCE,
                                                    "yes" if agree else "no"))
    print("top-1 accuracy on %d held-back images: %.1f%% (NumPy reference: %.1f%%)"
          % (len(labels), 100 * (actual.argmax(1) == labels).mean(),
             100 * (expected.argmax(1) == labels).mean()))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
