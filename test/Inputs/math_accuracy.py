"""One ONNX graph of Exp, Log, Tanh, Erf, Sigmoid and Softplus over 65,536
f32 values (special values, a uniform sweep of [-30, 30], and magnitudes
e^-80..e^80), and the comparison of each output with NumPy/Python in
float64, rounded to f32: the largest error in units of the last place
over the normal (not denormal) results, and whether the special values
(infinities, NaN, zeros, overflow and underflow) match.

    math_accuracy.py prepare DIR     DIR/math.onnx, DIR/x.npy
    math_accuracy.py check DIR OUT   OUT/<op>.npy from smelt-run"""
import math
import sys

import numpy as np
from onnx import TensorProto, helper

OPS = ["Exp", "Log", "Tanh", "Erf", "Sigmoid", "Softplus"]
n = 1 << 16
special = np.array([-np.inf, -1000, -20, -1e-8, 0, -0.0, 1e-8, 1e-30, 1, 10, 88.5, 89,
                    100, np.inf, np.nan], np.float32)
rng = np.random.default_rng(0)
x = np.concatenate([special, rng.uniform(-30, 30, n // 2),
                    np.exp(rng.uniform(-80, 80, n - n // 2 - len(special)))]).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node(op, ["x"], [op.lower()]) for op in OPS], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])],
    [helper.make_tensor_value_info(op.lower(), TensorProto.FLOAT, [n]) for op in OPS])
folder = sys.argv[2]
if sys.argv[1] == "prepare":
    import onnx
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              folder + "/math.onnx")
    np.save(folder + "/x.npy", x)
    sys.exit(0)
got = {op.lower(): np.load("%s/%s.npy" % (sys.argv[3], op.lower())) for op in OPS}
d = x.astype(np.float64)
with np.errstate(all="ignore"):
    reference = {
        "exp": np.exp(d), "log": np.log(np.where(d >= 0, d, np.nan)), "tanh": np.tanh(d),
        "erf": np.array([math.erf(v) if not math.isnan(v) else math.nan for v in d]),
        "sigmoid": 1 / (1 + np.exp(-d)),
        # f32 exp overflows past 88.7 in every runtime: log1p(inf) is inf.
        "softplus": np.log1p(np.exp(d.astype(np.float32)).astype(np.float64)),
    }
    for name, want in reference.items():
        want32 = want.astype(np.float32)
        mine = got[name]
        normal = np.isfinite(want32) & (np.abs(want32) >= np.finfo(np.float32).tiny)
        ulp = np.abs(mine[normal].astype(np.float64) - want32[normal]) / np.spacing(np.abs(want32[normal]))
        s = slice(0, len(special))
        same = np.array_equal(mine[s], want32[s], equal_nan=True) or np.allclose(
            mine[s], want32[s], rtol=4 * np.finfo(np.float32).eps, atol=np.finfo(np.float32).tiny,
            equal_nan=True)
        print("%s: max %d ulp, special values %s" % (name, int(ulp.max()), "match" if same else
                                                      "DIFFER: %s" % list(zip(x[s], mine[s], want32[s]))))
