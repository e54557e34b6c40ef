"""examples/python: the notebook is the script's cells, and it runs top to
bottom as a notebook would run it (cells in order in one namespace, in its
own folder, with a `display` that renders the model's HTML)."""

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture
def example(root):
    return os.path.join(root, "examples", "python")


def test_notebook_matches_the_script(example):
    subprocess.run([sys.executable, os.path.join(example, "make_notebook.py"), "--check",
                    os.path.join(example, "fashion_mnist.py"),
                    os.path.join(example, "fashion_mnist.ipynb")], check=True)


def test_notebook_runs_and_renders(example, monkeypatch, tmp_path, capsys):
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.skip("dataset-fashion-mnist is not installed")
    with open(os.path.join(example, "fashion_mnist.ipynb"), encoding="utf-8") as f:
        notebook = json.load(f)
    shown = []
    namespace = {"__name__": "__main__", "display": lambda obj: shown.append(obj._repr_html_())}
    monkeypatch.chdir(example)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "<cell>", "exec"), namespace)
    assert len(shown) == 1
    assert "<svg" in shown[0] and "classifier" in shown[0]
    assert "done" in capsys.readouterr().out
    assert os.path.exists(tmp_path / "fashion_int8.so")
