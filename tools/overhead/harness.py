#!/usr/bin/env python3
"""Overhead harness (issue 6): run by tools/overhead.sh, which builds the C helpers and passes their paths.

Phases, each configuration repeated --repeats times in a shuffled order per repeat so drift hits all of them:
  cost      collector CPU, process-samples, RSS and ring bytes for tracekit and the naive sampler at each rate and
            pidstat at 1 s, over 10/100/1000 idle `sleep` targets;
  victim    throughput of a CPU-bound victim (one thread per core, unpinned) unobserved and under each observer
            over 100 targets;
  lateness  tracekit at 100 Hz over 100 targets with every core loaded by stress-ng;
  memory    tracekit at every rate, side by side over 100 targets for a longer run, RSS sampled every second;
  startup   wall time of 20 one-tick `collect` runs.
Writes one JSON file (raw runs plus a summary) that tools/render-benchmarks.py and tools/plot read.
"""
import argparse
import signal
import datetime
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ inside tools/
import measure
import samplers
import summary


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True, help="bin/tracekit")
    p.add_argument("--dbg", help="the AOT binary's symbols (artifacts/publish/tracekit/tracekit.dbg), for perf")
    p.add_argument("--naive", required=True, help="the compiled naive sampler")
    p.add_argument("--victim", required=True, help="the compiled victim")
    p.add_argument("--work", required=True, help="scratch folder (rings are written here)")
    p.add_argument("--out", required=True, help="the JSON results file")
    p.add_argument("--quick", action="store_true", help="1 repeat, short windows: for development, not for figures")
    p.add_argument("--repeats", type=int)
    p.add_argument("--rates", default="1,10,100,1000", help="Hz, comma-separated")
    p.add_argument("--procs", default="10,100,1000", help="target counts for the cost phase, comma-separated")
    p.add_argument("--victim-procs", type=int, default=100)
    p.add_argument("--victim-threads", type=int, default=os.cpu_count())
    p.add_argument("--cost-seconds", type=float)
    p.add_argument("--victim-seconds", type=float)
    p.add_argument("--lateness-seconds", type=float)
    p.add_argument("--memory-seconds", type=float)
    p.add_argument("--warmup-seconds", type=float, default=1.0)
    p.add_argument("--phases", default="cost,victim,lateness,memory,startup,profile",
                   help="profile needs perf (Debian linux-perf) and is skipped without it")
    p.add_argument("--profile-seconds", type=float)
    a = p.parse_args()
    defaults = dict(repeats=1, cost_seconds=2, victim_seconds=3, lateness_seconds=3, memory_seconds=8, profile_seconds=3) if a.quick \
        else dict(repeats=5, cost_seconds=4, victim_seconds=8, lateness_seconds=10, memory_seconds=60, profile_seconds=10)
    for k, v in defaults.items():
        if getattr(a, k) is None:
            setattr(a, k, v)
    a.rates = [int(x) for x in a.rates.split(",")]
    a.procs = [int(x) for x in a.procs.split(",")]
    a.phases = set(a.phases.split(","))
    return a


def log(msg):
    print(f"[{datetime.datetime.now(datetime.timezone.utc):%H:%M:%S}] overhead: {msg}", file=sys.stderr, flush=True)


def measured_run(obs, window_s, warmup_s, during=None):
    """Starts obs (if any), waits warmup_s, measures a window of window_s (or the length of `during`), stops it."""
    try:
        if obs:
            obs.start()
            time.sleep(warmup_s)
            if not obs.alive():
                raise RuntimeError(f"{obs.kind} at {obs.hz} Hz exited during warm-up")
            obs.begin_window()
        if during:
            value = during()
            if obs:
                obs.sample_memory()
        else:
            value = None
            end = time.monotonic() + window_s
            while time.monotonic() < end - 1e-3:
                obs.sample_memory()
                time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        if obs:
            obs.end_window()
            obs.stop()
        return value
    finally:
        if obs and obs.alive():  # an error above: do not leave the observer running
            measure.stop(obs.proc)


def cost_configs(a):
    cfg = [("tracekit", hz, n) for n in a.procs for hz in a.rates]
    cfg += [("naive", hz, n) for n in a.procs for hz in a.rates]
    cfg += [("pidstat", 1, n) for n in a.procs]
    return cfg


def victim_configs(a):
    return [("none", 0)] + [("tracekit", hz) for hz in a.rates] + [("pidstat", 1)] + [("naive", hz) for hz in a.rates]


def estimate_s(a):
    per = a.warmup_seconds + 0.6
    s = 0
    if "cost" in a.phases:
        s += len(cost_configs(a)) * a.repeats * (per + a.cost_seconds)
    if "victim" in a.phases:
        s += len(victim_configs(a)) * a.repeats * (per + a.victim_seconds)
    if "lateness" in a.phases:
        s += a.repeats * (per + 1 + a.lateness_seconds)
    if "memory" in a.phases:
        s += per + a.memory_seconds
    if "startup" in a.phases:
        s += 20 * 0.1
    if "profile" in a.phases:
        s += a.warmup_seconds + a.profile_seconds + 3
    return s


