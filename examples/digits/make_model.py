#!/usr/bin/env python3
"""Trains the bundled example: a small MLP classifier of the 8x8 handwritten
digits that ship with scikit-learn (1,797 real images), and writes it as ONNX
with ONNX's own helpers.

    /usr/bin/python3 examples/digits/make_model.py     # needs python3-sklearn

Outputs, next to this script:
  digits_mlp.onnx        the model: input "pixels" [N, 64] float in [0, 1],
                         output "probabilities" [N, 10]
  calibration.npz        64 training images (for calibration, later issues)
  test_inputs.npz        the held-back images and labels
The model and the .npz files are committed; this script documents how they
were made and regenerates them deterministically.
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
HIDDEN = 32


def train(x, y, epochs=300, lr=0.5, seed=0):
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, np.sqrt(2 / 64), (64, HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = rng.normal(0, np.sqrt(2 / HIDDEN), (HIDDEN, 10)).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    onehot = np.eye(10, dtype=np.float32)[y]
    for _ in range(epochs):
        h = np.maximum(x @ w1 + b1, 0)
        logits = h @ w2 + b2
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        g = (p - onehot) / len(x)
        gw2, gb2 = h.T @ g, g.sum(0)
        gh = (g @ w2.T) * (h > 0)
        gw1, gb1 = x.T @ gh, gh.sum(0)
        w1 -= lr * gw1
        b1 -= lr * gb1
        w2 -= lr * gw2
        b2 -= lr * gb2
    return w1, b1, w2, b2


def main():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(1).permutation(len(x))
    x, y = x[order], y[order]
    n_train = 1400
    w1, b1, w2, b2 = train(x[:n_train], y[:n_train])

    inits = [numpy_helper.from_array(a, n) for a, n in
             ((w1, "fc1.weight"), (b1, "fc1.bias"), (w2, "fc2.weight"),
              (b2, "fc2.bias"))]
    nodes = [
        helper.make_node("Gemm", ["pixels", "fc1.weight", "fc1.bias"],
                         ["fc1"], name="fc1"),
        helper.make_node("Relu", ["fc1"], ["relu1"], name="relu1"),
        helper.make_node("Gemm", ["relu1", "fc2.weight", "fc2.bias"],
                         ["logits"], name="fc2"),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1,
                         name="softmax"),
    ]
    graph = helper.make_graph(
        nodes, "digits_mlp",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 64])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT,
                                       ["N", 10])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              ir_version=8, producer_name="smelt-examples")
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(HERE, "digits_mlp.onnx"))

    np.savez(os.path.join(HERE, "calibration.npz"), pixels=x[:64])
    np.savez(os.path.join(HERE, "test_inputs.npz"), pixels=x[n_train:],
             labels=y[n_train:])
    h = np.maximum(x[n_train:] @ w1 + b1, 0)
    accuracy = ((h @ w2 + b2).argmax(1) == y[n_train:]).mean()
    print("held-back accuracy: %.3f on %d images" % (accuracy, len(x) - n_train))


if __name__ == "__main__":
    main()
