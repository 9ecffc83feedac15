#!/usr/bin/env python3
"""Compares maitre's cost over a direct connection between two JMH runs, and fails on a regression.

usage: compare-jmh.py [BASE.json] HEAD.json [--threshold 0.15]

Each file is JMH's JSON output (-rf json). The benchmarks that run the proxy path measure it twice
in the same run: with target=DIRECT the client talks to the backend itself, with target=MAITRE it
goes through maitre. Raw scores move with the machine (a shared runner is faster or slower from run
to run, and within a run); the ratio MAITRE/DIRECT of the same run mostly does not, so that ratio
is what is compared: for every proxied result, the direct result with the same benchmark, mode and
other parameters, from the same file.

With one file, prints its ratios. With two, compares each ratio of HEAD with the same ratio of BASE
and fails when one got worse by more than the threshold (a fraction of BASE's ratio). Throughput
(thrpt): a higher ratio is better; the time modes (avgt, sample, ss): a lower one. A proxied result
without a direct counterpart in its own file, and a benchmark without a target parameter (no
direct baseline, e.g. the balancer picks), is listed as unchecked: no baseline is made up for it.
A ratio in only one of the files is listed, not failed: adding or removing a benchmark is not a
regression.

A benchmark that reports a memory footprint as a secondary metric (FOOTPRINT_METRICS, e.g.
IdleConnectionBenchmark's bytesPerIdleConnection) needs no direct baseline: the bytes it counts do not
move with the runner's speed, so that figure itself is compared with the base's (lower is better, the
same threshold), not its primary score, which times a set-up.

Exit status: 0 no regression, 1 at least one ratio or footprint worse beyond the threshold, 2 bad
input.
"""

import argparse
import json
import sys

HIGHER_IS_BETTER = {"thrpt": True, "avgt": False, "sample": False, "ss": False}
DIRECT = "DIRECT"
DEFAULT_THRESHOLD = 0.15
# Secondary metrics that are what their benchmark measures: bytes held, lower is better.
FOOTPRINT_METRICS = ("bytesPerIdleConnection",)


def higher_is_better(result):
    mode = result["mode"]
    if mode in HIGHER_IS_BETTER:
        return HIGHER_IS_BETTER[mode]
    # Unknown mode: read the unit, ops/s is a rate and s/op a time.
    return not result["primaryMetric"]["scoreUnit"].endswith("/op")


def short(benchmark):
    """dev.maitre.bench.proxy.HttpProxyBenchmark.oneConnection -> HttpProxyBenchmark.oneConnection"""
    return ".".join(benchmark.split(".")[-2:])


def figure(score):
    return f"{score:,.0f}" if abs(score) >= 1000 else f"{score:.4g}"


def key(result):
    """The benchmark, its mode and its parameters but the target: what a proxied result and its
    direct counterpart share."""
    params = {k: v for k, v in (result.get("params") or {}).items() if k != "target"}
    named = ",".join(f"{name}={params[name]}" for name in sorted(params))
    return f"{short(result['benchmark'])} [{result['mode']}]" + (f" {{{named}}}" if named else "")


def load(path):
    with open(path) as f:
        results = json.load(f)
    if not isinstance(results, list):
        raise ValueError(f"{path}: expected a JSON array of JMH results (-rf json)")
    for result in results:
        if not isinstance(result, dict) or "benchmark" not in result or "mode" not in result \
                or "score" not in result.get("primaryMetric", {}):
            raise ValueError(f"{path}: not a JMH result (no benchmark, mode or primaryMetric.score): "
                             f"{json.dumps(result)[:200]}")
    return results


class Ratio:
    """A proxied score over its direct counterpart's, both from one run."""

    kind = "ratio"

    def __init__(self, proxied, direct):
        self.target = proxied["params"]["target"]
        self.mode = proxied["mode"]
        self.unit = proxied["primaryMetric"]["scoreUnit"]
        self.higher_is_better = higher_is_better(proxied)
        self.proxied = proxied["primaryMetric"]["score"]
        self.direct = direct["primaryMetric"]["score"]
        self.value = self.proxied / self.direct

    def describe(self):
        return (f"{self.target.lower()}/direct {self.value:.3f} "
                f"({figure(self.proxied)} / {figure(self.direct)} {self.unit})")

    def versus(self, before, verdict):
        return (f"{self.target.lower()}/direct {before.value:.3f} -> {self.value:.3f} ({verdict}; "
                f"head: {figure(self.proxied)} / {figure(self.direct)} {self.unit})")


class Footprint:
    """A footprint metric of one result, compared as it is: no direct counterpart divides it."""

    kind = "footprint"

    def __init__(self, result, name):
        self.name = name
        self.mode = result["mode"]
        self.unit = result["secondaryMetrics"][name]["scoreUnit"]
        self.higher_is_better = False
        self.value = result["secondaryMetrics"][name]["score"]

    def describe(self):
        return f"{self.name} {figure(self.value)}"

    def versus(self, before, verdict):
        return f"{self.name} {figure(before.value)} -> {figure(self.value)} ({verdict})"


