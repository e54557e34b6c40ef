#!/usr/bin/env python3
"""The README's main job, on the bundled Fashion-MNIST CNN
(test/models/fashion-mnist, trained with PyTorch): compile it, compress it to
int8 from 256 training images, run both on the 10,000 test images, and
report size, latency and accuracy before and after, beside ONNX Runtime 1.30
running the same float model and Smelt's QDQ export of the int8 one.

    examples/main_job.py BUILD_DIR WORK_DIR     (scripts/run-example.sh)
"""
import os
import shlex
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD, WORK = sys.argv[1], sys.argv[2]
MODEL = os.path.join(ROOT, "test", "models", "fashion-mnist", "fashion_mnist_cnn.onnx")
BENCH = os.path.join(ROOT, "bench")
BATCH, RUNS = 1000, 20


def step(title, *commands):
    """Prints a step's title and the commands it runs, with paths as the
    README shows them."""
    print("== " + title, flush=True)
    for command in commands:
        shown = [os.path.basename(c) if os.path.isabs(c) else
                 c.replace(os.path.join(WORK, "data") + os.sep, "").replace(WORK + os.sep, "")
                 for c in command]
        print("   " + " ".join(shlex.quote(c) for c in shown), flush=True)


def run(command, quiet=False):
    """Runs a command, exits naming it when it fails; prints its output
    unless `quiet`. Returns the finished process."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit("main job: %s failed:\n%s" % (" ".join(command), done.stderr + done.stdout))
    if not quiet and done.stdout.strip():
        print("   " + done.stdout.strip().replace("\n", "\n   "), flush=True)
    return done


def tool(name):
    return os.path.join(BUILD, "bin", name)


def smelt_logits(library, batch_file, out):
    run([tool("smelt-run"), library, "--input", "image=" + batch_file, "--output-dir", out,
         "--threads", "1"], quiet=True)
    return np.load(os.path.join(out, "logits.npy"))


def ort_logits(model, batch_file, prefix, runs=0):
    out = run(["node", os.path.join(BENCH, "ort_run.js"), model, "image", batch_file, prefix, "1",
               str(runs)], quiet=True).stdout
    logits = np.fromfile(prefix + ".logits.bin", dtype=np.float32).reshape(-1, 10)
    return logits, (float(out.split()[2]) if runs else None)


def smelt_ms(library, batch_file):
    out = run([tool("smelt-run"), library, "--input", "image=" + batch_file, "--threads", "1",
               "--bench", str(RUNS)], quiet=True).stdout
    return float(out.split()[1])


def main():
    os.makedirs(WORK, exist_ok=True)
    data = os.path.join(WORK, "data")
    if not os.path.exists(os.path.join(data, "test_labels.npy")):
        run([sys.executable, os.path.join(BENCH, "fashion_data.py"), data], quiet=True)
    labels = np.load(os.path.join(data, "test_labels.npy"))
    batches = sorted(os.path.join(data, f) for f in os.listdir(data) if f.startswith("test_")
                     and f[5:7].isdigit())
    shape = "--input-shape=image:%dx1x28x28" % BATCH
    float_so, int8_so = os.path.join(WORK, "cnn.so"), os.path.join(WORK, "cnn_int8.so")
    qdq = os.path.join(WORK, "cnn_int8_qdq.onnx")
    calibration = os.path.join(data, "calibration.npz")

    summary = [tool("smeltc"), MODEL, "--emit=summary"]
    step("1. import", summary)
    run(summary)
    compile_float = [tool("smeltc"), MODEL, shape, "-o", float_so]
    step("2. compile for this CPU", compile_float)
    run(compile_float)
    quantize = [tool("smeltc"), MODEL, shape, "--quantize=int8", "--calibration=" + calibration,
                "--report=" + os.path.join(WORK, "int8.json"), "-o", int8_so]
    export_qdq = [tool("smeltc"), MODEL, "--quantize=int8", "--calibration=" + calibration,
                  "--emit=onnx", "-o", qdq]
    step("3. compress: static int8 from 256 training images (and the same as ONNX QDQ)",
         quantize, export_qdq)
    # What the quantizer did: the last line it writes to stderr.
    print("   " + run(quantize).stderr.strip().splitlines()[-1])
    run(export_qdq, quiet=True)

    step("4. run on the 10,000 test images, beside ONNX Runtime 1.30 (1 thread)",
         [tool("smelt-run"), "cnn.so", "--input", "image=test_00.npy", "--threads", "1"],
         ["node", "bench/ort_run.js", "fashion_mnist_cnn.onnx", "image", "test_00.npy", "..."])
    logits = {k: [] for k in ("smelt float", "smelt int8", "ort float", "ort int8")}
    for k, batch in enumerate(batches):
        logits["smelt float"].append(smelt_logits(float_so, batch, os.path.join(WORK, "float")))
        logits["smelt int8"].append(smelt_logits(int8_so, batch, os.path.join(WORK, "int8")))
        logits["ort float"].append(ort_logits(MODEL, batch, os.path.join(WORK, "ortf"))[0])
        logits["ort int8"].append(ort_logits(qdq, batch, os.path.join(WORK, "ortq"))[0])
    logits = {k: np.concatenate(v) for k, v in logits.items()}
    truth = labels[:len(logits["smelt float"])]
    top1 = {k: 100 * (v.argmax(1) == truth).mean() for k, v in logits.items()}
    f, o = logits["smelt float"], logits["ort float"]
    print("   float: Smelt vs ONNX Runtime, max |diff| %.2g (%s within 1e-4 relative)" % (
        float(np.abs(f - o).max()), "all" if np.allclose(f, o, rtol=1e-4, atol=1e-5) else "NOT all"))
    same = (logits["smelt int8"].argmax(1) == logits["ort int8"].argmax(1)).mean()
    print("   int8: Smelt's integer kernels vs ONNX Runtime on the QDQ export: "
          "same class for %.2f%% of the images" % (100 * same))

    step("5. latency on one batch of %d images, median of %d runs, 1 thread" % (BATCH, RUNS))
    latency = {"smelt float": smelt_ms(float_so, batches[0]),
               "smelt int8": smelt_ms(int8_so, batches[0]),
               "ort float": ort_logits(MODEL, batches[0], os.path.join(WORK, "ortf"), RUNS)[1],
               "ort int8": ort_logits(qdq, batches[0], os.path.join(WORK, "ortq"), RUNS)[1]}
    size = os.path.getsize
    kib = lambda n: "%.0f KiB" % (n / 1024)
    print()
    print("%-24s %14s %14s %14s %14s" % ("", "Smelt float", "Smelt int8", "ORT float",
                                        "ORT int8 (QDQ)"))
    print("%-24s %13.2f%% %13.2f%% %13.2f%% %13.2f%%" % (
        "top-1, 10,000 images", top1["smelt float"], top1["smelt int8"], top1["ort float"],
        top1["ort int8"]))
    print("%-24s %11.2f ms %11.2f ms %11.2f ms %11.2f ms" % (
        "latency, %d images" % BATCH, latency["smelt float"], latency["smelt int8"],
        latency["ort float"], latency["ort int8"]))
    print("%-24s %14s %14s %14s %14s" % ("model / library", kib(size(float_so)), kib(size(int8_so)),
                                        kib(size(MODEL)), kib(size(qdq))))
    print()
    print("int8 against float: %.2fx faster, %.1fx smaller, top-1 %+.2f points; "
          "Smelt int8 against ONNX Runtime's int8: %.2fx its latency" % (
              latency["smelt float"] / latency["smelt int8"], size(float_so) / size(int8_so),
              top1["smelt int8"] - top1["smelt float"],
              latency["smelt int8"] / latency["ort int8"]))


if __name__ == "__main__":
    main()
