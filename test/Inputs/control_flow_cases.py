"""If, Loop and Scan with static shapes, checked against NumPy.

    control_flow_cases.py make DIR      # DIR/flow.onnx and its inputs
    control_flow_cases.py check DIR OUT [SHIFT] # one line per output; the
                                        # run's x was x.npy + SHIFT
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

X = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5  # Loop state and If input
S = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)  # Scan input
TRIPS = 4


def reference(shift=0.0):
    given = X + np.float32(shift)
    x = given.astype(np.float64)
    rows = []
    for i in range(TRIPS):
        x = x * 2 + i
        rows.append(x.sum(axis=0))
    total = np.zeros(3)
    prefix = []
    for row in S[::-1].astype(np.float64):  # reverse scan
        total = total + row
        prefix.append(total)
    return {
        "looped": x,
        "row_sums": np.stack(rows),
        "chosen": np.abs(given) if given.sum() > 0 else -given.astype(np.float64),
        "scan_total": total,
        "scan_prefix": np.stack(prefix)[::-1],
    }


def make(folder):
    f = TensorProto.FLOAT
    loop_body = helper.make_graph(
        [helper.make_node("Cast", ["i"], ["fi"], to=f),
         helper.make_node("Constant", [], ["two"], value=numpy_helper.from_array(np.float32(2.0))),
         helper.make_node("Mul", ["x_in", "two"], ["doubled"]),
         helper.make_node("Add", ["doubled", "fi"], ["x_out"]),
         helper.make_node("ReduceSum", ["x_out", "axis0"], ["row"], keepdims=0),
         helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "loop_body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x_in", f, [2, 3])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x_out", f, [2, 3]),
         helper.make_tensor_value_info("row", f, [3])],
        [numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0")])
    then_branch = helper.make_graph(
        [helper.make_node("Abs", ["x"], ["a"])], "then",
        [], [helper.make_tensor_value_info("a", f, [2, 3])])
    else_branch = helper.make_graph(
        [helper.make_node("Neg", ["x"], ["n"])], "else",
        [], [helper.make_tensor_value_info("n", f, [2, 3])])
    scan_body = helper.make_graph(
        [helper.make_node("Add", ["sum_in", "next"], ["sum_out"]),
         helper.make_node("Identity", ["sum_out"], ["prefix"])],
        "scan_body",
        [helper.make_tensor_value_info("sum_in", f, [3]),
         helper.make_tensor_value_info("next", f, [3])],
        [helper.make_tensor_value_info("sum_out", f, [3]),
         helper.make_tensor_value_info("prefix", f, [3])])
    nodes = [
        helper.make_node("Constant", [], ["trips"],
                         value=numpy_helper.from_array(np.array(TRIPS, dtype=np.int64))),
        helper.make_node("Constant", [], ["yes"],
                         value=numpy_helper.from_array(np.array(True))),
        helper.make_node("Loop", ["trips", "yes", "x"], ["looped", "row_sums"], body=loop_body),
        helper.make_node("ReduceSum", ["x"], ["sum"], keepdims=0),
        helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.float32(0))),
        helper.make_node("Greater", ["sum", "zero"], ["positive"]),
        helper.make_node("If", ["positive"], ["chosen"], then_branch=then_branch,
                         else_branch=else_branch),
        helper.make_node("Constant", [], ["start"],
                         value=numpy_helper.from_array(np.zeros(3, dtype=np.float32))),
        helper.make_node("Scan", ["start", "s"], ["scan_total", "scan_prefix"], body=scan_body,
                         num_scan_inputs=1, scan_input_directions=[1],
                         scan_output_directions=[1]),
    ]
    ref = reference()
    graph = helper.make_graph(
        nodes, "flow",
        [helper.make_tensor_value_info("x", f, [2, 3]), helper.make_tensor_value_info("s", f, [4, 3])],
        [helper.make_tensor_value_info(n, f, v.shape) for n, v in ref.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(folder, exist_ok=True)
    onnx.save(model, os.path.join(folder, "flow.onnx"))
    np.save(os.path.join(folder, "x.npy"), X)  # sums to 0: If takes else
    np.save(os.path.join(folder, "x_plus_1.npy"), X + np.float32(1))  # then
    np.save(os.path.join(folder, "s.npy"), S)


def check(out, shift):
    for name, want in reference(shift).items():
        got = np.load(os.path.join(out, name + ".npy"))
        ok = got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-5)
        print("%s: %s" % (name, "matches" if ok else "DIFFERS %s vs %s" % (got, want)))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.0)
