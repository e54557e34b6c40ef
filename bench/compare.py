#!/usr/bin/env python3
"""Compares Smelt's outputs (NAME.npy in one folder) with ONNX Runtime's
(prefix.NAME.bin + .shape, from ort_run.js): rtol 1e-4, atol 1e-5.

    compare.py SMELT_DIR ORT_PREFIX [--atol-of-max F]

--atol-of-max F sets atol to F times the largest |output| instead: for
long sums (a GEMM's 1024 products) whose small outputs are differences of
large terms, where both runtimes' rounding is relative to those terms."""
import glob
import os
import sys

import numpy as np

smelt_dir, ort_prefix = sys.argv[1], sys.argv[2]
atol_of_max = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--atol-of-max" else None
worst = []
for path in sorted(glob.glob(ort_prefix + ".*.bin")):
    name = path[len(ort_prefix) + 1:-4]
    shape = tuple(int(d) for d in open(path[:-4] + ".shape").read().split(","))
    ort = np.fromfile(path, dtype=np.float32).reshape(shape)
    mine = np.load(os.path.join(smelt_dir, name + ".npy"))
    atol = 1e-5 if atol_of_max is None else atol_of_max * float(np.abs(ort).max())
    ok = mine.shape == ort.shape and np.allclose(mine, ort, rtol=1e-4, atol=atol)
    worst.append("%s %s (max abs diff %.2g)" % (name, "matches" if ok else "DIFFERS",
                                               float(np.abs(mine - ort).max())))
print("; ".join(worst) if worst else "no outputs")
