"""Fashion-MNIST from Debian's dataset-fashion-mnist, as the CNN fixture
takes it (1x28x28 floats in [0, 1]).

    fashion_data.py OUT_DIR [--batch N]
      OUT_DIR/calibration.npz   256 training images (image: [256, 1, 28, 28])
      OUT_DIR/test_K.npy        the 10,000 test images in batches of N (1000)
      OUT_DIR/test_labels.npy
    fashion_data.py accuracy OUT_DIR LOGITS_DIR...  top-1 over the batches
"""
import gzip
import os
import sys

import numpy as np

ROOT = "/usr/share/datasets/fashion-mnist"


def images(name):
    with gzip.open(os.path.join(ROOT, name), "rb") as f:
        data = np.frombuffer(f.read(), np.uint8, offset=16)
    return (data.reshape(-1, 1, 28, 28).astype(np.float32) / 255)


def labels(name):
    with gzip.open(os.path.join(ROOT, name), "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)


if sys.argv[1] == "accuracy":
    out = sys.argv[2]
    truth = np.load(os.path.join(out, "test_labels.npy"))
    for folder in sys.argv[3:]:
        batches = sorted(f for f in os.listdir(folder) if f.startswith("logits_"))
        logits = np.concatenate([np.load(os.path.join(folder, f)) for f in batches])
        print("%s %.2f" % (folder, 100 * (logits.argmax(1) == truth[:len(logits)]).mean()))
    sys.exit(0)

out = sys.argv[1]
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
os.makedirs(out, exist_ok=True)
np.savez(os.path.join(out, "calibration.npz"), image=images("train-images-idx3-ubyte.gz")[:256])
test = images("t10k-images-idx3-ubyte.gz")
for k in range(len(test) // batch):
    np.save(os.path.join(out, "test_%02d.npy" % k), test[k * batch:(k + 1) * batch])
np.save(os.path.join(out, "test_labels.npy"), labels("t10k-labels-idx1-ubyte.gz"))
