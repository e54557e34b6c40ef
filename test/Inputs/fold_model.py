"""A float model with what ONNX exporters leave around convolutions:
Conv -> Mul -> Add (per channel) -> Relu -> ConvTranspose -> Add (bias) ->
BatchNormalization -> Resize (nearest, x2) -> Concat, for --quantize=int8.

    fold_model.py make DIR             # DIR/fold.onnx, DIR/calibration.npz, DIR/x.npy
    fold_model.py structure Q.onnx     # what the exported QDQ model holds
    fold_model.py compare FLOAT INT8   # int8 against float outputs (.npy)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(23)


def make(folder):
    c = lambda *shape: (rng.standard_normal(shape) * 0.5).astype(np.float32)
    inits = [numpy_helper.from_array(v, n) for n, v in [
        ("w", c(4, 3, 3, 3)), ("b", c(4)), ("m", (rng.random((4, 1, 1)) * 2 + 0.5).astype(np.float32)),
        ("a", c(1, 4, 1, 1)), ("tw", c(4, 2, 2, 2)), ("tb", c(1, 2, 1, 1)),
        ("gamma", (rng.random(2) + 0.5).astype(np.float32)), ("beta", c(2)),
        ("mean", c(2)), ("var", (rng.random(2) + 0.5).astype(np.float32)),
        ("scales", np.array([1, 1, 2, 2], np.float32))]]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["conv"], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Mul", ["conv", "m"], ["scaled"], name="scale"),
        helper.make_node("Add", ["a", "scaled"], ["shifted"], name="shift"),
        helper.make_node("Relu", ["shifted"], ["relu"], name="relu"),
        helper.make_node("ConvTranspose", ["relu", "tw"], ["up"], kernel_shape=[2, 2],
                         strides=[2, 2], name="deconv"),
        helper.make_node("Add", ["up", "tb"], ["biased"], name="bias"),
        helper.make_node("BatchNormalization", ["biased", "gamma", "beta", "mean", "var"],
                         ["normed"], name="bn"),
        helper.make_node("Resize", ["normed", "", "scales"], ["big"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor",
                         name="resize"),
        helper.make_node("Concat", ["big", "big"], ["y"], axis=1, name="concat")]
    graph = helper.make_graph(
        nodes, "fold", [helper.make_tensor_value_info("x", TensorProto.FLOAT, (1, 3, 8, 8))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, (1, 4, 32, 32))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "fold.onnx"))
    samples = rng.random((16, 1, 3, 8, 8)).astype(np.float32)
    np.savez(os.path.join(folder, "calibration.npz"), x=samples)
    np.save(os.path.join(folder, "x.npy"), rng.random((1, 3, 8, 8)).astype(np.float32))


def structure(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    ops = [n.op_type for n in model.graph.node]
    made = {o: n for n in model.graph.node for o in n.output}
    print("left float:", sorted({o for o in ops if o in ("Mul", "Add", "BatchNormalization")}))
    for n in model.graph.node:
        if n.op_type == "ConvTranspose":
            w = made[n.input[1]]
            axis = [a.i for a in w.attribute if a.name == "axis"]
            print("ConvTranspose weights:", w.op_type, "axis", axis)
        if n.op_type in ("Resize", "Concat"):
            reads = {made[i].op_type for i in n.input if i in made and i}
            readers = {r.op_type for r in model.graph.node if n.output[0] in r.input}
            print(n.op_type, "reads", sorted(reads & {"DequantizeLinear"}), "feeds", sorted(readers))


def compare(float_out, int8_out):
    f, q = np.load(float_out), np.load(int8_out)
    err = np.abs(f - q).mean() / np.abs(f).mean()
    print("relative error %s" % ("under 3%" if err < 0.03 else "%.3f" % err))


if __name__ == "__main__":
    {"make": make, "structure": structure, "compare": compare}[sys.argv[1]](*sys.argv[2:])
