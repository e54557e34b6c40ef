"""Checks a QDQ model exported by `smeltc --quantize=int8 --emit=onnx`:
ONNX's full checker accepts it; its weights are int8 (per output channel),
its biases int32, its activations uint8; and NumPy evaluating the exported
graph node by node (QuantizeLinear, DequantizeLinear, Gemm, Relu, Softmax,
Constant, as ONNX defines them) agrees with Smelt's compiled int8 outputs
within one quantization step of the last activation.

    qdq_check.py MODEL.onnx INPUT.npy SMELT_OUTPUT.npy
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
values[model.graph.input[0].name] = np.load(sys.argv[2])
kinds = {}


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def along(p, axis, rank):
    if p.ndim == 0:
        return p
    shape = [1] * rank
    shape[axis] = p.size
    return p.reshape(shape)


for node in model.graph.node:
    ins = [values[i] if i else None for i in node.input]
    op = node.op_type
    if op == "Constant":
        out = numpy_helper.to_array(attr(node, "value", None))
    elif op == "QuantizeLinear":
        x, scale, zp = ins
        axis = attr(node, "axis", 1)
        q = np.round(x / along(scale, axis, x.ndim)) + along(zp, axis, x.ndim).astype(np.float64)
        info = np.iinfo(zp.dtype)
        out = np.clip(q, info.min, info.max).astype(zp.dtype)
        kinds.setdefault("activations", set()).add(str(zp.dtype))
    elif op == "DequantizeLinear":
        x, scale, zp = ins
        axis = attr(node, "axis", 1)
        out = ((x.astype(np.float64) - along(zp, axis, x.ndim)) * along(scale, axis, x.ndim)).astype(np.float32)
        if x.dtype == np.int8:
            kinds.setdefault("weights", set()).add("int8 per channel" if scale.ndim == 1 else "int8 per tensor")
        if x.dtype == np.int32:
            kinds.setdefault("biases", set()).add("int32")
        last_step = float(scale) if scale.ndim == 0 else None
    elif op == "Gemm":
        a, b, c = (ins + [None])[:3]
        if attr(node, "transA", 0):
            a = a.T
        if attr(node, "transB", 0):
            b = b.T
        out = (a.astype(np.float64) @ b.astype(np.float64) * attr(node, "alpha", 1.0)
               + (0 if c is None else c * attr(node, "beta", 1.0))).astype(np.float32)
    elif op == "Relu":
        out = np.maximum(ins[0], 0)
    elif op == "Softmax":
        x = ins[0].astype(np.float64)
        e = np.exp(x - x.max(axis=attr(node, "axis", -1), keepdims=True))
        out = (e / e.sum(axis=attr(node, "axis", -1), keepdims=True)).astype(np.float32)
    else:
        raise SystemExit("qdq_check.py does not evaluate %s" % op)
    values[node.output[0]] = out

print("checker: ok")
for k in sorted(kinds):
    print("%s: %s" % (k, ", ".join(sorted(kinds[k]))))
want = values[model.graph.output[0].name]
got = np.load(sys.argv[3])
# The output is a softmax of dequantized logits: one logits step moves a
# probability by at most about step / 4 (the softmax's slope is at most 1/4
# per unit); allow the step itself.
diff = float(np.abs(got - want).max())
print("outputs within one quantization step (%.3g): %s" % (last_step, "yes" if diff <= last_step else "no (%.3g)" % diff))
