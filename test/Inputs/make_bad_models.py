#!/usr/bin/env python3
"""Writes malformed ONNX models (and one good one with external data) into a
folder, for the importer's bad-input tests. Uses ONNX's own Python helpers so
that every model is malformed in exactly one way."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(folder, name, model):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(model.SerializeToString())


def model_of(nodes, inputs, outputs, initializers=(), opset=17, domains=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", opset)] + [
        helper.make_opsetid(d, v) for d, v in domains]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def relu_model(input_shape=(2, 3)):
    return model_of([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                    [vi("x", TensorProto.FLOAT, input_shape)],
                    [vi("y", TensorProto.FLOAT, input_shape)])


def external(folder, name, location, offset=None, length=None):
    """A Relu(x + w) model whose w (4x8 float, large enough to be a resource
    blob) lives in external data."""
    w = TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.extend([4, 8])
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset),
                       ("length", length)):
        if value is not None:
            entry = w.external_data.add()
            entry.key, entry.value = key, str(value)
    model = model_of(
        [helper.make_node("Add", ["x", "w"], ["s"], name="add1"),
         helper.make_node("Relu", ["s"], ["y"], name="relu1")],
        [vi("x", TensorProto.FLOAT, [4, 8])],
        [vi("y", TensorProto.FLOAT, [4, 8])], [w])
    save(folder, name, model)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    good = relu_model().SerializeToString()

    # Bytes that are not a model.
    with open(os.path.join(folder, "truncated.onnx"), "wb") as f:
        f.write(good[: len(good) // 2])
    with open(os.path.join(folder, "corrupt.onnx"), "wb") as f:
        f.write(bytes([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) + good[5:])
    open(os.path.join(folder, "empty.onnx"), "wb").close()

    # Shapes.
    save(folder, "negative_dim.onnx", relu_model((2, -3)))
    save(folder, "absurd_dim.onnx", relu_model((2, 1 << 50)))
    bad_init = numpy_helper.from_array(np.ones((2, 3), np.float32), "w")
    bad_init.raw_data = bad_init.raw_data[:-4]
    save(folder, "short_initializer.onnx", model_of(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add1")],
        [vi("x", TensorProto.FLOAT, [2, 3])],
        [vi("y", TensorProto.FLOAT, [2, 3])], [bad_init]))

    # Graphs.
    save(folder, "cycle.onnx", model_of(
        [helper.make_node("Relu", ["b"], ["a"], name="first"),
         helper.make_node("Relu", ["a"], ["b"], name="second")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("a", TensorProto.FLOAT, [2])]))
    save(folder, "missing_initializer.onnx", model_of(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add1")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])]))
    save(folder, "unknown_op.onnx", model_of(
        [helper.make_node("Frobnicate", ["x"], ["y"], name="frob1")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])]))
    save(folder, "unknown_domain.onnx", model_of(
        [helper.make_node("Relu", ["x"], ["y"], name="relu1",
                          domain="com.example")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])],
        domains=[("com.example", 1)]))
    newer = relu_model()
    newer.opset_import[0].version = 18
    save(folder, "opset18.onnx", newer)
    save(folder, "type_mismatch.onnx", model_of(
        [helper.make_node("Add", ["x", "n"], ["y"], name="add1")],
        [vi("x", TensorProto.FLOAT, [2]), vi("n", TensorProto.INT64, [2])],
        [vi("y", TensorProto.FLOAT, [2])]))
    save(folder, "output_type_mismatch.onnx", model_of(
        [helper.make_node("Relu", ["x"], ["y"], name="relu1")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.INT64, [2])]))
    save(folder, "missing_attribute.onnx", model_of(
        [helper.make_node("Cast", ["x"], ["y"], name="cast1")],
        [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.INT64, [2])]))

    # External data: one good model, then every way to point elsewhere.
    os.makedirs(os.path.join(folder, "weights"), exist_ok=True)
    data = np.arange(32, dtype=np.float32) - 2.5
    with open(os.path.join(folder, "weights", "w.bin"), "wb") as f:
        f.write(b"\0" * 16 + data.tobytes())
    external(folder, "external_good.onnx", "weights/w.bin", offset=16,
             length=128)
    external(folder, "external_absolute.onnx",
             os.path.join(os.path.abspath(folder), "weights", "w.bin"))
    external(folder, "external_escape.onnx", "weights/../../w.bin")
    outside = os.path.join(os.path.dirname(os.path.abspath(folder)),
                           "outside.bin")
    with open(outside, "wb") as f:
        f.write(data.tobytes())
    link = os.path.join(folder, "weights", "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(outside, link)
    external(folder, "external_symlink.onnx", "weights/link.bin")
    external(folder, "external_past_end.onnx", "weights/w.bin", offset=32,
             length=128)
    external(folder, "external_offset_past_end.onnx", "weights/w.bin",
             offset=4096)
    external(folder, "external_wrong_length.onnx", "weights/w.bin", offset=16,
             length=124)
    external(folder, "external_missing.onnx", "weights/nothere.bin")


if __name__ == "__main__":
    main(sys.argv[1])
