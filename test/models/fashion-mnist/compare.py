#!/usr/bin/env python3
"""Compares Smelt's logits for the fixture's 64 reference images with
PyTorch's (saved by train_cnn.py): within 1e-4 relative to the largest
logit, and the same predicted class for every image.

    compare.py prepare OUT_DIR        # writes OUT_DIR/image.npy
    compare.py check LOGITS.npy
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
reference = np.load(os.path.join(HERE, "reference.npz"))
if sys.argv[1] == "prepare":
    np.save(os.path.join(sys.argv[2], "image.npy"), reference["images"])
    sys.exit(0)
actual = np.load(sys.argv[2])
expected = reference["logits"]
relative = float(np.abs(actual - expected).max() / np.abs(expected).max())
same_class = bool((actual.argmax(1) == expected.argmax(1)).all())
print("relative difference %.2g within 1e-4: %s; same classes: %s"
      % (relative, "yes" if relative <= 1e-4 else "no",
         "yes" if same_class else "no"))
sys.exit(0 if relative <= 1e-4 and same_class else 1)
