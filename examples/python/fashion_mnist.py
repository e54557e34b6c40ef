# %% [markdown]
# # Smelt from Python: compile, quantize, compare, report
#
# A CNN trained on Fashion-MNIST (`test/models/fashion-mnist`) is compiled
# for this CPU, quantized to int8 from 256 training images, and compared with
# its float self on all 10,000 test images: accuracy, agreement, speed and
# size. The compile report then shows what each layer became and how far its
# output moved from the float model's.
#
# Run it top to bottom as a script (`/usr/bin/python3
# examples/python/fashion_mnist.py`) or as a notebook
# (`examples/python/fashion_mnist.ipynb`, the same cells). It needs
# `scripts/setup.sh` to have run: that builds Smelt, installs Debian's
# dataset-fashion-mnist and puts the `smelt` module on `/usr/bin/python3`'s
# path.

# %%
import gzip
import os

import numpy as np

import smelt

DATA = "/usr/share/datasets/fashion-mnist"
# A script knows its file; a notebook runs in its own folder.
HERE = (os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals()
        else os.getcwd())
MODEL = os.path.join(HERE, "..", "..", "test", "models", "fashion-mnist",
                     "fashion_mnist_cnn.onnx")
CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal",
           "shirt", "sneaker", "bag", "ankle boot"]


def images(name):
    """28x28 images as the CNN takes them: [N, 1, 28, 28] floats in [0, 1]."""
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16)
    return pixels.reshape(-1, 1, 28, 28).astype(np.float32) / 255


def labels(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)


train = images("train-images-idx3-ubyte.gz")
test, test_labels = images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz")
print("train", train.shape, "test", test.shape)

# %% [markdown]
# ## Compile the float model
#
# The model's batch dimension is dynamic; `input_shapes` specializes the
# code for 100 images per call (the library still runs any other batch,
# with its general code).

# %%
BATCH = 100
shapes = {"image": (BATCH, 1, 28, 28)}
float_model = smelt.compile(MODEL, input_shapes=shapes)
print(float_model)


def predict(model):
    """Logits for all test images, a batch at a time."""
    return np.concatenate([model(test[i:i + BATCH])["logits"]
                           for i in range(0, len(test), BATCH)])


float_logits = predict(float_model)
print("float top-1: %.2f%%" % (100 * (float_logits.argmax(1) == test_labels).mean()))

# %% [markdown]
# ## Quantize to int8
#
# Calibration data is an iterable of samples, each a dict of arrays by
# input name: here 8 batches of 32 training images. Smelt calibrates the
# activations' ranges on them, rewrites the model into ONNX's QDQ form,
# compiles that to integer kernels, and runs the float and the int8 model on
# the same samples to measure each layer's divergence.

# %%
calibration = [{"image": train[i:i + 32]} for i in range(0, 256, 32)]
int8_model = smelt.compile(MODEL, quantize="int8", calibration=calibration,
                           input_shapes=shapes)
int8_logits = predict(int8_model)

# %% [markdown]
# ## Compare

# %%
x = test[:BATCH]
float_time = float_model.benchmark(x, runs=30)["median_ms"]
int8_time = int8_model.benchmark(x, runs=30)["median_ms"]
rows = [
    ("top-1 on 10,000 test images",
     "%.2f%%" % (100 * (float_logits.argmax(1) == test_labels).mean()),
     "%.2f%%" % (100 * (int8_logits.argmax(1) == test_labels).mean())),
    ("same class as float", "", "%.2f%%" % (100 * (int8_logits.argmax(1) ==
                                                    float_logits.argmax(1)).mean())),
    ("latency, %d images" % BATCH, "%.2f ms" % float_time, "%.2f ms" % int8_time),
    ("library", "%d KiB" % (os.path.getsize(float_model.library) // 1024),
     "%d KiB" % (os.path.getsize(int8_model.library) // 1024)),
    ("parameters", "%d KiB" % (int8_model.report["size"]["before"]["parameter_bytes"] // 1024),
     "%d KiB" % (int8_model.report["size"]["after"]["parameter_bytes"] // 1024)),
]
print("%-30s %12s %12s" % ("", "float", "int8"))
for row in rows:
    print("%-30s %12s %12s" % row)
first = int(int8_logits[0].argmax())
print("the first test image is a %s; int8 says %s" % (CLASSES[test_labels[0]], CLASSES[first]))

# %% [markdown]
# ## The report
#
# In a notebook the model renders as its report: sizes, each layer's format
# and divergence, and a plot of every tensor's SQNR against the float
# model. `int8_model.report` is the same as a dict.

# %%
if "display" in globals() or "get_ipython" in globals():
    display(int8_model)  # noqa: F821 (a notebook's builtin)
else:
    print(int8_model.summary())

# %% [markdown]
# ## Save, load, and weight-only int4 for comparison

# %%
saved = int8_model.save(os.path.join(os.environ.get("TMPDIR", "/tmp"), "fashion_int8.so"))
again = smelt.load(saved)
assert np.array_equal(again(x)["logits"], int8_model(x)["logits"])
int4_model = smelt.compile(MODEL, quantize="int4-weights", input_shapes=shapes)
int4_logits = predict(int4_model)
print("int4 weights: top-1 %.2f%%, parameters %d KiB" % (
    100 * (int4_logits.argmax(1) == test_labels).mean(),
    int4_model.report["size"]["after"]["parameter_bytes"] // 1024))

# The example checks its own claims.
float_top1 = (float_logits.argmax(1) == test_labels).mean()
assert (int8_logits.argmax(1) == test_labels).mean() >= float_top1 - 0.01
assert (int4_logits.argmax(1) == test_labels).mean() >= float_top1 - 0.02
print("done")