def run_cost(a, targets, results):
    configs = cost_configs(a)
    for rep in range(a.repeats):
        order = configs[:]
        random.Random(rep).shuffle(order)
        for i, (kind, hz, n) in enumerate(order):
            obs = samplers.make(kind, hz, targets[:n], a, f"cost-{kind}-{hz}-{n}-{rep}")
            measured_run(obs, a.cost_seconds, a.warmup_seconds)
            r = obs.result()
            r["repeat"] = rep
            results.append(r)
            if r.get("exit_code"):
                log(f"WARNING: tracekit exited {r['exit_code']} ({kind} {hz} Hz x {n}); its samples are not counted")
            us = r["cpu_ns"] / 1000 / r["process_samples"] if r["process_samples"] else float("nan")
            log(f"cost {rep + 1}/{a.repeats} [{i + 1}/{len(order)}] {kind} {hz} Hz x {n}: "
                f"{100 * r['cpu_ns'] / 1e9 / r['window_s']:.2f}% of a core, {us:.2f} µs/process-sample")


def run_victim(a, targets, results):
    pids = targets[:a.victim_procs]
    configs = victim_configs(a)
    for rep in range(a.repeats):
        order = configs[:]
        random.Random(1000 + rep).shuffle(order)
        for i, (kind, hz) in enumerate(order):
            obs = samplers.make(kind, hz, pids, a, f"victim-{kind}-{hz}-{rep}")

            def victim():
                out = measure.spawn([a.victim, str(a.victim_seconds), str(a.victim_threads)], stdout=-1)
                text = out.communicate()[0].decode()
                return float(text.split()[1])

            ops = measured_run(obs, a.victim_seconds, a.warmup_seconds, during=victim)
            r = {"sampler": kind, "hz": hz, "procs": len(pids) if obs else 0, "repeat": rep, "ops_per_s": ops}
            if obs:
                r["observer"] = obs.result()
            results.append(r)
            log(f"victim {rep + 1}/{a.repeats} [{i + 1}/{len(order)}] {kind} {hz} Hz: {ops:.1f} ops/s")


def run_lateness(a, targets, results):
    pids = targets[:100]
    for rep in range(a.repeats):
        stress = measure.spawn(["stress-ng", "--cpu", str(os.cpu_count()), "--timeout",
                                f"{int(a.lateness_seconds + a.warmup_seconds + 10)}s"], new_group=True)
        try:
            time.sleep(1)
            obs = samplers.make("tracekit", 100, pids, a, f"late-{rep}")
            measured_run(obs, a.lateness_seconds, a.warmup_seconds)
        finally:
            measure.stop_group(stress)
        r = obs.result()
        r["repeat"] = rep
        results.append(r)
        log(f"lateness {rep + 1}/{a.repeats}: {r['ticks']} ticks, {r['missed_ticks']} missed, "
            f"p99 {r['p99_lateness_ns'] / 1e6 if r['p99_lateness_ns'] is not None else float('nan'):.2f} ms")


def run_memory(a, targets, results):
    pids = targets[:100]
    observers = [samplers.make("tracekit", hz, pids, a, f"mem-{hz}") for hz in a.rates]
    for obs in observers:
        obs.start()
    time.sleep(a.warmup_seconds)
    for obs in observers:
        obs.begin_window()
    end = time.monotonic() + a.memory_seconds
    while time.monotonic() < end - 1e-3:
        for obs in observers:
            obs.sample_memory()
        time.sleep(min(1.0, max(0.0, end - time.monotonic())))
    for obs in observers:
        obs.sample_memory()
        obs.end_window()
    for obs in observers:
        obs.stop()
        results.append(obs.result())
    log(f"memory: max VmRSS {max(max(s[1] for s in o.rss_kb) for o in observers) / 1024:.1f} MiB over {a.memory_seconds:.0f} s")


