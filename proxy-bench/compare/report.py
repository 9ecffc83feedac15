#!/usr/bin/env python3
"""Turns the raw outputs of proxy-bench/compare/run into results.md.

Usage: report.py WORK_DIR. Reads WORK_DIR/header.md, WORK_DIR/runs.tsv (one line per measured
run: round, workload, proxy, kind, raw file, proxy CPU ticks, clock ticks per second, seconds,
exit status, and name=value words a kind of load adds) and WORK_DIR/memory.tsv, and writes WORK_DIR/results.md. Each figure is the median
over the rounds; the range of requests/s (or Gbit/s) over the rounds follows it. Errors are
never dropped: a run with wrk socket errors or non-2xx/3xx answers shows them in its row and in
the warnings at the end. Python 3 standard library only.
"""
import json
import os
import re
import statistics
import sys

PROXIES = ["nginx", "haproxy", "maitre-1", "maitre-1-jdk", "maitre-default"]
HTTP_WORKLOADS = [
    ("small-50", "100-byte responses, keep-alive, 50 connections"),
    ("small-256", "100-byte responses, keep-alive, 256 connections"),
    ("64k", "64 KiB responses, keep-alive, 50 connections"),
    ("1m", "1 MiB responses, keep-alive, 50 connections"),
    ("close", "100-byte responses, a new connection per request (Connection: close), 50 connections"),
    ("tls-keepalive-ecdsa", "TLS, ECDSA P-256 certificate: 100-byte responses, keep-alive, 50 connections"),
    ("tls-keepalive-rsa", "TLS, RSA 2048 certificate: 100-byte responses, keep-alive, 50 connections"),
]
TLS_NEW_WORKLOADS = [
    ("tls-new-ecdsa", "New TLS connections, ECDSA P-256 certificate: a full handshake and one 100-byte answer each"),
    ("tls-new-rsa", "New TLS connections, RSA 2048 certificate: a full handshake and one 100-byte answer each"),
]
TLS_PROVIDERS = ("maitre-1: tls.provider openssl (BoringSSL); maitre-1-jdk: tls.provider jdk; "
                 "maitre-default: the default provider (auto)")
WS_WORKLOADS = [
    ("ws-50", "WebSocket echo, 64-byte messages, 50 tunnels, each waiting for its echo before the next"),
]
H2_WORKLOADS = [
    ("h2-1x100", "HTTP/2 (clear text, prior knowledge): 100-byte responses, 1 connection with 100 concurrent streams"),
    ("h2-50x10", "HTTP/2 (clear text, prior knowledge): 100-byte responses, 50 connections with 10 concurrent streams each"),
]
L4_WORKLOADS = [
    ("l4-up", "L4 relay, iperf3 client to server (one stream)"),
    ("l4-down", "L4 relay, iperf3 server to client (-R, one stream)"),
]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}


