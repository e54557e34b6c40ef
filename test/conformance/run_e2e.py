#!/usr/bin/env python3
"""Compiles every ONNX backend test case to a native library, runs it, and
compares its outputs with the expected outputs stored beside the model.

For each case under the libonnx-testdata folders (node, pytorch-converted,
pytorch-operator, simple): `smeltc model.onnx -o model.so` (with
`--input-shape` for inputs whose declared shape is symbolic, taken from the
first data set), then
`smelt-run model.so --input input_0.pb ... --output-dir out` for every
test_data_set_N, and a comparison with output_N.pb: rtol 1e-3 and atol 1e-7
for floats, exact for integers and bool, NaN equal to NaN. Prints
`matched N of M`, groups the rest by reason, and compares them with the
expected-failure list (a newly failing case, or a listed case that now
passes, fails the run). `--update` rewrites the list.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

import expected_list

SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
DEFAULT_DATA = "/usr/share/libonnx-testdata/data"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_EXPECTED = os.path.join(HERE, "expected_e2e_failures.txt")
RTOL, ATOL = 1e-3, 1e-7


def first_error(stderr):
    for line in stderr.splitlines():
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else "no message"


def reason_of(message):
    m = re.sub(r"node '[^']*': ", "", message)
    m = re.sub(r"'[^']*'", lambda g: g.group(0) if g.group(0).startswith("'onnx.") else "'…'", m)
    m = re.sub(r"\d+", "N", m)
    return m.split("\n")[0][:160]


def run(cmd, timeout):
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if proc.returncode < 0:
        return proc, "crashed with signal %d" % -proc.returncode
    return proc, None


def compare(expected, actual):
    """None when they match, else why not."""
    if actual.shape != expected.shape:
        return "shape %s, expected %s" % (actual.shape, expected.shape)
    if expected.dtype.kind in "fc":
        if not np.allclose(actual, expected, rtol=RTOL, atol=ATOL,
                           equal_nan=True):
            diff = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
            return "values differ (max abs diff %.3g)" % np.nanmax(diff)
        return None
    if actual.dtype != expected.dtype:
        actual = actual.astype(expected.dtype)
    if not np.array_equal(actual, expected):
        return "values differ"
    return None


def run_case(tools, case_dir, timeout):
    smeltc, smelt_run = tools
    model_path = os.path.join(case_dir, "model.onnx")
    sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
    if not sets:
        return False, "no test data"
    try:
        graph = onnx.load(model_path).graph
    except Exception as e:  # a model ONNX's own loader rejects
        return False, "onnx cannot load the model: %s" % e
    outputs = [o.name for o in graph.output]
    initializers = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]

    def input_files(data_set):
        return sorted(glob.glob(os.path.join(data_set, "input_*.pb")),
                      key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))

    # Symbolic dimensions are fixed from the first data set's inputs, as a
    # user would with --input-shape.
    shape_flags = []
    for info, path in zip(inputs, input_files(sets[0])):
        dims = info.type.tensor_type.shape.dim
        if info.type.HasField("tensor_type") and any(
                not d.HasField("dim_value") for d in dims):
            tensor = onnx.TensorProto()
            with open(path, "rb") as f:
                tensor.ParseFromString(f.read())
            shape_flags.append("--input-shape=%s:%s" % (
                info.name, "x".join(str(d) for d in tensor.dims)))
    with tempfile.TemporaryDirectory() as tmp:
        library = os.path.join(tmp, "model.so")
        proc, problem = run([smeltc, model_path, "-o", library] + shape_flags,
                            timeout)
        if problem:
            return False, "compile " + problem
        if proc.returncode != 0:
            return False, "compile: " + first_error(proc.stderr)
        for data_set in sets:
            out_dir = os.path.join(tmp, "out")
            # One thread: the suite already runs cases side by side.
            cmd = [smelt_run, library, "--output-dir", out_dir, "--threads", "1"]
            for path in input_files(data_set):
                cmd += ["--input", path]
            proc, problem = run(cmd, timeout)
            if problem:
                return False, "run " + problem
            if proc.returncode != 0:
                return False, "run: " + first_error(proc.stderr)
            for i, name in enumerate(outputs):
                expected_path = os.path.join(data_set, "output_%d.pb" % i)
                if not os.path.exists(expected_path):
                    continue
                tensor = onnx.TensorProto()
                with open(expected_path, "rb") as f:
                    tensor.ParseFromString(f.read())
                expected = numpy_helper.to_array(tensor)
                file_name = name.replace("/", "_").replace("\\", "_")
                actual_path = os.path.join(out_dir, file_name + ".npy")
                if not os.path.exists(actual_path):
                    return False, "output %s was not written" % name
                why = compare(expected, np.load(actual_path))
                if why:
                    return False, "mismatch: output %s: %s" % (name, why)
    return True, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True,
                        help="folder with smeltc and smelt-run")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--expected", default=DEFAULT_EXPECTED)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--filter", default="", help="only cases matching")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    tools = (os.path.join(args.bin, "smeltc"), os.path.join(args.bin, "smelt-run"))

    cases = []
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        if not os.path.isdir(root):
            print("missing test data folder %s (install libonnx-testdata)" % root)
            return 2
        for name in sorted(os.listdir(root)):
            case = "%s/%s" % (suite, name)
            if args.filter and not re.search(args.filter, case):
                continue
            if os.path.exists(os.path.join(root, name, "model.onnx")):
                cases.append((case, os.path.join(root, name)))

    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, tools, d, args.timeout): c
                   for c, d in cases}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()

    failures = {c: msg for c, (ok, msg) in results.items() if not ok}
    expected_list.print_groups(failures, reason_of, shown=4,
                               verbose=args.verbose)
    if args.update:
        expected_list.write(
            args.expected, failures, reason_of,
            "# Test-data cases that do not yet compile, run and match, with the"
            " reason.\n# Regenerate with run_e2e.py --update.\n")
    new_failures, new_passes, crashes = expected_list.compare(
        results, failures, args.expected)
    total, matched = len(cases), len(cases) - len(failures)
    print("matched %d of %d (%.1f%%)" % (matched, total,
                                        100.0 * matched / total if total else 0))
    if args.update:
        return 0 if not crashes else 1
    return 0 if not new_failures and not new_passes and not crashes else 1


if __name__ == "__main__":
    sys.exit(main())