def run_profile(a, targets, data):
    """perf (software cpu-clock event: VMs often lack hardware counters) on tracekit at 100 Hz over 100 targets.

    The text report lands beside the JSON (…-perf.txt); the JSON keeps its top symbols for the report's section on
    missed goals.
    """
    if not shutil.which("perf"):
        log("profile: perf not found (apt-get install linux-perf); skipped")
        return
    if a.dbg and os.path.exists(a.dbg):
        # The published binary is stripped; its symbols are in tracekit.dbg under the same build id. perf finds
        # symbols by build id in ~/.debug, so swap the stripped copy a previous `perf record` cached for the .dbg.
        subprocess.run(["perf", "buildid-cache", "--remove", a.bin], capture_output=True)
        subprocess.run(["perf", "buildid-cache", "--add", a.dbg], capture_output=True)
    obs = samplers.make("tracekit", 100, targets[:100], a, "profile")
    perf_data = os.path.join(a.work, "perf.data")
    obs.start()
    try:
        time.sleep(a.warmup_seconds)
        rec = measure.spawn(["perf", "record", "--no-buildid-cache", "-e", "cpu-clock", "-F", "4999", "-g", "-o", perf_data, "-p",
                             str(obs.proc.pid), "--", "sleep", str(a.profile_seconds)])
        rec.wait()
    finally:
        obs.proc.terminate()
        obs.proc.wait()
    text = subprocess.run(["perf", "report", "-i", perf_data, "--stdio", "--no-children", "--sort", "dso,sym",
                           "-g", "none", "--percent-limit", "0.5"], capture_output=True, text=True).stdout
    path = os.path.splitext(a.out)[0] + "-perf.txt"
    with open(path, "w") as f:
        f.write(text)
    top = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")][:25]
    data["profile"] = {"config": "tracekit 100 Hz, 100 processes", "seconds": a.profile_seconds, "event": "cpu-clock",
                       "report": os.path.basename(path), "top": top}
    log(f"profile: wrote {path}")


def run_startup(a, results, whole_results):
    """Startup: from just before the spawn to the collector's first tick (CLOCK_MONOTONIC on both sides; the
    collector writes its first tick's time to meta.json). The whole one-tick run, exit included (the ring's msync,
    closing an inotify instance, which waits for an RCU grace period), is kept beside it."""
    for i in range(20):
        run_id = f"st-{i}"
        t0 = time.monotonic_ns()
        # Plain spawn (no pre-exec hook, so Python can use vfork): the figure is the collector's, not the fork's.
        subprocess.run([a.bin, "collect", "--run-id", run_id, "--node-id", "bench", "--out",
                        os.path.join(a.work, "logs"), "--duration", "1ms"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        whole_results.append((time.monotonic_ns() - t0) / 1000)
        try:
            with open(os.path.join(a.work, "logs", run_id, "bench", "meta.json")) as f:
                first = json.load(f).get("first_tick_monotonic_ns", 0)
        except (OSError, ValueError):
            first = 0
        if first:
            results.append((first - t0) / 1000)
    if results:
        log(f"startup: median {sorted(results)[len(results) // 2] / 1000:.1f} ms to the first tick, "
            f"{sorted(whole_results)[10] / 1000:.1f} ms for the whole one-tick run")


def main():
    a = parse_args()
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so the finally below kills the targets we started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(a.work, exist_ok=True)
    # 1000 targets need a few thousand descriptors in the collector (kept /proc files and pidfds).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    est = estimate_s(a)
    log(f"{'quick' if a.quick else 'full'} run, {a.repeats} repeat(s); estimated {est / 60:.1f} min")
    started = time.monotonic()
    data = {"meta": {"started_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                     "quick": a.quick, "repeats": a.repeats, "rates_hz": a.rates, "procs": a.procs,
                     "victim_procs": a.victim_procs, "victim_threads": a.victim_threads, "victim_pinning": "unpinned",
                     "cost_seconds": a.cost_seconds, "victim_seconds": a.victim_seconds,
                     "lateness_seconds": a.lateness_seconds, "memory_seconds": a.memory_seconds,
                     "warmup_seconds": a.warmup_seconds, "cpus": os.cpu_count(), "kernel": platform.release(),
                     "nofile_limit": hard, "binary_size_bytes": os.path.getsize(a.bin),
                     "estimated_s": round(est), "loadavg_before": open("/proc/loadavg").read().split()[:3]},
            "cost": [], "victim": [], "lateness": [], "memory": [], "startup_us": [], "startup_whole_run_us": []}
    count = max(a.procs + [a.victim_procs, 100])
    targets = []
    try:
        for _ in range(count):
            targets.append(measure.spawn(["sleep", "86400"]))
        pids = [t.pid for t in targets]
        if "cost" in a.phases:
            run_cost(a, pids, data["cost"])
        if "victim" in a.phases:
            run_victim(a, pids, data["victim"])
        if "lateness" in a.phases:
            run_lateness(a, pids, data["lateness"])
        if "memory" in a.phases:
            run_memory(a, pids, data["memory"])
        if "startup" in a.phases:
            run_startup(a, data["startup_us"], data["startup_whole_run_us"])
        if "profile" in a.phases:
            run_profile(a, pids, data)
    finally:
        for t in targets:
            t.kill()
        for t in targets:
            t.wait()
    data["meta"]["elapsed_s"] = round(time.monotonic() - started)
    data["meta"]["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
    data["summary"] = summary.summarize(data)
    with open(a.out, "w") as f:
        json.dump(data, f, indent=1)
    log(f"done in {data['meta']['elapsed_s'] / 60:.1f} min; wrote {a.out}")


if __name__ == "__main__":
    main()
