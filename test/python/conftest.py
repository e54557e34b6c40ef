"""The smelt package under test: SMELT_PYTHON_PATH (ctest sets it to the
build's python/ folder), else build/python beside this checkout."""

import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.environ.get("SMELT_PYTHON_PATH",
                                  os.path.join(ROOT, "build", "python")))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def digits(root):
    """The bundled digits MLP, its calibration samples and 397 labelled
    test images."""
    import numpy as np
    folder = os.path.join(root, "examples", "digits")
    test = np.load(os.path.join(folder, "test_inputs.npz"))
    calibration = np.load(os.path.join(folder, "calibration.npz"))["pixels"]
    return {
        "model": os.path.join(folder, "digits_mlp.onnx"),
        "pixels": test["pixels"][:397].astype(np.float32),
        "labels": test["labels"][:397],
        "calibration": calibration.astype(np.float32),
    }