def parse_wrk(text):
    """The figures of one wrk --latency output, or None when wrk printed no result."""
    def number(pattern):
        match = re.search(pattern, text)
        return match.group(1) if match else None

    rps = number(r"Requests/sec:\s+([\d.]+)")
    if rps is None:
        return None
    result = {"rps": float(rps), "errors": 0, "error_text": []}
    for pct in ("50", "99"):
        match = re.search(r"^\s+%s(?:\.0+)?%%\s+([\d.]+)(us|ms|s|m|h)\s*$" % pct, text, re.M)
        result["p" + pct] = float(match.group(1)) * UNITS[match.group(2)] if match else None
    match = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB|TB)", text)
    result["mibs"] = float(match.group(1)) * SIZES[match.group(2)] / 1024 ** 2 if match else None
    match = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    result["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if match:
        counts = dict(zip(("connect", "read", "write", "timeout"), map(int, match.groups())))
        for name, count in counts.items():
            if count:
                result["errors"] += count
                result["error_text"].append(f"{name} {count}")
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if match:
        result["errors"] += int(match.group(1))
        result["error_text"].append(f"non-2xx/3xx {match.group(1)}")
    return result


def parse_iperf(text):
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if data.get("error"):
        return {"error": data["error"]}
    end = data.get("end", {})
    received = end.get("sum_received", {})
    sent = end.get("sum_sent", {})
    if not received:
        return None
    return {
        "gbits": received["bits_per_second"] / 1e9,
        "bytes": received.get("bytes", 0),
        "retransmits": sent.get("retransmits", 0),
    }


def parse_ws(text):
    """The JSON line WebSocketLoad prints last, or None when it printed none."""
    lines = [l for l in text.splitlines() if l.startswith("{")]
    if not lines:
        return None
    try:
        data = json.loads(lines[-1])
    except ValueError:
        return None
    data["requests"] = data.get("messages_total", 0)
    return data


def parse_tlsnew(text):
    """The JSON line tlsnew prints last, or None when it printed none."""
    data = parse_ws(text)
    if data is None:
        return None
    data["requests"] = data.get("connections_total", 0)
    data["rps"] = data.get("per_s")
    data["error_text"] = list(data.get("error_text") or [])
    return data


def parse_h2load(text):
    """The figures of one h2load output (its measured seconds, after its warm-up), or None when it
    printed no result. Failed requests and a run without any request answered count as errors."""
    finished = re.search(r"^finished in [\d.]+\w+, ([\d.]+) req/s", text, re.M)
    counts = re.search(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                       r"(\d+) failed, (\d+) errored, (\d+) timeout", text, re.M)
    if not finished or not counts:
        return None
    _, _, _, succeeded, failed, errored, timeout = map(int, counts.groups())
    result = {"rps": float(finished.group(1)), "requests": succeeded, "errors": 0, "error_text": []}
    # h2load counts a request as succeeded when it was answered 2xx or 3xx, and as failed otherwise:
    # answered otherwise, errored (its stream reset or its connection lost) or timed out.
    if failed:
        statuses = re.search(r"^status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx", text, re.M)
        answered = f", 4xx {statuses.group(1)}, 5xx {statuses.group(2)}" if statuses else ""
        result["errors"] += failed
        result["error_text"].append(f"failed {failed} (errored {errored}, timeout {timeout}{answered})")
    if not succeeded:
        result["errors"] += 1
        result["error_text"].append("no request answered")
    timing = re.search(r"^time for request:\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)\s+([\d.]+)(us|ms|s)", text, re.M)
    result["max_ms"] = float(timing.group(3)) * UNITS[timing.group(4)] if timing else None
    result["mean_ms"] = float(timing.group(5)) * UNITS[timing.group(6)] if timing else None
    return result


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=1):
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def span(values, digits=1):
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return ""
    return f" ({fmt(min(values), digits)}–{fmt(max(values), digits)})"


def read_runs(work):
    runs = {}
    with open(os.path.join(work, "runs.tsv")) as tsv:
        for line in tsv:
            if not line.strip() or line.startswith("#"):
                continue
            rnd, workload, proxy, kind, raw, ticks, hz, seconds, rc, *rest = line.rstrip("\n").split("\t")
            extra = dict(word.split("=", 1) for word in (rest[0] if rest else "").split() if "=" in word)
            with open(os.path.join(work, raw), errors="replace") as f:
                text = f.read()
            parsed = {"wrk": parse_wrk, "iperf3": parse_iperf, "ws": parse_ws, "tlsnew": parse_tlsnew,
                      "h2load": parse_h2load}[kind](text)
            # A connection the proxy closed during h2load's timed run is not reconnected, so it
            # lowers the figures without a failed request: it fails the run too.
            made, still_open = extra.get("connections"), extra.get("open_near_end")
            if kind == "h2load" and parsed and made and still_open != made:
                parsed["errors"] += 1
                parsed["error_text"].append(f"connections open 1 s before the end: {still_open} of {made}")
            runs.setdefault((workload, proxy), []).append({
                "round": int(rnd), "raw": raw, "rc": int(rc), "parsed": parsed,
                "cpu_s": int(ticks) / int(hz), "seconds": float(seconds), "extra": extra,
                "hz": int(hz),
            })
    return runs


