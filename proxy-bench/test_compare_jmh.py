#!/usr/bin/env python3
"""Checks compare-jmh.py on fabricated JMH results: ratios within a run, their directions, the
threshold, unchecked results, new and gone ratios, footprints, bad input."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "compare-jmh.py")
spec = importlib.util.spec_from_file_location("compare_jmh", SCRIPT)
compare_jmh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_jmh)

HTTP = "dev.maitre.bench.proxy.HttpProxyBenchmark.oneConnection"
RELAY = "dev.maitre.bench.proxy.ByteRelayBenchmark.relay"
PICK = "dev.maitre.bench.balance.BalancerPickBenchmark.oneThread"
IDLE = "dev.maitre.bench.proxy.IdleConnectionBenchmark.idleConnections"


def result(benchmark, mode, score, unit, **params):
    """One JMH result as -rf json writes it (the fields the script reads, and a few it does not)."""
    return {"jmhVersion": "1.37", "benchmark": benchmark, "mode": mode, "threads": 1, "forks": 1,
            "params": {k: str(v) for k, v in params.items()},
            "primaryMetric": {"score": score, "scoreError": "NaN", "scoreUnit": unit, "rawData": [[score]]},
            "secondaryMetrics": {}}


def pair(direct, maitre, benchmark=HTTP, mode="thrpt", unit="ops/s", **params):
    """A direct result and its proxied counterpart from one run."""
    return [result(benchmark, mode, direct, unit, target="DIRECT", **params),
            result(benchmark, mode, maitre, unit, target="MAITRE", **params)]


def footprint(bytes_per_connection, millis):
    """An IdleConnectionBenchmark result: the time of its set-up, and the bytes as a secondary metric."""
    r = result(IDLE, "ss", millis, "ms/op", connections=5000)
    r["secondaryMetrics"] = {"bytesPerIdleConnection": {"score": bytes_per_connection, "scoreError": "NaN",
                                                        "scoreUnit": "#"}}
    return r


class CompareJmhTest(unittest.TestCase):

    def run_script(self, *runs, extra=()):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, results in enumerate(runs):
                path = os.path.join(tmp, f"run{i}.json")
                with open(path, "w") as f:
                    json.dump(results, f)
                paths.append(path)
            done = subprocess.run([sys.executable, SCRIPT, *paths, *extra], capture_output=True, text=True)
            return done.returncode, done.stdout + done.stderr

    def test_ratio_that_fell_more_than_fifteen_percent_fails(self):
        code, out = self.run_script(pair(1000, 500), pair(1000, 420))
        self.assertEqual(code, 1, out)
        self.assertIn("REGRESSED   HttpProxyBenchmark.oneConnection [thrpt]", out)
        self.assertIn("0.500 -> 0.420 (16.0% worse", out)

    def test_ratio_within_fifteen_percent_passes(self):
        code, out = self.run_script(pair(1000, 500), pair(1000, 430))
        self.assertEqual(code, 0, out)
        self.assertIn("ok          HttpProxyBenchmark.oneConnection", out)

    def test_slower_machine_is_not_a_regression(self):
        # Both scores fell by 40% (a slower runner): raw scores would fail, the ratio is the same.
        code, out = self.run_script(pair(1000, 500), pair(600, 300))
        self.assertEqual(code, 0, out)
        self.assertIn("0.500 -> 0.500", out)

    def test_proxy_slower_on_a_faster_machine_is_a_regression(self):
        # The proxied score rose, but far less than the direct one: maitre costs more than before.
        code, out = self.run_script(pair(1000, 500), pair(2000, 600))
        self.assertEqual(code, 1, out)
        self.assertIn("40.0% worse", out)

    def test_ratio_that_rose_passes(self):
        code, out = self.run_script(pair(1000, 500), pair(1000, 800))
        self.assertEqual(code, 0, out)
        self.assertIn("60.0% better", out)

    def test_time_mode_ratio_that_rose_fails(self):
        base = pair(100, 200, benchmark=HTTP, mode="avgt", unit="us/op")
        head = pair(100, 240, benchmark=HTTP, mode="avgt", unit="us/op")
        code, out = self.run_script(base, head)
        self.assertEqual(code, 1, out)
        self.assertIn("20.0% worse", out)

    def test_time_mode_ratio_that_fell_passes(self):
        base = pair(100, 200, mode="avgt", unit="us/op")
        head = pair(100, 150, mode="avgt", unit="us/op")
        code, out = self.run_script(base, head)
        self.assertEqual(code, 0, out)

    def test_threshold_can_be_set(self):
        code, out = self.run_script(pair(1000, 500), pair(1000, 470), extra=("--threshold", "0.05"))
        self.assertEqual(code, 1, out)
        self.assertIn("threshold 5%", out)

    def test_each_proxied_result_is_divided_by_the_direct_one_with_the_same_parameters(self):
        base = pair(1000, 500, RELAY, size=4096, relay="BUFFERED") + pair(100, 90, RELAY, size=1048576, relay="BUFFERED")
        # Listed in another order, the same ratios.
        head = pair(100, 90, RELAY, size=1048576, relay="BUFFERED")[::-1] + pair(1000, 500, RELAY, size=4096, relay="BUFFERED")
        code, out = self.run_script(base, head)
        self.assertEqual(code, 0, out)
        self.assertIn("{relay=BUFFERED,size=4096}: maitre/direct 0.500 -> 0.500", out)
        self.assertIn("{relay=BUFFERED,size=1048576}: maitre/direct 0.900 -> 0.900", out)

    def test_one_regression_among_many_fails_and_names_it(self):
        sizes = (4096, 65536, 1048576)
        base = [r for s in sizes for r in pair(1000, 500, RELAY, size=s)]
        head = pair(1000, 500, RELAY, size=4096) + pair(1000, 300, RELAY, size=65536) + pair(1000, 550, RELAY, size=1048576)
        code, out = self.run_script(base, head)
        self.assertEqual(code, 1, out)
        self.assertEqual(out.count("REGRESSED"), 1, out)
        self.assertIn("REGRESSED   ByteRelayBenchmark.relay [thrpt] {size=65536}", out)

    def test_proxied_result_without_a_direct_counterpart_is_unchecked(self):
        # SPLICE was measured for MAITRE only: its fall is listed as unchecked, never failed.
        base = pair(1000, 500, RELAY, relay="BUFFERED") + [result(RELAY, "thrpt", 600, "ops/s", relay="SPLICE", target="MAITRE")]
        head = pair(1000, 500, RELAY, relay="BUFFERED") + [result(RELAY, "thrpt", 100, "ops/s", relay="SPLICE", target="MAITRE")]
        code, out = self.run_script(base, head)
        self.assertEqual(code, 0, out)
        self.assertIn("unchecked   ByteRelayBenchmark.relay [thrpt] {relay=SPLICE} target=MAITRE: no direct counterpart", out)
        self.assertNotIn("REGRESSED", out)

    def test_direct_result_from_the_other_run_is_never_used(self):
        # The base run has no direct result: its proxied one has no ratio, so the head's is new.
        base = [result(HTTP, "thrpt", 500, "ops/s", target="MAITRE")]
        code, out = self.run_script(base, pair(1000, 100))
        self.assertEqual(code, 0, out)
        self.assertIn("new         HttpProxyBenchmark.oneConnection", out)

    def test_benchmark_without_a_target_is_unchecked(self):
        base = pair(1000, 500) + [result(PICK, "avgt", 10, "ns/op", backends=b) for b in (3, 100)]
        head = pair(1000, 500) + [result(PICK, "avgt", 90, "ns/op", backends=b) for b in (3, 100)]
        code, out = self.run_script(base, head)
        self.assertEqual(code, 0, out)
        self.assertIn("unchecked   BalancerPickBenchmark.oneThread [avgt]: 2 result(s) without a target parameter", out)

    def test_new_and_gone_ratios_are_listed_not_failed(self):
        code, out = self.run_script(pair(1000, 500, RELAY, size=1), pair(1000, 100, RELAY, size=2))
        self.assertEqual(code, 0, out)
        self.assertIn("new         ByteRelayBenchmark.relay [thrpt] {size=2}", out)
        self.assertIn("gone        ByteRelayBenchmark.relay [thrpt] {size=1}", out)

    def test_one_file_prints_its_ratios(self):
        code, out = self.run_script(pair(46679, 9496) + [result(PICK, "avgt", 10, "ns/op", backends=3)])
        self.assertEqual(code, 0, out)
        self.assertIn("ratio       HttpProxyBenchmark.oneConnection [thrpt]: maitre/direct 0.203 (9,496 / 46,679 ops/s)", out)
        self.assertIn("unchecked   BalancerPickBenchmark.oneThread", out)

    def test_footprint_that_grew_more_than_fifteen_percent_fails(self):
        code, out = self.run_script(pair(1000, 500) + [footprint(1500, 4000)], pair(1000, 500) + [footprint(1740, 4000)])
        self.assertEqual(code, 1, out)
        self.assertIn("REGRESSED   IdleConnectionBenchmark.idleConnections [ss] {connections=5000}: "
                      "bytesPerIdleConnection 1,500 -> 1,740 (16.0% worse)", out)
        self.assertIn("ok          HttpProxyBenchmark.oneConnection", out)

    def test_footprint_is_compared_instead_of_the_time_of_its_set_up(self):
        # No direct counterpart, yet not unchecked; the set-up took twice as long, which is no regression.
        code, out = self.run_script([footprint(1500, 4000)], [footprint(1400, 9000)])
        self.assertEqual(code, 0, out)
        self.assertIn("ok          IdleConnectionBenchmark.idleConnections [ss] {connections=5000}: "
                      "bytesPerIdleConnection 1,500 -> 1,400 (6.7% better)", out)
        self.assertNotIn("unchecked", out)

    def test_footprint_only_in_the_head_run_is_new(self):
        code, out = self.run_script(pair(1000, 500), pair(1000, 500) + [footprint(1500, 4000)])
        self.assertEqual(code, 0, out)
        self.assertIn("new         IdleConnectionBenchmark.idleConnections [ss] {connections=5000}", out)

    def test_one_file_prints_its_footprints(self):
        code, out = self.run_script([footprint(2210.4, 4000)])
        self.assertEqual(code, 0, out)
        self.assertIn("footprint   IdleConnectionBenchmark.idleConnections [ss] {connections=5000}: "
                      "bytesPerIdleConnection 2,210", out)

    def test_unit_from_an_unknown_mode(self):
        self.assertTrue(compare_jmh.higher_is_better(result("b", "other", 1, "ops/ms")))
        self.assertFalse(compare_jmh.higher_is_better(result("b", "other", 1, "us/op")))

    def test_not_an_array_is_bad_input(self):
        code, out = self.run_script({"benchmark": "x"}, [])
        self.assertEqual(code, 2, out)

    def test_not_a_jmh_result_is_bad_input(self):
        code, out = self.run_script([{"benchmark": HTTP, "mode": "thrpt"}])
        self.assertEqual(code, 2, out)
        self.assertIn("not a JMH result", out)

    def test_missing_file_is_bad_input(self):
        done = subprocess.run([sys.executable, SCRIPT, os.path.join(HERE, "no-such-results.json")],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2, done.stderr)


if __name__ == "__main__":
    unittest.main()
