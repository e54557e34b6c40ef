"""Runs a tool with --pass-pipeline set to the first line of a file.

  replay_pipeline.py PIPELINE_FILE TOOL ARGS...

What a user does when they paste `smeltc --print-pipeline`'s first line
into smelt-opt or mlir-opt (lit's shell has no command substitution).
"""
import subprocess
import sys

with open(sys.argv[1]) as f:
    pipeline = f.readline().strip()
if not pipeline.startswith("builtin.module("):
    sys.exit(f"{sys.argv[1]}: not a pass pipeline: {pipeline!r}")
sys.exit(subprocess.call(sys.argv[2:] + ["--pass-pipeline=" + pipeline]))