def http_table(runs, workload, warnings):
    rows = ["| proxy | requests/s (range) | p50 ms | p99 ms | MiB/s | proxy CPU µs/request | proxy CPU % of a core | errors (all rounds) |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for proxy in PROXIES:
        results = runs.get((workload, proxy), [])
        if not results:
            continue
        good = [r for r in results if r["parsed"]]
        for r in results:
            if not r["parsed"]:
                warnings.append(f"{workload} / {proxy} round {r['round']}: wrk printed no result (exit {r['rc']}), see {r['raw']}")
        if not good:
            rows.append(f"| {proxy} | FAILED | | | | | | see warnings |")
            continue
        rps = [r["parsed"]["rps"] for r in good]
        cpu_us = [r["cpu_s"] * 1e6 / r["parsed"]["requests"] if r["parsed"]["requests"] else None for r in good]
        cpu_pct = [100 * r["cpu_s"] / r["seconds"] for r in good]
        errors = sum(r["parsed"]["errors"] for r in good)
        error_cell = "0"
        if errors:
            details = "; ".join(f"r{r['round']}: " + ", ".join(r["parsed"]["error_text"]) for r in good if r["parsed"]["errors"])
            error_cell = f"**{errors}** ({details})"
            warnings.append(f"{workload} / {proxy}: {errors} errors ({details})")
        rows.append("| {} | {}{} | {} | {} | {} | {} | {} | {} |".format(
            proxy, fmt(median(rps)), span(rps), fmt(median(r["parsed"]["p50"] for r in good), 2),
            fmt(median(r["parsed"]["p99"] for r in good), 2), fmt(median(r["parsed"]["mibs"] for r in good)),
            fmt(median(cpu_us), 1), fmt(median(cpu_pct), 0), error_cell))
    return rows


def ws_table(runs, workload, warnings):
    """CPU per message counts every echo of the run (the client's unmeasured first second too),
    as the proxy's CPU is read over the whole run; % of a core is over the seconds messages flowed."""
    rows = ["| proxy | messages/s (range) | p50 ms | p99 ms | p99.9 ms | proxy CPU µs/message | proxy CPU % of a core | errors (all rounds) |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for proxy in PROXIES:
        results = runs.get((workload, proxy), [])
        if not results:
            continue
        good = [r for r in results if r["parsed"] and r["parsed"].get("messages")]
        for r in results:
            if r not in good:
                warnings.append(f"{workload} / {proxy} round {r['round']}: no messages measured (exit {r['rc']}), see {r['raw']}")
        if not good:
            rows.append(f"| {proxy} | FAILED | | | | | | see warnings |")
            continue
        rate = [r["parsed"]["messages_per_s"] for r in good]
        cpu_us = [r["cpu_s"] * 1e6 / r["parsed"]["messages_total"] for r in good]
        cpu_pct = [100 * r["cpu_s"] / r["parsed"]["active_seconds"] if r["parsed"]["active_seconds"] else None for r in good]
        errors = sum(r["parsed"]["errors"] for r in good)
        error_cell = "0"
        if errors:
            details = "; ".join(f"r{r['round']}: " + ", ".join(r["parsed"]["error_text"]) for r in good if r["parsed"]["errors"])
            error_cell = f"**{errors}** ({details})"
            warnings.append(f"{workload} / {proxy}: {errors} errors ({details})")
        rows.append("| {} | {}{} | {} | {} | {} | {} | {} | {} |".format(
            proxy, fmt(median(rate)), span(rate), fmt(median(r["parsed"]["p50_ms"] for r in good), 2),
            fmt(median(r["parsed"]["p99_ms"] for r in good), 2), fmt(median(r["parsed"]["p999_ms"] for r in good), 2),
            fmt(median(cpu_us), 1), fmt(median(cpu_pct), 0), error_cell))
    return rows


def tls_new_table(runs, workload, warnings):
    """CPU per handshake counts every connection of the run, also those that ended after its
    measured seconds, as the proxy's CPU is read around the whole run. The client's CPU % says
    whether the client set the pace (near 100%) rather than the proxy."""
    rows = ["| proxy | handshakes/s (range) | p50 ms | p99 ms | proxy CPU µs/handshake | proxy CPU % of a core | client CPU % of a core | errors (all rounds) |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for proxy in PROXIES:
        results = runs.get((workload, proxy), [])
        if not results:
            continue
        good = [r for r in results if r["parsed"] and r["parsed"].get("connections")]
        for r in results:
            if r not in good:
                why = "; ".join(r["parsed"]["error_text"]) if r["parsed"] else f"exit {r['rc']}"
                warnings.append(f"{workload} / {proxy} round {r['round']}: no connection made ({why}), see {r['raw']}")
        if not good:
            rows.append(f"| {proxy} | FAILED | | | | | | see warnings |")
            continue
        rate = [r["parsed"]["per_s"] for r in good]
        client_pct = [100 * r["parsed"]["client_cpu_s"] / r["parsed"]["client_wall_s"]
                      if r["parsed"].get("client_wall_s") else None for r in good]
        cpu_us = [r["cpu_s"] * 1e6 / r["parsed"]["requests"] for r in good]
        cpu_pct = [100 * r["cpu_s"] / r["seconds"] for r in good]
        errors = sum(r["parsed"]["errors"] for r in good)
        error_cell = "0"
        if errors:
            details = "; ".join(f"r{r['round']}: " + ", ".join(r["parsed"]["error_text"]) for r in good if r["parsed"]["errors"])
            error_cell = f"**{errors}** ({details})"
            warnings.append(f"{workload} / {proxy}: {errors} errors ({details})")
        rows.append("| {} | {}{} | {} | {} | {} | {} | {} | {} |".format(
            proxy, fmt(median(rate)), span(rate), fmt(median(r["parsed"]["p50_ms"] for r in good), 2),
            fmt(median(r["parsed"]["p99_ms"] for r in good), 2), fmt(median(cpu_us), 1),
            fmt(median(cpu_pct), 0), fmt(median(client_pct), 0), error_cell))
    return rows


def client_cpu_pct(run):
    """h2load's CPU % of its core, over its measured seconds up to 1 s before their end."""
    try:
        return 100 * int(run["extra"]["client_ticks"]) / run["hz"] / float(run["extra"]["client_seconds"])
    except (KeyError, ValueError, ZeroDivisionError):
        return None


def h2_table(runs, workload, warnings):
    """A run fails (its row is marked FAILED) when a request failed, was answered other than
    2xx/3xx, or when fewer of h2load's connections than it made were open 1 s before the end (the
    proxy closed one, and h2load does not reconnect during a timed run). CPU is over h2load's
    measured seconds, from the start of measurement it reports to its end."""
    rows = ["| proxy | requests/s (range) | mean ms | max ms | proxy CPU µs/request | proxy CPU % of a core | h2load CPU % of a core | errors (all rounds) |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for proxy in PROXIES:
        results = runs.get((workload, proxy), [])
        if not results:
            continue
        good = [r for r in results if r["parsed"]]
        for r in results:
            if not r["parsed"]:
                warnings.append(f"{workload} / {proxy} round {r['round']}: h2load printed no result (exit {r['rc']}), see {r['raw']}")
        if not good:
            rows.append(f"| {proxy} | FAILED | | | | | | see warnings |")
            continue
        rps = [r["parsed"]["rps"] for r in good]
        cpu_us = [r["cpu_s"] * 1e6 / r["parsed"]["requests"] if r["parsed"]["requests"] else None for r in good]
        cpu_pct = [100 * r["cpu_s"] / r["seconds"] if r["seconds"] else None for r in good]
        client_pct = [client_cpu_pct(r) for r in good]
        errors = sum(r["parsed"]["errors"] for r in good)
        failed = errors or len(good) < len(results)
        error_cell = "0"
        if errors:
            details = "; ".join(f"r{r['round']}: " + ", ".join(r["parsed"]["error_text"]) for r in good if r["parsed"]["errors"])
            error_cell = f"**{errors}** ({details})"
            warnings.append(f"{workload} / {proxy}: {errors} errors ({details})")
        rows.append("| {} | {}{}{} | {} | {} | {} | {} | {} | {} |".format(
            proxy, "**FAILED** " if failed else "", fmt(median(rps)), span(rps),
            fmt(median(r["parsed"]["mean_ms"] for r in good), 2), fmt(median(r["parsed"]["max_ms"] for r in good), 2),
            fmt(median(cpu_us), 1), fmt(median(cpu_pct), 0), fmt(median(client_pct), 0), error_cell))
    return rows


def l4_table(runs, workload, warnings):
    rows = ["| proxy | Gbit/s (range) | proxy CPU % of a core | proxy CPU s per GiB | TCP retransmits |",
            "|---|---:|---:|---:|---:|"]
    for proxy in PROXIES:
        results = runs.get((workload, proxy), [])
        if not results:
            continue
        good = [r for r in results if r["parsed"] and "gbits" in r["parsed"]]
        for r in results:
            if r not in good:
                why = r["parsed"]["error"] if r["parsed"] else f"no result (exit {r['rc']})"
                warnings.append(f"{workload} / {proxy} round {r['round']}: iperf3 failed: {why}, see {r['raw']}")
        if not good:
            rows.append(f"| {proxy} | FAILED | | | |")
            continue
        gbits = [r["parsed"]["gbits"] for r in good]
        cpu_pct = [100 * r["cpu_s"] / r["seconds"] for r in good]
        per_gib = [r["cpu_s"] / (r["parsed"]["bytes"] / 1024 ** 3) if r["parsed"]["bytes"] else None for r in good]
        rows.append("| {} | {}{} | {} | {} | {} |".format(
            proxy, fmt(median(gbits), 2), span(gbits, 2), fmt(median(cpu_pct), 0),
            fmt(median(per_gib), 2), sum(r["parsed"]["retransmits"] for r in good)))
    return rows


def memory_tables(work, warnings):
    path = os.path.join(work, "memory.tsv")
    if not os.path.exists(path):
        return []
    results = {}
    with open(path) as tsv:
        for line in tsv:
            if not line.strip():
                continue
            test, proxy, raw, rc = line.rstrip("\n").split("\t")
            with open(os.path.join(work, raw), errors="replace") as f:
                lines = [l for l in f.read().splitlines() if l.startswith("{")]
            results[(test, proxy)] = (json.loads(lines[-1]) if lines else None, raw, int(rc))
    out = []
    for test, title in (("idle-http", "HTTP listener"), ("idle-l4", "L4 listener (relayed to the HTTP backends)"),
                        ("idle-ws", "WebSocket tunnel through the HTTP listener (both of its connections)")):
        if not any(k[0] == test for k in results):
            continue
        out += ["", f"### Resident memory per idle client connection, {title}", "",
                "| proxy | connections | answered | still open | RSS before MiB | RSS after MiB | RSS KiB per connection | JVM live heap KiB per connection |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for proxy in PROXIES:
            data, raw, rc = results.get((test, proxy), (None, None, None))
            if data is None:
                if raw:
                    warnings.append(f"{test} / {proxy}: no result (exit {rc}), see {raw}")
                    out.append(f"| {proxy} | FAILED | | | | | | |")
                continue
            if data["still_open"] != data["connections"] or data["errors"]:
                warnings.append(f"{test} / {proxy}: {data['still_open']} of {data['connections']} connections open at the end, errors {data['errors']}")
            out.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
                proxy, data["connections"], data["answered"], data["still_open"],
                fmt(data["rss_before_kib"] / 1024), fmt(data["rss_after_kib"] / 1024),
                fmt(data["kib_per_connection"], 2), fmt(data.get("heap_kib_per_connection"), 2)))
    return out


def targets(runs, work):
    """maitre's performance targets, with one event loop, against nginx and HAProxy."""
    def med(workload, proxy, key):
        good = [r for r in runs.get((workload, proxy), []) if r["parsed"] and key(r) is not None]
        return median(key(r) for r in good)

    rps = lambda r: r["parsed"].get("rps")
    msgs = lambda r: r["parsed"].get("messages_per_s")
    p99 = lambda r: r["parsed"].get("p99")
    mibs = lambda r: r["parsed"].get("mibs")
    gbits = lambda r: r["parsed"].get("gbits")
    cpu = lambda r: r["cpu_s"] * 1e6 / r["parsed"]["requests"] if r["parsed"].get("requests") else None
    checks = []
    for workload in ("small-50", "small-256"):
        checks.append((f"{workload}: CPU µs/request ≤ HAProxy's", med(workload, "maitre-1", cpu), med(workload, "haproxy", cpu), 1.0, "le"))
        checks.append((f"{workload}: requests/s ≥ HAProxy's", med(workload, "maitre-1", rps), med(workload, "haproxy", rps), 1.0, "ge"))
        checks.append((f"{workload}: p99 ≤ HAProxy's", med(workload, "maitre-1", p99), med(workload, "haproxy", p99), 1.0, "le"))
    checks.append(("close: requests/s ≥ HAProxy's", med("close", "maitre-1", rps), med("close", "haproxy", rps), 1.0, "ge"))
    checks.append(("close: CPU µs/request ≤ 1.2 × HAProxy's", med("close", "maitre-1", cpu), med("close", "haproxy", cpu), 1.2, "le"))
    checks.append(("close: p99 ≤ 2 × HAProxy's", med("close", "maitre-1", p99), med("close", "haproxy", p99), 2.0, "le"))
    checks.append(("1m: MiB/s ≥ nginx's", med("1m", "maitre-1", mibs), med("1m", "nginx", mibs), 1.0, "ge"))
    checks.append(("1m: CPU µs/answer ≤ HAProxy's", med("1m", "maitre-1", cpu), med("1m", "haproxy", cpu), 1.0, "le"))
    # TLS: maitre-1 runs tls.provider openssl; the JDK provider's figure (maitre-1-jdk) is set beside it.
    tls_checks = [
        ("tls-new-{}: handshakes/s ≥ 0.9 × nginx's", "tls-new-{}", rps, "nginx", 0.9, "ge"),
        ("tls-new-{}: CPU µs/handshake, against nginx's (reported, no target)", "tls-new-{}", cpu, "nginx", 1.0, "info"),
        ("tls-keepalive-{}: requests/s ≥ HAProxy's", "tls-keepalive-{}", rps, "haproxy", 1.0, "ge"),
        ("tls-keepalive-{}: CPU µs/request, against HAProxy's (reported, no target)", "tls-keepalive-{}", cpu, "haproxy", 1.0, "info"),
    ]
    for name, workload, figure, reference, factor, how in tls_checks:
        for key in ("ecdsa", "rsa"):
            w = workload.format(key)
            if any(k[0] == w for k in runs):
                checks.append((name.format(key), med(w, "maitre-1", figure), med(w, reference, figure), factor, how,
                               med(w, "maitre-1-jdk", figure)))
    checks.append(("ws-50: messages/s ≥ nginx's", med("ws-50", "maitre-1", msgs), med("ws-50", "nginx", msgs), 1.0, "ge"))
    checks.append(("ws-50: messages/s ≥ HAProxy's", med("ws-50", "maitre-1", msgs), med("ws-50", "haproxy", msgs), 1.0, "ge"))
    checks.append(("ws-50: CPU µs/message, against HAProxy's (reported, no target)", med("ws-50", "maitre-1", cpu), med("ws-50", "haproxy", cpu), 1.0, "info"))
    for workload in ("h2-1x100", "h2-50x10"):
        if any(k[0] == workload for k in runs):
            checks.append((f"{workload}: requests/s, against HAProxy's (reported, no target)", med(workload, "maitre-1", rps), med(workload, "haproxy", rps), 1.0, "info"))
            checks.append((f"{workload}: CPU µs/request, against HAProxy's (reported, no target)", med(workload, "maitre-1", cpu), med(workload, "haproxy", cpu), 1.0, "info"))
    for workload in ("l4-up", "l4-down"):
        checks.append((f"{workload}: Gbit/s ≥ 0.9 × HAProxy's", med(workload, "maitre-1", gbits), med(workload, "haproxy", gbits), 0.9, "ge"))
    path = os.path.join(work, "memory.tsv")
    if os.path.exists(path):
        per_conn = {}
        with open(path) as tsv:
            for line in tsv:
                test, proxy, raw, _ = line.rstrip("\n").split("\t")
                with open(os.path.join(work, raw), errors="replace") as f:
                    lines = [l for l in f.read().splitlines() if l.startswith("{")]
                if lines:
                    per_conn[(test, proxy)] = json.loads(lines[-1])["kib_per_connection"]
        checks.append(("idle HTTP connection: KiB ≤ 2 × HAProxy's", per_conn.get(("idle-http", "maitre-1")), per_conn.get(("idle-http", "haproxy")), 2.0, "le"))
    with_jdk = any(len(check) > 5 for check in checks)
    rows = ["| target | maitre-1 | reference | met? |" + (" maitre-1-jdk (tls.provider jdk) |" if with_jdk else ""),
            "|---|---:|---:|---|" + ("---:|" if with_jdk else "")]
    for name, mine, ref, factor, how, *jdk in checks:
        if mine is None or ref is None:
            verdict = "no figures"
        elif how == "info":
            verdict = f"– ({mine / ref:.2f} ×)" if ref else "–"
        else:
            bound = ref * factor
            met = mine <= bound if how == "le" else mine >= bound
            verdict = f"{'met' if met else 'missed'} ({mine / ref:.2f} ×)" if ref else "–"
        row = f"| {name} | {fmt(mine, 2)} | {fmt(ref, 2)} | {verdict} |"
        if with_jdk:
            theirs = jdk[0] if jdk else None
            if theirs is None:
                row += " |"
            else:
                row += f" {fmt(theirs, 2)} ({theirs / ref:.2f} ×) |" if ref else f" {fmt(theirs, 2)} |"
        rows.append(row)
    return rows


def main():
    work = sys.argv[1]
    runs = read_runs(work)
    warnings = []
    with open(os.path.join(work, "header.md")) as f:
        out = f.read().rstrip("\n").splitlines()
    for workload, title in HTTP_WORKLOADS:
        if any(k[0] == workload for k in runs):
            note = ["", TLS_PROVIDERS + "."] if workload.startswith("tls-") else []
            out += ["", f"### {title} (`{workload}`)", ""] + http_table(runs, workload, warnings) + note
    for workload, title in TLS_NEW_WORKLOADS:
        if any(k[0] == workload for k in runs):
            out += ["", f"### {title} (`{workload}`)", ""] + tls_new_table(runs, workload, warnings)
            out += ["", TLS_PROVIDERS + ". Every connection a full handshake: the client keeps no session (a resumed one would count as an error)."]
    for workload, title in WS_WORKLOADS:
        if any(k[0] == workload for k in runs):
            out += ["", f"### {title} (`{workload}`)", ""] + ws_table(runs, workload, warnings)
    for workload, title in H2_WORKLOADS:
        if any(k[0] == workload for k in runs):
            out += ["", f"### {title} (`{workload}`)", ""] + h2_table(runs, workload, warnings)
    for workload, title in L4_WORKLOADS:
        if any(k[0] == workload for k in runs):
            out += ["", f"### {title} (`{workload}`)", ""] + l4_table(runs, workload, warnings)
    out += memory_tables(work, warnings)
    out += ["", "### Targets (maitre with one event loop; medians above)", ""] + targets(runs, work)
    out += ["", "### Warnings", ""]
    out += [f"- {w}" for w in warnings] if warnings else ["none: every run answered without socket errors or non-2xx/3xx answers"]
    text = "\n".join(out) + "\n"
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
