#!/usr/bin/env python3
"""Checks compare-jmh.py on fabricated JMH results: directions, threshold, new and gone benchmarks."""

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


def result(benchmark, mode, score, unit, **params):
    return {"benchmark": benchmark, "mode": mode, "params": {k: str(v) for k, v in params.items()},
            "primaryMetric": {"score": score, "scoreError": 0.0, "scoreUnit": unit}}


def thrpt(score, **params):
    return result("dev.maitre.bench.proxy.ByteRelayBenchmark.relay", "thrpt", score, "ops/s", **params)


def avgt(score, **params):
    return result("dev.maitre.bench.balance.BalancerPickBenchmark.oneThread", "avgt", score, "ns/op", **params)


class CompareJmhTest(unittest.TestCase):

    def run_compare(self, baseline, current, *extra):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for name, results in (("baseline.json", baseline), ("current.json", current)):
                path = os.path.join(tmp, name)
                with open(path, "w") as f:
                    json.dump(results, f)
                paths.append(path)
            done = subprocess.run([sys.executable, SCRIPT, *paths, *extra], capture_output=True, text=True)
            return done.returncode, done.stdout + done.stderr

    def test_throughput_that_fell_more_than_ten_percent_fails(self):
        code, out = self.run_compare([thrpt(1000, size=4096)], [thrpt(880, size=4096)])
        self.assertEqual(code, 1, out)
        self.assertIn("REGRESSED", out)
        self.assertIn("12.0% worse", out)

    def test_throughput_that_rose_passes(self):
        code, out = self.run_compare([thrpt(1000, size=4096)], [thrpt(2000, size=4096)])
        self.assertEqual(code, 0, out)

    def test_time_that_rose_more_than_ten_percent_fails(self):
        code, out = self.run_compare([avgt(100, balancer="RANDOM")], [avgt(115, balancer="RANDOM")])
        self.assertEqual(code, 1, out)
        self.assertIn("15.0% worse", out)

    def test_time_that_fell_passes(self):
        code, out = self.run_compare([avgt(100, balancer="RANDOM")], [avgt(50, balancer="RANDOM")])
        self.assertEqual(code, 0, out)

    def test_worsening_within_the_threshold_passes(self):
        code, out = self.run_compare([thrpt(1000), avgt(100)], [thrpt(910), avgt(109)])
        self.assertEqual(code, 0, out)

    def test_threshold_can_be_set(self):
        code, _ = self.run_compare([thrpt(1000)], [thrpt(960)], "--threshold", "0.03")
        self.assertEqual(code, 1)

    def test_parameters_tell_benchmarks_apart(self):
        baseline = [thrpt(1000, relay="BUFFERED"), thrpt(500, relay="SPLICE")]
        current = [thrpt(500, relay="SPLICE"), thrpt(1000, relay="BUFFERED")]
        code, out = self.run_compare(baseline, current)
        self.assertEqual(code, 0, out)

    def test_new_and_gone_benchmarks_are_listed_not_failed(self):
        code, out = self.run_compare([thrpt(1000, size=1)], [thrpt(1000, size=2)])
        self.assertEqual(code, 0, out)
        self.assertIn("new", out)
        self.assertIn("gone", out)

    def test_one_regression_among_many_fails(self):
        baseline = [thrpt(1000, size=s) for s in (1, 2, 3)] + [avgt(10, balancer=b) for b in ("A", "B")]
        current = [thrpt(1000, size=1), thrpt(700, size=2), thrpt(1100, size=3), avgt(9, balancer="A"),
                   avgt(10, balancer="B")]
        code, out = self.run_compare(baseline, current)
        self.assertEqual(code, 1, out)
        self.assertEqual(out.count("REGRESSED"), 1, out)
        self.assertIn("size=2", out)

    def test_unit_from_an_unknown_mode(self):
        self.assertTrue(compare_jmh.higher_is_better(result("b", "other", 1, "ops/ms")))
        self.assertFalse(compare_jmh.higher_is_better(result("b", "other", 1, "us/op")))

    def test_not_an_array_is_bad_input(self):
        code, out = self.run_compare({"benchmark": "x"}, [])
        self.assertEqual(code, 2, out)


if __name__ == "__main__":
    unittest.main()
