"""What the conformance runners share: grouping failures by reason, and the
expected-failure list that turns any change (a new failure, or a listed case
that now passes) into a failed run."""

import collections
import os


def print_groups(failures, reason_of, shown=6, verbose=False):
    groups = collections.defaultdict(list)
    for case, msg in failures.items():
        groups[reason_of(msg)].append(case)
    for reason, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print("%4d  %s" % (len(members), reason))
        listed = sorted(members) if verbose else sorted(members)[:shown]
        for case in listed:
            print("        %s" % case)
        if len(members) > len(listed):
            print("        ... and %d more" % (len(members) - len(listed)))


def write(path, failures, reason_of, header):
    with open(path, "w") as f:
        f.write(header)
        for case in sorted(failures):
            f.write("%s  # %s\n" % (case, reason_of(failures[case])))


def read(path):
    expected = set()
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    expected.add(line)
    return expected


def compare(results, failures, path):
    """Prints and returns (new failures, new passes, crashes)."""
    expected = read(path)
    new_failures = sorted(set(failures) - expected)
    new_passes = sorted(c for c in expected if c in results and results[c][0])
    crashes = sorted(c for c, m in failures.items()
                     if "crashed" in m or "timed out" in m)
    for case in new_failures:
        print("NEW FAILURE  %s: %s" % (case, failures[case]))
    for case in new_passes:
        print("NOW PASSES   %s (remove it from %s)" % (case, path))
    for case in crashes:
        print("CRASH        %s: %s" % (case, failures[case]))
    return new_failures, new_passes, crashes
