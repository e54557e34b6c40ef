"""Runs the target-neutral conversion's contractions (named linalg ops, and
the generics of named-ops=false) on random data through upstream's own
lowering and LLVM's mlir-runner, and compares them with NumPy.

    named_ops_check.py SMELT_OPT STOCK_MLIR_OPT WORKDIR

Prints one line per case and form: "NAME FORM: ok" when every element
matches NumPy within 1e-5 relative to the largest magnitude (f32; integer
cases exactly), else the largest difference.
"""
import os
import re
import subprocess
import sys

import numpy as np

rng = np.random.default_rng(7)


def dense(a):
    """A NumPy array as an MLIR dense literal of its element type."""
    if a.dtype.kind == "f":
        body = np.array2string(a, separator=", ", threshold=1 << 30,
                               floatmode="unique", max_line_width=1 << 30)
    else:
        body = np.array2string(a, separator=", ", threshold=1 << 30,
                               max_line_width=1 << 30)
    return body.replace("\n", "")


ELEMENT = {"float32": "f32", "int8": "i8", "uint8": "ui8", "int32": "i32"}


def ttype(a):
    return "tensor<%sx%s>" % ("x".join(str(d) for d in a.shape),
                              ELEMENT[str(a.dtype)])


def conv_ref(x, w, b, group, pads, strides, dilations):
    """ONNX Conv (N-D, groups, explicit pads), in f64 or int64."""
    spatial = x.ndim - 2
    acc = np.float64 if x.dtype.kind == "f" else np.int64
    x = x.astype(acc)
    w = w.astype(acc)
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + spatial])
                                      for i in range(spatial)])
    n, c = x.shape[:2]
    f, cg = w.shape[:2]
    k = w.shape[2:]
    out = [(x.shape[2 + i] - dilations[i] * (k[i] - 1) - 1) // strides[i] + 1
           for i in range(spatial)]
    y = np.zeros([n, f] + out, acc)
    fg = f // group
    for o in np.ndindex(*out):
        window = tuple(slice(o[i] * strides[i],
                             o[i] * strides[i] + dilations[i] * (k[i] - 1) + 1,
                             dilations[i]) for i in range(spatial))
        for g in range(group):
            patch = x[(slice(None), slice(g * cg, (g + 1) * cg)) + window]
            wg = w[g * fg:(g + 1) * fg]
            y[(slice(None), slice(g * fg, (g + 1) * fg)) + o] = np.tensordot(
                patch, wg, axes=(list(range(1, 2 + spatial)),
                                 list(range(1, 2 + spatial))))
    if b is not None:
        y += b.astype(acc).reshape([1, f] + [1] * spatial)
    return y


