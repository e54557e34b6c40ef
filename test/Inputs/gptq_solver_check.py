"""GPTQ's solver (smelt-transforms-unit gptq) against NumPy.

  gptq_solver_check.py TOOL WORKDIR

For random weights and the Gram matrix of correlated random inputs (with
one input always zero), checks Smelt's Cholesky factor against
numpy.linalg.cholesky, its integers and scales against GPTQ written here
in NumPy from the paper (Frantar et al. 2023, Algorithm 1, with the inverse
Hessian's upper Cholesky factor from numpy.linalg), and that GPTQ's output
error is below round to nearest's, each error checked against NumPy's
trace(D G D^T).
"""
import os
import subprocess
import sys

import numpy as np


def reference(w, gram, group, qmax):
    w = w.copy()
    h = gram.copy()
    k = h.shape[0]
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h += 0.01 * np.mean(np.diag(h)) * np.eye(k)
    u = np.linalg.cholesky(np.linalg.inv(h)).T
    q = np.zeros(w.shape, np.int8)
    scales = np.zeros((w.shape[0], k // group), np.float32)
    for i in range(k):
        if i % group == 0:
            s = (np.abs(w[:, i:i + group]).max(axis=1) / qmax).astype(np.float32)
            s[s == 0] = 1
            scales[:, i // group] = s
        s = scales[:, i // group]
        level = np.clip(np.round(w[:, i].astype(np.float32) / s), -qmax, qmax)
        q[:, i] = level
        err = (w[:, i] - level.astype(np.float64) * s) / u[i, i]
        w[:, i + 1:] -= np.outer(err, u[i, i + 1:])
    return q, scales


def main():
    tool, work = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(7)
    failures = 0
    for rows, k, group, qmax in [(6, 16, 8, 7.0), (5, 24, 24, 127.0), (3, 32, 4, 7.0)]:
        mix = rng.standard_normal((k, k)) * 0.3 + np.eye(k)
        x = rng.standard_normal((200, k)) @ mix
        x[:, 3] = 0
        gram = x.T @ x
        w = rng.standard_normal((rows, k))
        path_in = os.path.join(work, f"gptq_{rows}_{k}.in")
        path_out = os.path.join(work, f"gptq_{rows}_{k}.out")
        with open(path_in, "wb") as f:
            f.write(np.array([rows, k, group], np.int64).tobytes())
            f.write(np.array([qmax], np.float64).tobytes())
            f.write(w.astype(np.float64).tobytes())
            f.write(gram.astype(np.float64).tobytes())
        subprocess.check_call([tool, "gptq", path_in, path_out])
        data = open(path_out, "rb").read()
        o = 0
        factor = np.frombuffer(data, np.float64, k * k, o).reshape(k, k)
        o += 8 * k * k
        q = np.frombuffer(data, np.int8, rows * k, o).reshape(rows, k)
        o += rows * k
        scales = np.frombuffer(data, np.float32, rows * (k // group), o).reshape(rows, -1)
        o += 4 * scales.size
        gptq_error, nearest_error = np.frombuffer(data, np.float64, 2, o)

        # The Gram matrix has a zero row and column: no factor of its own.
        ok_chol = np.isnan(factor).all()
        ref_q, ref_scales = reference(w, gram, group, qmax)
        same_q = np.mean(q == ref_q)
        close_scales = np.allclose(scales, ref_scales, rtol=1e-5)
        d = w - q.astype(np.float64) * np.repeat(scales.astype(np.float64), group, axis=1)
        d[:, 3] = w[:, 3]  # the dead input's weights were zeroed
        ref_error = np.trace(d @ gram @ d.T)
        ok_error = abs(gptq_error - ref_error) <= 1e-6 * max(1.0, abs(ref_error))
        ok = ok_chol and same_q >= 0.99 and close_scales and ok_error and gptq_error < nearest_error
        failures += not ok
        print(f"rows={rows} k={k} group={group} qmax={qmax:g}: integers agree "
              f"{100 * same_q:.1f}%, scales {'agree' if close_scales else 'DIFFER'}, "
              f"error {'matches NumPy' if ok_error else 'DIFFERS'}, "
              f"gptq {'below' if gptq_error < nearest_error else 'NOT below'} "
              f"round to nearest ({gptq_error / nearest_error:.3f})")
    # Cholesky alone, on a positive definite matrix.
    a = rng.standard_normal((9, 9))
    a = a @ a.T + 9 * np.eye(9)
    path_in = os.path.join(work, "chol.in")
    with open(path_in, "wb") as f:
        f.write(np.array([1, 9, 9], np.int64).tobytes())
        f.write(np.array([7.0], np.float64).tobytes())
        f.write(np.ones(9).tobytes())
        f.write(a.tobytes())
    path_out = os.path.join(work, "chol.out")
    subprocess.check_call([tool, "gptq", path_in, path_out])
    factor = np.frombuffer(open(path_out, "rb").read(), np.float64, 81).reshape(9, 9)
    chol_ok = np.allclose(factor, np.linalg.cholesky(a), rtol=1e-12, atol=1e-12)
    print("cholesky:", "matches numpy.linalg.cholesky" if chol_ok else "DIFFERS")
    failures += not chol_ok
    print("gptq:", "all agree" if not failures else f"{failures} FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
