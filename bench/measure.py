#!/usr/bin/env python3
"""Runs a command with its output in LOG and prints its wall time in seconds
and its peak resident memory in MB (the child's ru_maxrss, which Linux
carries over from the parent at the fork: run it from a small process).
Exits with the command's status.

    measure.py LOG COMMAND [ARG...]"""
import os
import subprocess
import sys
import time


def run_measured(args, log):
    """Runs `args` with stdout and stderr in `log`; returns (seconds, peak
    RSS in MB, exit status)."""
    start = time.monotonic()
    with open(log, "w") as out:
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    return (time.monotonic() - start, usage.ru_maxrss / 1024.0,
            os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    seconds, peak, rc = run_measured(sys.argv[2:], sys.argv[1])
    print("%.1f %d" % (seconds, round(peak)))
    sys.exit(rc)
