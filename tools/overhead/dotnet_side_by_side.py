#!/usr/bin/env python3
"""The .NET side-by-side harness (issue 15), run as `tools/dotnet-overhead.sh --side-by-side …`.

For each variant a fresh example service is started (a free port on 127.0.0.1, workstation GC), observed the
variant's way, warmed up for one window and then driven by `wrk -t1 -cC -dS` for N windows. Per window: wrk's
completed requests / s, the service's own CPU (utime+stime of /proc/PID/stat) per completed request, and the
collector's CPU per request. Every figure is reported as median and spread (min..max) over the windows.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAIN = os.path.join(ROOT, "src/Tracekit.ExampleService/bin/Release/net10.0/tracekit-example-service")
OTEL = os.path.join(ROOT, "src/Tracekit.ExampleService/bin/otel/Release/net10.0/tracekit-example-service")
TICKS = os.sysconf("SC_CLK_TCK")

# name -> (service binary, service environment, collector arguments or None)
VARIANTS = {
    "unobserved": (PLAIN, {}, None),
    "full": (PLAIN, {}, ["--dotnet-sources", "metrics,gc,requests"]),
    "sampled10": (PLAIN, {}, ["--dotnet-sources", "metrics,gc,requests", "--dotnet-request-sample", "0.1"]),
    "sampled1": (PLAIN, {}, ["--dotnet-sources", "metrics,gc,requests", "--dotnet-request-sample", "0.01"]),
    "lean": (PLAIN, {}, ["--dotnet-sources", "metrics,gc,requests-lean"]),
    "metrics": (PLAIN, {}, ["--dotnet-sources", "metrics"]),
    "otel": (OTEL, {"TRACEKIT_EXAMPLE_OTEL_RATIO": "1"}, None),
    "otel10": (OTEL, {"TRACEKIT_EXAMPLE_OTEL_RATIO": "0.1"}, None),
    "unobserved-end": (PLAIN, {}, None),
}
DEFAULT_VARIANTS = list(VARIANTS)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def wait_http(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the service did not answer {url} within {seconds} s")


def wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^\s*(\d+) requests in ([\d.]+)(\w+)", out, re.M)
    if not m:
        raise SystemExit("cannot read wrk's output:\n" + out)
    scale = {"s": 1.0, "ms": 1e-3, "m": 60.0}[m.group(3)]
    return int(m.group(1)), float(m.group(2)) * scale


def build(otel_needed):
    if not os.path.exists(PLAIN):
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src/Tracekit.ExampleService"), "-c", "Release", "-nologo", "-v", "quiet"], check=True)
    if otel_needed and not os.path.exists(OTEL):
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src/Tracekit.ExampleService"), "-c", "Release", "-nologo", "-v", "quiet",
                        "-p:TracekitOtel=true"], check=True)


def attach_wait(run_dir, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        streams = os.path.join(run_dir, "n", "streams")
        if os.path.isdir(streams):
            for d in os.listdir(streams):
                try:
                    with open(os.path.join(streams, d, "capture.json")) as f:
                        if json.load(f).get("status") == "attached":
                            return
                except (OSError, ValueError):
                    pass
        time.sleep(0.1)
    raise SystemExit(f"the collector did not attach within {seconds} s (see {run_dir})")


def run_variant(name, path, args, tracekit, work):
    binary, env_extra, collector_args = VARIANTS[name]
    port = free_port()
    env = dict(os.environ, DOTNET_gcServer="0", **env_extra)
    log = open(os.path.join(work, f"service-{name}.log"), "w")
    service = subprocess.Popen([binary, "--urls", f"http://127.0.0.1:{port}"], env=env, stdout=log, stderr=subprocess.STDOUT)
    collector = None
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        if collector_args is not None:
            run_id = f"{name}-{port}"
            collector = subprocess.Popen([tracekit, "collect", "--run-id", run_id, "--node-id", "n", "--out", work, "--interval", "1s",
                                          "--dotnet", str(service.pid), *collector_args],
                                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, f"collector-{name}.log"), "w"))
            attach_wait(os.path.join(work, run_id))
        url = f"http://127.0.0.1:{port}{path}"
        wrk(url, args.seconds, args.connections)  # warm-up: tiered JIT, connection pools, EventPipe buffers
        windows = []
        for _ in range(args.windows):
            s0 = cpu_ticks(service.pid)
            c0 = cpu_ticks(collector.pid) if collector else 0
            requests, secs = wrk(url, args.seconds, args.connections)
            s1 = cpu_ticks(service.pid)
            c1 = cpu_ticks(collector.pid) if collector else 0
            windows.append({
                "requests": requests,
                "seconds": secs,
                "rps": requests / secs,
                "service_us_per_request": (s1 - s0) / TICKS * 1e6 / requests,
                "collector_us_per_request": (c1 - c0) / TICKS * 1e6 / requests,
            })
            print(f"  {name:15} {path:18} {windows[-1]['rps']:10.0f} req/s  service {windows[-1]['service_us_per_request']:6.1f} us/req  "
                  f"collector {windows[-1]['collector_us_per_request']:5.2f} us/req", file=sys.stderr)
        return windows
    finally:
        if collector:
            collector.terminate()
            collector.wait(timeout=30)
        service.terminate()
        service.wait(timeout=30)
        log.close()


def spread(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}..{fmt.format(max(values))})"


def table(path, results, args):
    base = statistics.median(w["rps"] for w in results["unobserved"]) if "unobserved" in results else None
    base_cpu = statistics.median(w["service_us_per_request"] for w in results["unobserved"]) if "unobserved" in results else None
    lines = [f"#### `{path}` ({args.windows} windows × {args.seconds} s, wrk -t1 -c{args.connections})", "",
             "| variant | req/s median (min..max) | loss vs unobserved | service CPU µs/request median (min..max) | added µs/request | collector µs/request |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, windows in results.items():
        rps = [w["rps"] for w in windows]
        cpu = [w["service_us_per_request"] for w in windows]
        col = [w["collector_us_per_request"] for w in windows]
        loss = f"{(base - statistics.median(rps)) / base * 100:.1f} %" if base else "-"
        added = f"{statistics.median(cpu) - base_cpu:+.2f}" if base_cpu is not None else "-"
        lines.append(f"| {name} | {spread(rps, '{:.0f}')} | {loss} | {spread(cpu, '{:.2f}')} | {added} | {statistics.median(col):.2f} |")
    return "\n".join(lines) + "\n"


def med(results, name, key):
    return statistics.median(w[key] for w in results[name]) if name in results else None


def control_noise(results):
    """The control's own spread in % of its median: every window of `unobserved` and `unobserved-end`, (max - min) / 2."""
    rps = [w["rps"] for name in ("unobserved", "unobserved-end") for w in results.get(name, [])]
    return (max(rps) - min(rps)) / 2 / statistics.median(rps) * 100 if len(rps) > 1 else 0.0


