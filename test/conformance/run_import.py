#!/usr/bin/env python3
"""Imports every ONNX backend test case with smelt-translate and verifies it.

Runs `smelt-translate --import-onnx` on each case's model.onnx under the
libonnx-testdata folders (node, pytorch-converted, pytorch-operator, simple),
prints `imported N of M`, groups the failures by reason, and compares them with
the expected-failure list: a case that newly fails, or a listed case that now
passes, fails the run (so the list stays exact). `--update` rewrites the list.

With `--round-trip`, each imported module is also exported back to ONNX
(`--export-onnx`) and imported again; the two modules must print the same.
"""

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile

import expected_list

SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
DEFAULT_DATA = "/usr/share/libonnx-testdata/data"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_EXPECTED = os.path.join(HERE, "expected_import_failures.txt")


def first_error(stderr):
    for line in stderr.splitlines():
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    return stderr.strip().splitlines()[-1] if stderr.strip() else "no message"


def reason_of(message):
    """A short, case-independent reason for grouping."""
    m = message
    m = re.sub(r"node '[^']*'", "node", m)
    m = re.sub(r"node #\d+", "node", m)
    m = re.sub(r"producing '[^']*'", "", m)
    m = re.sub(r"'[^']*'", "'…'", m)
    m = re.sub(r"\d+", "N", m)
    m = m.split("\n")[0]
    return m[:160]


# What an export may change: who produced the model, and the IR version (an
# opset-17 model is written with IR version 8 at least).
PRODUCER = re.compile(r'onnx\.producer_(name|version) = "[^"]*",? ?|'
                      r'onnx\.ir_version = \d+ : i64,? ?')


def run_tool(tool, args, timeout):
    """(ok, error message, stdout)."""
    try:
        proc = subprocess.run([tool] + args, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "timed out", b""
    if proc.returncode == 0:
        return True, "", proc.stdout
    if proc.returncode < 0:
        return False, "crashed with signal %d" % -proc.returncode, b""
    return False, first_error(proc.stderr.decode(errors="replace")), b""


def run_case(tool, case_dir, timeout, round_trip):
    model = os.path.join(case_dir, "model.onnx")
    if not round_trip:
        ok, msg, _ = run_tool(tool, ["--import-onnx", model, "-o", os.devnull],
                              timeout)
        return ok, msg
    ok, msg, first = run_tool(tool, ["--import-onnx", model], timeout)
    if not ok:
        return ok, msg
    with tempfile.TemporaryDirectory() as tmp:
        mlir = os.path.join(tmp, "model.mlir")
        exported = os.path.join(tmp, "exported.onnx")
        with open(mlir, "wb") as f:
            f.write(first)
        ok, msg, _ = run_tool(tool, ["--export-onnx", mlir, "-o", exported],
                              timeout)
        if not ok:
            return False, "round trip: export fails: " + msg
        ok, msg, second = run_tool(tool, ["--import-onnx", exported], timeout)
        if not ok:
            return False, "round trip: the exported model does not import: " + msg
    a = PRODUCER.sub("", first.decode(errors="replace"))
    b = PRODUCER.sub("", second.decode(errors="replace"))
    if a != b:
        return False, "round trip: the re-imported module differs"
    return True, ""


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool", required=True, help="path to smelt-translate")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--expected", default=DEFAULT_EXPECTED)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--round-trip", action="store_true",
                        help="also export each module and import it again")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the expected-failure list")
    parser.add_argument("--min-rate", type=float, default=0.97,
                        help="fail when fewer cases import")
    args = parser.parse_args()

    cases = []
    for suite in SUITES:
        root = os.path.join(args.data, suite)
        if not os.path.isdir(root):
            print("missing test data folder %s (install libonnx-testdata)" % root)
            return 2
        for name in sorted(os.listdir(root)):
            if os.path.exists(os.path.join(root, name, "model.onnx")):
                cases.append(("%s/%s" % (suite, name), os.path.join(root, name)))

    results = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, args.tool, d, args.timeout,
                               args.round_trip): c
                   for c, d in cases}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()

    failures = {c: msg for c, (ok, msg) in results.items() if not ok}
    expected_list.print_groups(failures, reason_of)
    if args.update:
        expected_list.write(
            args.expected, failures, reason_of,
            "# Test-data cases that do not import yet, one per line, with the"
            " reason.\n# Regenerate with run_import.py --update.\n")
    new_failures, new_passes, crashes = expected_list.compare(
        results, failures, args.expected)

    total, imported = len(cases), len(cases) - len(failures)
    rate = imported / total if total else 0.0
    print("imported %d of %d (%.1f%%)" % (imported, total, 100 * rate))
    ok = not new_failures and not new_passes and not crashes and rate >= args.min_rate
    if args.update:
        ok = not crashes and rate >= args.min_rate
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
