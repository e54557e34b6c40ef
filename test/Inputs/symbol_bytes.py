#!/usr/bin/env python3
"""Compares the weights two compiled libraries hold: the bytes of their
read-only data symbols of 4 KiB and more (the CPU target's weights; smaller
constants stay in the code's own data), from llvm-readelf's tables.

    symbol_bytes.py A.so B.so   ->  "same weight bytes: yes|no (A: N, B: M)"
"""

import os
import re
import shutil
import subprocess
import sys

WEIGHT_BYTES = 4096


def readelf():
    found = shutil.which("llvm-readelf")
    return found or "/usr/lib/llvm-22/bin/llvm-readelf"


def run(*args):
    return subprocess.run([readelf(), *args], check=True, capture_output=True,
                          text=True).stdout


def weight_bytes(path):
    # Section numbers of read-only data: "[Nr] Name Type ...".
    rodata = set()
    for line in run("-S", "--wide", path).splitlines():
        match = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if match and match.group(2).startswith(".rodata"):
            rodata.add(match.group(1))
    total = 0
    seen = set()
    for line in run("-s", "--wide", path).splitlines():
        fields = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if (len(fields) < 8 or fields[3] != "OBJECT" or fields[6] not in rodata
                or fields[7] in seen):
            continue
        size = int(fields[2], 0)
        if size >= WEIGHT_BYTES:
            seen.add(fields[7])
            total += size
    return total


def main():
    if len(sys.argv) != 3 or not all(os.path.exists(p) for p in sys.argv[1:]):
        sys.exit("usage: symbol_bytes.py A.so B.so (both existing)")
    a, b = (weight_bytes(p) for p in sys.argv[1:])
    print("same weight bytes: %s (%s: %d, %s: %d)"
          % ("yes" if a == b and a > 0 else "no",
             os.path.basename(sys.argv[1]), a, os.path.basename(sys.argv[2]), b))


if __name__ == "__main__":
    main()