def verdict(value, limit, noise):
    """met / missed when the figure is clear of the limit by more than the control's noise; otherwise unresolved."""
    if abs(value - limit) <= noise:
        return f"within noise (±{noise:.1f} %)"
    return "met" if value <= limit else "**missed**"


def goals(all_results):
    """Issue 15's goals, judged on the medians (throughput loss against the unobserved control of the same path)."""
    rows = []
    empty = all_results.get("/work?cpu_ms=0", {})
    one_ms = all_results.get("/work?cpu_ms=1", {})

    def loss(results, name):
        base, rps = med(results, "unobserved", "rps"), med(results, name, "rps")
        return None if base is None or rps is None else (base - rps) / base * 100

    def cpu_loss(results, name):
        base, cpu = med(results, "unobserved", "service_us_per_request"), med(results, name, "service_us_per_request")
        return None if base is None or cpu is None else (cpu - base) / cpu * 100

    full, otel = med(empty, "full", "service_us_per_request"), med(empty, "otel", "service_us_per_request")
    if full is not None and otel is not None:
        rows.append(("Tracekit full costs the service no more µs/request than OpenTelemetry AlwaysOn (empty requests)",
                     f"{full:.2f} vs {otel:.2f} µs", "met" if full <= otel else "**missed**"))
    for results, path, checks in ((empty, "empty", (("sampled10", 5.0), ("lean", 3.0))),
                                  (one_ms, "1 ms", tuple((n, 1.0) for n in one_ms if not n.startswith("unobserved")))):
        noise = control_noise(results)
        for name, limit in checks:
            value = loss(results, name)
            if value is None:
                continue
            rows.append((f"{name}: throughput loss on {path} requests ≤ {limit:g} %",
                         f"{value:.1f} % (capacity loss from CPU per request: {cpu_loss(results, name):.1f} %)", verdict(value, limit, noise)))
    if not rows:
        return ""
    lines = ["Verdicts on throughput are given only when the figure is further from the goal than the control's own noise "
             "(half the spread of all its windows, both controls); the capacity loss from CPU per request, "
             "(µs − control µs) / µs, is the steadier figure.", "",
             "| goal | measured (median) | verdict |", "|---|---|---|"]
    lines += [f"| {g} | {m} | {v} |" for g, m, v in rows]
    return "\n".join(lines) + "\n"


