"""examples/python: the notebook is the script's cells, and it runs top to
bottom in a Jupyter kernel with its report and progress bars rendered."""

import os
import subprocess
import sys

import pytest

import smelt


@pytest.fixture
def example(root):
    return os.path.join(root, "examples", "python")


def test_notebook_matches_the_script(example):
    subprocess.run([sys.executable, os.path.join(example, "make_notebook.py"), "--check",
                    os.path.join(example, "fashion_mnist.py"),
                    os.path.join(example, "fashion_mnist.ipynb")], check=True)


def test_notebook_runs_and_renders(example, tmp_path, monkeypatch):
    """The notebook in a Jupyter kernel (nbclient, ipykernel): every cell
    runs, the progress bars are HTML updated in place, and the int8 model
    renders as its report with the divergence plot."""
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.skip("dataset-fashion-mnist is not installed")
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(os.path.join(example, "fashion_mnist.ipynb"), as_version=4)
    # The kernel imports the smelt under test, and writes into tmp_path.
    package = os.path.dirname(os.path.dirname(smelt.__file__))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [package, os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": example}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data.get("text/html", "") for o in outputs
            if o.output_type in ("display_data", "execute_result")]
    report = [h for h in html if "<svg" in h]
    assert len(report) == 1 and "classifier" in report[0] and "int8" in report[0]
    # Each stage's bar, updated in place to its end.
    assert any('<progress value="8" max="8"' in h and "calibrating" in h for h in html)
    assert any("measuring divergence" in h for h in html)
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "done" in text
    assert os.path.exists(tmp_path / "fashion_int8.so")
