#!/usr/bin/env python3
"""Compares two JMH JSON results (-rf json) and fails when a benchmark got worse by more than a threshold.

usage: compare-jmh.py BASELINE.json CURRENT.json [--threshold 0.10]

A benchmark is one JMH result: its name, its mode and its parameters. Only the primary score is
compared. Whether higher is better follows the mode: throughput (thrpt) is higher-is-better, the
time modes (avgt, sample, ss) lower-is-better. A benchmark in only one of the files is listed, not
failed: adding or removing one is not a regression.

Exit status: 0 no regression, 1 at least one regression beyond the threshold, 2 bad input.
"""

import argparse
import json
import sys

HIGHER_IS_BETTER = {"thrpt": True, "avgt": False, "sample": False, "ss": False}


def key(result):
    params = result.get("params") or {}
    named = ",".join(f"{name}={params[name]}" for name in sorted(params))
    return f"{result['benchmark']} [{result['mode']}]" + (f" {{{named}}}" if named else "")


def load(path):
    with open(path) as f:
        results = json.load(f)
    if not isinstance(results, list):
        raise ValueError(f"{path}: expected a JSON array of JMH results (-rf json)")
    by_key = {}
    for result in results:
        by_key[key(result)] = result
    return by_key


def higher_is_better(result):
    mode = result["mode"]
    if mode in HIGHER_IS_BETTER:
        return HIGHER_IS_BETTER[mode]
    # Unknown mode: read the unit, ops/s is a rate and s/op a time.
    return not result["primaryMetric"]["scoreUnit"].endswith("/op")


def change(baseline, current):
    """How much worse current is than baseline, as a fraction (negative: better)."""
    before = baseline["primaryMetric"]["score"]
    after = current["primaryMetric"]["score"]
    if before == 0:
        return 0.0
    if higher_is_better(current):
        return (before - after) / before
    return (after - before) / before


def compare(baseline, current, threshold):
    """Returns (lines, regressions): a report line per benchmark and the keys that regressed."""
    lines = []
    regressions = []
    for name in sorted(set(baseline) | set(current)):
        if name not in current:
            lines.append(f"  gone        {name}")
            continue
        if name not in baseline:
            lines.append(f"  new         {name}")
            continue
        if baseline[name]["mode"] != current[name]["mode"] or \
                baseline[name]["primaryMetric"]["scoreUnit"] != current[name]["primaryMetric"]["scoreUnit"]:
            lines.append(f"  changed     {name}: unit or mode differs, not compared")
            continue
        worse = change(baseline[name], current[name])
        unit = current[name]["primaryMetric"]["scoreUnit"]
        figures = (f"{baseline[name]['primaryMetric']['score']:.4g} -> "
                   f"{current[name]['primaryMetric']['score']:.4g} {unit}")
        verdict = f"{worse:.1%} worse" if worse > 0 else f"{-worse:.1%} better"
        if worse > threshold:
            regressions.append(name)
            lines.append(f"  REGRESSED   {name}: {figures} ({verdict})")
        else:
            lines.append(f"  ok          {name}: {figures} ({verdict})")
    return lines, regressions


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline")
    parser.add_argument("current")
    parser.add_argument("--threshold", type=float, default=0.10,
                        help="the largest accepted worsening, as a fraction (default 0.10)")
    args = parser.parse_args(argv)
    try:
        baseline = load(args.baseline)
        current = load(args.current)
    except (OSError, ValueError, KeyError) as e:
        print(f"compare-jmh: {e}", file=sys.stderr)
        return 2
    lines, regressions = compare(baseline, current, args.threshold)
    print(f"JMH results, {args.baseline} -> {args.current} (threshold {args.threshold:.0%}):")
    print("\n".join(lines))
    if regressions:
        print(f"{len(regressions)} benchmark(s) regressed by more than {args.threshold:.0%}")
        return 1
    print("no regression")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
