#!/usr/bin/env python3
"""Compares Smelt's outputs (NAME.npy in one folder) with ONNX Runtime's
(prefix.NAME.bin + .shape, from ort_run.js): rtol 1e-4, atol 1e-5."""
import glob
import os
import sys

import numpy as np

smelt_dir, ort_prefix = sys.argv[1], sys.argv[2]
worst = []
for path in sorted(glob.glob(ort_prefix + ".*.bin")):
    name = path[len(ort_prefix) + 1:-4]
    shape = tuple(int(d) for d in open(path[:-4] + ".shape").read().split(","))
    ort = np.fromfile(path, dtype=np.float32).reshape(shape)
    mine = np.load(os.path.join(smelt_dir, name + ".npy"))
    ok = mine.shape == ort.shape and np.allclose(mine, ort, rtol=1e-4, atol=1e-5)
    worst.append("%s %s (max abs diff %.2g)" % (name, "matches" if ok else "DIFFERS",
                                               float(np.abs(mine - ort).max())))
print("; ".join(worst) if worst else "no outputs")