def conv_case(name, shape, filters, kernel, group=1, pads=None, strides=None,
              dilations=None, bias=True):
    spatial = len(kernel)
    pads = pads or [0] * (2 * spatial)
    strides = strides or [1] * spatial
    dilations = dilations or [1] * spatial
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal([filters, shape[1] // group] + kernel).astype(np.float32)
    b = rng.standard_normal([filters]).astype(np.float32) if bias else None
    want = conv_ref(x, w, b, group, pads, strides, dilations).astype(np.float32)
    ops = ["%%x = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(x), ttype(x), ttype(x)),
           "%%w = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(w), ttype(w), ttype(w))]
    operands, types = ["%x", "%w"], [ttype(x), ttype(w)]
    if bias:
        ops.append("%%b = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
                   % (dense(b), ttype(b), ttype(b)))
        operands.append("%b")
        types.append(ttype(b))
    attrs = "group = %d : i64, kernel_shape = %s, pads = %s, strides = %s, dilations = %s" % (
        group, kernel, pads, strides, dilations)
    ops.append("%%y = onnx.Conv(%s) {%s} : (%s) -> %s"
               % (", ".join(operands), attrs, ", ".join(types), ttype(want)))
    return name, ops, want


def matmul_case(name, a_shape, b_shape):
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    want = np.matmul(a.astype(np.float64), b).astype(np.float32)
    ops = ["%%a = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(a), ttype(a), ttype(a)),
           "%%b = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(b), ttype(b), ttype(b)),
           "%%y = onnx.MatMul(%%a, %%b) : (%s, %s) -> %s"
           % (ttype(a), ttype(b), ttype(want))]
    return name, ops, want


def gemm_case(name, m, k, n):
    a = rng.standard_normal([m, k]).astype(np.float32)
    b = rng.standard_normal([n, k]).astype(np.float32)
    c = rng.standard_normal([n]).astype(np.float32)
    want = (a.astype(np.float64) @ b.T + c).astype(np.float32)
    ops = ["%%a = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(a), ttype(a), ttype(a)),
           "%%b = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(b), ttype(b), ttype(b)),
           "%%c = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(c), ttype(c), ttype(c)),
           "%%y = onnx.Gemm(%%a, %%b, %%c) {transB = 1 : i64} : (%s, %s, %s) -> %s"
           % (ttype(a), ttype(b), ttype(c), ttype(want))]
    return name, ops, want


def conv_integer_case(name, shape, filters, kernel, group):
    """ConvInteger: uint8 input, zero point 131; int8 weights."""
    x = rng.integers(0, 256, shape).astype(np.uint8)
    w = rng.integers(-128, 128, [filters, shape[1] // group] + kernel).astype(np.int8)
    xz = np.array(131, np.uint8)
    want = conv_ref(x.astype(np.int64) - 131, w, None, group,
                    [0] * (2 * len(kernel)), [1] * len(kernel),
                    [1] * len(kernel)).astype(np.int32)
    ops = ["%%x = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(x), ttype(x), ttype(x)),
           "%%w = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(w), ttype(w), ttype(w)),
           "%xz = onnx.Constant() {value = dense<131> : tensor<ui8>} : () -> tensor<ui8>",
           "%%y = onnx.ConvInteger(%%x, %%w, %%xz) {group = %d : i64, kernel_shape = %s, operandSegmentSizes = array<i32: 1, 1, 1, 0>} : (%s, %s, tensor<ui8>) -> %s"
           % (group, kernel, ttype(x), ttype(w), ttype(want))]
    return name, ops, want


def pool_ref(x, kernel, pads, strides, is_max, include_pad=False):
    """ONNX MaxPool / AveragePool (explicit pads, no ceil_mode)."""
    spatial = x.ndim - 2
    fill = -np.inf if is_max else 0.0
    width = [(0, 0), (0, 0)] + [(pads[i], pads[i + spatial])
                                for i in range(spatial)]
    xp = np.pad(x.astype(np.float64), width, constant_values=fill)
    ones = np.pad(np.ones(x.shape), width,
                  constant_values=1.0 if include_pad else 0.0)
    out = [(xp.shape[2 + i] - kernel[i]) // strides[i] + 1
           for i in range(spatial)]
    y = np.zeros(list(x.shape[:2]) + out)
    for o in np.ndindex(*out):
        window = (slice(None), slice(None)) + tuple(
            slice(o[i] * strides[i], o[i] * strides[i] + kernel[i])
            for i in range(spatial))
        axes = tuple(range(2, 2 + spatial))
        y[(slice(None), slice(None)) + o] = (
            xp[window].max(axis=axes) if is_max else
            xp[window].sum(axis=axes) / ones[window].sum(axis=axes))
    return y.astype(np.float32)


def pool_case(name, op, shape, kernel, pads, strides, include_pad=False):
    x = rng.standard_normal(shape).astype(np.float32)
    want = pool_ref(x, kernel, pads, strides, op == "MaxPool", include_pad)
    extra = ", count_include_pad = 1 : i64" if include_pad else ""
    ops = ["%%x = onnx.Constant() {value = dense<%s> : %s} : () -> %s"
           % (dense(x), ttype(x), ttype(x)),
           "%%y = onnx.%s(%%x) {kernel_shape = %s, pads = %s, strides = %s%s} : (%s) -> %s"
           % (op, kernel, pads, strides, extra, ttype(x), ttype(want))]
    return name, ops, want


CASES = [
    conv_case("conv2d", [2, 3, 7, 6], 4, [3, 3], pads=[1, 0, 1, 2],
              strides=[2, 1], dilations=[1, 2]),
    conv_case("depthwise", [1, 5, 6, 6], 5, [3, 3], group=5, pads=[1, 1, 1, 1]),
    conv_case("grouped", [1, 6, 5, 5], 4, [3, 3], group=2, strides=[2, 2]),
    conv_case("conv1d", [2, 3, 9], 2, [3], pads=[2, 1], dilations=[2],
              bias=False),
    conv_case("depthwise1d", [1, 4, 8], 4, [3], group=4),
    conv_case("conv3d", [1, 2, 4, 5, 4], 3, [2, 3, 2], strides=[1, 2, 1]),
    conv_case("grouped1d", [1, 4, 7], 2, [3], group=2),
    matmul_case("matmul", [5, 7], [7, 3]),
    matmul_case("batch_matmul", [3, 4, 5], [3, 5, 2]),
    matmul_case("broadcast_matmul", [2, 4, 5], [5, 3]),
    gemm_case("gemm", 4, 6, 3),
    conv_integer_case("conv_integer", [1, 4, 5, 5], 6, [3, 3], 2),
    pool_case("max_pool", "MaxPool", [2, 3, 7, 6], [3, 2], [1, 0, 1, 1], [2, 2]),
    pool_case("max_pool1d", "MaxPool", [1, 2, 9], [3], [1, 1], [2]),
    pool_case("average_pool", "AveragePool", [1, 3, 6, 6], [3, 3],
              [1, 1, 1, 1], [2, 2]),
    pool_case("average_pool_include_pad", "AveragePool", [1, 2, 5, 5], [2, 2],
              [1, 0, 0, 1], [1, 1], include_pad=True),
    pool_case("average_pool3d", "AveragePool", [1, 2, 4, 4, 4], [2, 2, 2],
              [0] * 6, [2, 2, 2]),
]

LOWER = ("builtin.module(one-shot-bufferize{bufferize-function-boundaries},"
         "func.func(convert-linalg-to-loops),expand-strided-metadata,"
         "lower-affine,convert-scf-to-cf,finalize-memref-to-llvm,"
         "convert-math-to-llvm,convert-arith-to-llvm,convert-func-to-llvm,"
         "convert-cf-to-llvm,reconcile-unrealized-casts)")


def run(smelt_opt, mlir_opt, work, name, ops, want, form):
    tools = os.path.dirname(mlir_opt)
    libs = os.path.join(os.path.dirname(tools), "lib")
    source = os.path.join(work, "%s.mlir" % name)
    with open(source, "w") as f:
        f.write("func.func @compute() -> %s {\n  %s\n  return %%y : %s\n}\n"
                % (ttype(want), "\n  ".join(ops), ttype(want)))
    option = "" if form == "named" else "=named-ops=false"
    converted = subprocess.run(
        [smelt_opt, source, "--convert-onnx-to-linalg" + option],
        check=True, capture_output=True, text=True).stdout
    kind = "F32" if want.dtype == np.float32 else "I32"
    element = "f32" if want.dtype == np.float32 else "i32"
    # mlir-runner prints through the runner utils; main calls the converted
    # function and prints its result.
    module = converted.rstrip()
    assert module.endswith("}")
    module = module[:-1] + """
  func.func private @printMemref%s(tensor<*x%s>) attributes {llvm.emit_c_interface}
  func.func @main() {
    %%y = call @compute() : () -> %s
    %%u = tensor.cast %%y : %s to tensor<*x%s>
    call @printMemref%s(%%u) : (tensor<*x%s>) -> ()
    return
  }
}
""" % (kind, element, ttype(want), ttype(want), element, kind, element)
    lowered = subprocess.run([mlir_opt, "--pass-pipeline=" + LOWER],
                             input=module, check=True, capture_output=True,
                             text=True).stdout
    printed = subprocess.run(
        [os.path.join(tools, "mlir-runner"), "-e", "main",
         "-entry-point-result=void",
         "-shared-libs=%s,%s" % (os.path.join(libs, "libmlir_runner_utils.so"),
                                 os.path.join(libs, "libmlir_c_runner_utils.so"))],
        input=lowered, check=True, capture_output=True, text=True).stdout
    data = printed.split("data =", 1)[1]
    got = np.array([float(v) for v in re.findall(
        r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)", data)])
    if got.size != want.size:
        return "DIFFERS (%d values for %d)" % (got.size, want.size)
    got = got.reshape(want.shape)
    if want.dtype == np.int32:
        same = np.array_equal(got.astype(np.int64), want)
        return "ok" if same else "DIFFERS (max %d)" % np.abs(got - want).max()
    err = float(np.abs(got - want).max()) / max(float(np.abs(want).max()), 1.0)
    return "ok" if err <= 1e-5 else "DIFFERS (relative %g)" % err


def main():
    smelt_opt, mlir_opt, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    for name, ops, want in CASES:
        for form in ("named", "generic"):
            print("%s %s: %s" % (name, form,
                                 run(smelt_opt, mlir_opt, work, name, ops,
                                     want, form)))


if __name__ == "__main__":
    main()