def footprint(result):
    """The result's footprint metric, or None when it reports none."""
    secondary = result.get("secondaryMetrics") or {}
    for name in FOOTPRINT_METRICS:
        if "score" in (secondary.get(name) or {}):
            return Footprint(result, name)
    return None


def ratios(results):
    """Returns (ratios, unchecked): the ratio of every proxied result that has a direct counterpart
    and the footprint of every result that reports one, by key, and a line for each result or
    benchmark left unchecked."""
    direct = {}
    proxied = []
    no_target = {}
    by_key = {}
    for result in results:
        target = (result.get("params") or {}).get("target")
        held = footprint(result)
        if held is not None:
            by_key[key(result) if target is None else f"{key(result)} target={target}"] = held
        elif target is None:
            name = f"{short(result['benchmark'])} [{result['mode']}]"
            no_target[name] = no_target.get(name, 0) + 1
        elif target == DIRECT:
            direct[key(result)] = result
        else:
            proxied.append(result)
    unchecked = []
    for result in proxied:
        name = key(result)
        baseline = direct.get(name)
        if baseline is None:
            unchecked.append(f"{name} target={result['params']['target']}: "
                             "no direct counterpart (target=DIRECT, same parameters) in the same run")
        elif baseline["primaryMetric"]["scoreUnit"] != result["primaryMetric"]["scoreUnit"]:
            unchecked.append(f"{name}: the direct result has another unit")
        elif not baseline["primaryMetric"]["score"]:
            unchecked.append(f"{name}: the direct result scored 0")
        else:
            target = result["params"]["target"]
            by_key[name if target == "MAITRE" else f"{name} target={target}"] = Ratio(result, baseline)
    for name, count in sorted(no_target.items()):
        unchecked.append(f"{name}: {count} result(s) without a target parameter, so no direct baseline")
    return by_key, unchecked


def worsening(before, after):
    """How much worse the ratio (or footprint) after is than before, as a fraction (negative: better)."""
    if after.higher_is_better:
        return (before.value - after.value) / before.value
    return (after.value - before.value) / before.value


def compare(base, head, threshold):
    """Returns (lines, regressions): a report line per ratio or footprint and the keys that got worse."""
    lines = []
    regressions = []
    for name in sorted(set(base) | set(head)):
        if name not in head:
            lines.append(f"  gone        {name}: {base[name].describe()} in the base run only")
            continue
        if name not in base:
            lines.append(f"  new         {name}: {head[name].describe()}, not in the base run")
            continue
        before, after = base[name], head[name]
        if (type(before), before.mode, before.unit) != (type(after), after.mode, after.unit):
            lines.append(f"  changed     {name}: kind, mode or unit differs, not compared")
            continue
        if not before.value:
            lines.append(f"  unchecked   {name}: the base's result scored 0, not compared")
            continue
        worse = worsening(before, after)
        verdict = f"{worse:.1%} worse" if worse > 0 else f"{abs(worse):.1%} better"
        figures = after.versus(before, verdict)
        if worse > threshold:
            regressions.append(name)
            lines.append(f"  REGRESSED   {name}: {figures}")
        else:
            lines.append(f"  ok          {name}: {figures}")
    return lines, regressions


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", metavar="[BASE.json] HEAD.json")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"the largest accepted worsening of a ratio or footprint, as a fraction "
                             f"(default {DEFAULT_THRESHOLD})")
    args = parser.parse_args(argv)
    if len(args.files) > 2:
        parser.error("at most two files: [BASE.json] HEAD.json")
    try:
        runs = [ratios(load(path)) for path in args.files]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"compare-jmh: {e}", file=sys.stderr)
        return 2
    head, unchecked = runs[-1]
    if len(runs) == 1:
        print(f"proxied/direct ratios and footprints in {args.files[0]}:")
        print("\n".join(f"  {head[name].kind:<11} {name}: {head[name].describe()}" for name in sorted(head))
              or "  (none)")
    else:
        base = runs[0][0]
        lines, regressions = compare(base, head, args.threshold)
        print(f"proxied/direct ratios and footprints, base {args.files[0]} -> head {args.files[1]} "
              f"(threshold {args.threshold:.0%}):")
        print("\n".join(lines) or "  (none)")
    for line in unchecked:
        print(f"  unchecked   {line}")
    if len(runs) == 1:
        return 0
    if regressions:
        print(f"{len(regressions)} ratio(s) or footprint(s) worse by more than {args.threshold:.0%}")
        return 1
    print(f"no ratio or footprint worse by more than {args.threshold:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