def render(all_results, started, load_before, load_after, host, cpus, args):
    head = ("## .NET tracing side by side: Tracekit modes and OpenTelemetry in process (issue 15)\n\n"
        "`tools/dotnet-overhead.sh --side-by-side`: each variant gets a fresh example service (Release, workstation GC, "
        "127.0.0.1), one warm-up window, then windows of `wrk -t1 -c16` at saturation, wrk, the service and the collector "
        "sharing the machine's cores. req/s = wrk's completed requests per second; service CPU µs/request = the "
        "service's utime+stime (/proc/PID/stat) over the window / wrk's completed requests; added = minus the "
        "unobserved control's median; collector = the collector's own CPU per request. Loss = 1 − median / the "
        "control's median. `unobserved-end` is the control again at the end: the spread of the two controls is the "
        "noise. Variants: full = `--dotnet-sources metrics,gc,requests`; sampled10/sampled1 = the same with "
        "`--dotnet-request-sample 0.1`/`0.01`; lean = `metrics,gc,requests-lean`; metrics = `metrics`; otel/otel10 "
        "= the service built with `-p:TracekitOtel=true` (OpenTelemetry 1.21.0, ASP.NET Core instrumentation, batch "
        "processor, discarding exporter; AlwaysOn / ParentBased(TraceIdRatioBased(0.1))), no collector.\n\n")
    head += (f"Measured {started:%Y-%m-%d %H:%M} UTC on {host} ({cpus} CPUs), load average before "
        f"{load_before[0]:.2f}, after {load_after[0]:.2f}; command: `tools/dotnet-overhead.sh --side-by-side "
        f"--windows {args.windows} --seconds {args.seconds} --connections {args.connections}`.\n\n")
    # The harness itself (wrk, the service, the collector) keeps ~2-3 runnable: only the load before it says whether others ran.
    if load_before[0] > 1.0:
        head += (f"> **The machine was loaded** (load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, on "
                 f"{cpus} CPUs: other processes competed with wrk and the service), so throughput drifts between variants "
                 "far beyond the goals; the service's CPU µs per request is the figure that still means something.\n\n")
    text = head + "\n".join(table(path, res, args) for path, res in all_results.items()) + "\n" + goals(all_results)
    return text


def main():
    p = argparse.ArgumentParser(prog="tools/dotnet-overhead.sh --side-by-side")
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--variants", default=",".join(DEFAULT_VARIANTS))
    p.add_argument("--paths", default="/work?cpu_ms=0 /work?cpu_ms=1")
    p.add_argument("--out", help="write the markdown tables here")
    p.add_argument("--json", help="write every window here")
    p.add_argument("--from-json", help="do not measure: render the tables of an earlier --json file")
    args = p.parse_args()
    if args.from_json:
        data = json.load(open(args.from_json))
        print(render(data["results"], datetime.datetime.fromisoformat(data["started"]), data["load"][0], data["load"][1],
                     data.get("host", socket.gethostname()), data.get("cpus", os.cpu_count()), argparse.Namespace(**data.get("args", {"windows": args.windows, "seconds": args.seconds, "connections": args.connections}))))
        return
    variants = [v for v in args.variants.split(",") if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed")
    tracekit = os.environ.get("TRACEKIT_BIN", os.path.join(ROOT, "bin/tracekit"))
    if not os.access(tracekit, os.X_OK):
        raise SystemExit(f"no {tracekit}: run 'source tools/lib.sh; publish_binaries {ROOT}'")
    build(any(v.startswith("otel") for v in variants))

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    all_results = {}
    work = tempfile.mkdtemp(prefix="tracekit-side-by-side.")
    try:
        for path in args.paths.split():
            all_results[path] = {}
            for name in variants:
                all_results[path][name] = run_variant(name, path, args, tracekit, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    text = render(all_results, started, load_before, load_after, socket.gethostname(), os.cpu_count(), args)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"started": started.isoformat(), "load": [load_before, load_after], "host": socket.gethostname(), "cpus": os.cpu_count(),
                       "args": {"windows": args.windows, "seconds": args.seconds, "connections": args.connections}, "results": all_results}, f, indent=1)


if __name__ == "__main__":
    main()
