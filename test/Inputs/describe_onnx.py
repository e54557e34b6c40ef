#!/usr/bin/env python3
"""Runs ONNX's own full checker (with shape inference) on a model and prints
its structure, one line per item, for FileCheck."""

import sys

import onnx


def shape_of(value_info):
    t = value_info.type.tensor_type
    dims = ["?" if not d.HasField("dim_value") else str(d.dim_value)
            for d in t.shape.dim]
    return "%s[%s]" % (onnx.TensorProto.DataType.Name(t.elem_type),
                       ",".join(dims))


model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print("checker: ok")
print("ir_version: %d" % model.ir_version)
for opset in model.opset_import:
    print("opset: '%s' %d" % (opset.domain, opset.version))
for vi in model.graph.input:
    print("input: %s %s" % (vi.name, shape_of(vi)))
for init in model.graph.initializer:
    print("initializer: %s %s%s" % (
        init.name, onnx.TensorProto.DataType.Name(init.data_type),
        list(init.dims)))
for node in model.graph.node:
    attrs = ",".join(a.name for a in node.attribute)
    print("node: %s %s(%s) -> %s {%s}" % (
        node.name, node.op_type, ",".join(node.input), ",".join(node.output),
        attrs))
for vi in model.graph.output:
    print("output: %s %s" % (vi.name, shape_of(vi)))
