#!/usr/bin/env python3
"""Writes a Jupyter notebook (.ipynb, nbformat 4) from a script in the
percent format ("# %%" starts a code cell, "# %% [markdown]" a markdown
cell of "# "-prefixed lines), so the example exists once.

    make_notebook.py fashion_mnist.py fashion_mnist.ipynb
    make_notebook.py --check fashion_mnist.py fashion_mnist.ipynb
"""
import json
import sys


def cells(text):
    result, kind, lines = [], None, []

    def close():
        body = "\n".join(lines).strip("\n")
        if kind and body:
            if kind == "markdown":
                body = "\n".join(l[2:] if l.startswith("# ") else l.lstrip("#")
                                 for l in body.split("\n"))
            source = [l + "\n" for l in body.split("\n")]
            source[-1] = source[-1].rstrip("\n")
            cell = {"cell_type": kind, "id": "cell-%d" % len(result),
                    "metadata": {}, "source": source}
            if kind == "code":
                cell.update({"execution_count": None, "outputs": []})
            result.append(cell)

    for line in text.split("\n"):
        if line.startswith("# %%"):
            close()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    close()
    return result


def notebook(text):
    return json.dumps({
        "cells": cells(text),
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (Debian)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }, indent=1) + "\n"


if __name__ == "__main__":
    check = sys.argv[1] == "--check"
    source, target = sys.argv[2:4] if check else sys.argv[1:3]
    with open(source, encoding="utf-8") as f:
        wanted = notebook(f.read())
    if check:
        with open(target, encoding="utf-8") as f:
            if f.read() != wanted:
                sys.exit("%s is out of date: run make_notebook.py %s %s" % (target, source, target))
        sys.exit(0)
    with open(target, "w", encoding="utf-8") as f:
        f.write(wanted)
