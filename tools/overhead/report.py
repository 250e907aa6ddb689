"""Markdown for the overhead part of docs/benchmarks.md, from the harness's JSON summary (tools/overhead/summary.py).

goals() judges issue 3's and issue 6's targets on the medians; sections() gives the detailed tables.
"""

MIB = 1048576


def _f(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def _s(spread, digits=2, scale=1.0):
    """'median (min–max)' of a summary spread."""
    if not spread:
        return "n/a"
    if spread["n"] == 1:
        return f"{spread['median'] * scale:.{digits}f}"
    return f"{spread['median'] * scale:.{digits}f} ({spread['min'] * scale:.{digits}f}–{spread['max'] * scale:.{digits}f})"


def _cost(summary, sampler, hz, procs):
    return next((c for c in summary["cost"] if (c["sampler"], c["hz"], c["procs"]) == (sampler, hz, procs)), None)


def goals(data):
    """Rows (goal, issue, target, measured, met) for every overhead goal the results can judge."""
    s, rows = data["summary"], []
    tk = _cost(s, "tracekit", 100, 100)
    if tk and tk["us_per_sample"]:
        us = tk["us_per_sample"]
        rows.append(("CPU per process-sample, host + 100 processes at 100 Hz", "3, 6", "≤ 2 µs",
                     f"{_s(us)} µs", us["median"] <= 2))
        rows.append(("CPU, host + 100 processes at 100 Hz", "3, 6", "≤ 2% of one core",
                     f"{_s(tk['cpu_pct'])}%", tk["cpu_pct"]["median"] <= 2))
        ps = _cost(s, "pidstat", 1, 100)
        if ps and ps["us_per_sample"]:
            ratio = ps["us_per_sample"]["median"] / us["median"]
            rows.append(("cheaper per process-sample than pidstat -u -r (tracekit at 100 Hz, pidstat at 1 s, 100 processes)",
                         "3, 6", "≥ 20x", f"{ratio:.1f}x ({ps['us_per_sample']['median']:.1f} µs against {us['median']:.2f} µs)",
                         ratio >= 20))
        nv = _cost(s, "naive", 100, 100)
        if nv and nv["us_per_sample"]:
            ratio = nv["us_per_sample"]["median"] / us["median"]
            rows.append(("cheaper per process-sample than the re-opening sampler (both at 100 Hz, 100 processes)", "6",
                         "≥ 10x", f"{ratio:.1f}x ({nv['us_per_sample']['median']:.1f} µs against {us['median']:.2f} µs)",
                         ratio >= 10))
    v = next((c for c in (s["victim"] or {}).get("configs", []) if (c["sampler"], c["hz"]) == ("tracekit", 100)), None)
    if v:
        base = s["victim"]["unobserved_ops_per_s"]
        noise = max(abs(base["min"] / base["median"] - 1), abs(base["max"] / base["median"] - 1)) * 100
        floor = f"; unobserved runs vary by ±{noise:.1f}%" if base["n"] > 1 else "; one unobserved run: noise unknown"
        rows.append(("victim throughput loss, tracekit at 100 Hz over 100 processes", "6", "≤ 1%",
                     f"{_s(v['loss_pct'])}%{floor}",
                     "inconclusive: noise above the goal" if noise > 1 else v["loss_pct"]["median"] <= 1))
    rss = [c["rss_max_kb"] for c in s["cost"] if c["sampler"] == "tracekit" and c["procs"] == 100 and c["rss_max_kb"]]
    rss += [m["rss_max_kb"] for m in s["memory"] if m["rss_max_kb"]]
    if rss:
        worst = max(rss) * 1024
        rows.append(("collector RSS with a 16 MiB ring (largest VmRSS seen, 100 processes, any rate)", "3, 6", "≤ 32 MB",
                     f"{worst / 1e6:.1f} MB ({worst / MIB:.1f} MiB)", worst <= 32e6))
    if s["startup_ms"]:
        rows.append(("startup: from spawn to the first tick of `collect` (median of 20)", "3", "≤ 20 ms",
                     f"{_s(s['startup_ms'], 1)} ms", s["startup_ms"]["median"] <= 20))
    late = s["lateness"]
    if late and late["p99_ms"]:
        rows.append((f"p99 tick lateness at 100 Hz, every core loaded by stress-ng (median of {late['runs']} runs)", "3",
                     "≤ 1 ms", f"{_s(late['p99_ms'])} ms", late["p99_ms"]["median"] <= 1))
        rows.append(("no tick lost silently", "3", "missed ticks counted",
                     f"{late['missed']} missed of {late['ticks'] + late['missed']}, counted in meta.json and status", True))
    return rows


def _plots(plots_prefix):
    return ["![collector CPU against sampling rate](" + plots_prefix + "collector-cpu-vs-rate.png)", "",
            "![CPU per process-sample against sampling rate](" + plots_prefix + "us-per-sample-vs-rate.png)", "",
            "![victim throughput loss against rate](" + plots_prefix + "victim-loss-vs-rate.png)", "",
            "![collector RSS over time](" + plots_prefix + "collector-rss-over-time.png)", ""]


def sections(data, plots_prefix="plots/"):
    m, s = data["meta"], data["summary"]
    out = ["## Collector overhead, side by side (tools/overhead.sh)", "",
           f"{m['repeats']} repeat(s) of every configuration, shuffled within each repeat; windows of {m['cost_seconds']:g} s "
           f"(cost), {m['victim_seconds']:g} s (victim), {m['lateness_seconds']:g} s (lateness), {m['memory_seconds']:g} s "
           f"(memory) after {m['warmup_seconds']:g} s of warm-up; {m['elapsed_s'] / 60:.1f} min in all. Figures are the median "
           "with the min–max over the repeats in brackets.", ""]
    out += _plots(plots_prefix)
    out += ["### Sampler CPU", "",
            "| sampler | rate | processes | CPU % of one core | µs CPU per process-sample | ticks missed % | max RSS |",
            "|---|---|---|---|---|---|---|"]
    for c in sorted(s["cost"], key=lambda c: (c["sampler"], c["procs"], c["hz"])):
        rss = f"{c['rss_max_kb'] / 1024:.1f} MiB" if c["rss_max_kb"] else "n/a"
        out.append(f"| {c['sampler']} | {c['hz']} Hz | {c['procs']} | {_s(c['cpu_pct'])} | {_s(c['us_per_sample'])} | "
                   f"{_s(c.get('missed_pct'), 1) if c['sampler'] != 'pidstat' else ''} | {rss} |")
    out += ["", "### Ratios per process-sample (how many times cheaper tracekit is)", "",
            "| rate | processes | tracekit µs | pidstat µs (1 s) | pidstat / tracekit | naive µs (same rate) | naive / tracekit |",
            "|---|---|---|---|---|---|---|"]
    for r in sorted(s["ratios"], key=lambda r: (r["procs"], r["hz"])):
        out.append(f"| {r['hz']} Hz | {r['procs']} | {r['tracekit_us']:.2f} | {_f(r.get('pidstat_us'))} | "
                   f"{_f(r.get('pidstat_over_tracekit'), 1)}x | {_f(r.get('naive_us'))} | {_f(r.get('naive_over_tracekit'), 1)}x |")
    out += ["", "pidstat cannot sample faster than once a second, so its column is the same at every rate; its "
            "per-sample cost includes its per-tick reads of /proc/stat and the like, spread over the processes."]
    v = s["victim"]
    if v:
        base = v["unobserved_ops_per_s"]
        noise = max(abs(base["min"] / base["median"] - 1), abs(base["max"] / base["median"] - 1)) * 100
        out += ["", "### Victim throughput loss", "",
                f"The victim runs {m['victim_threads']} threads (one per core, {m['victim_pinning']}) of a pure-register "
                f"integer loop for {m['victim_seconds']:g} s, alone or beside one observer sampling {m['victim_procs']} idle "
                "processes; the node is saturated, so the observer's CPU comes out of the victim's. Loss = 1 − ops/s ÷ "
                f"the median unobserved ops/s ({base['median']:.0f} ops/s; unobserved runs vary by ±{noise:.1f}%, the "
                "noise floor of this table).", "",
                "| observer | rate | runs | victim ops/s | loss % | observer CPU % of one core |", "|---|---|---|---|---|---|"]
        for c in sorted(v["configs"], key=lambda c: (c["sampler"] != "none", c["sampler"], c["hz"])):
            name = "unobserved" if c["sampler"] == "none" else c["sampler"]
            rate = "" if c["sampler"] == "none" else f"{c['hz']} Hz"
            out.append(f"| {name} | {rate} | {c['runs']} | {_s(c['ops_per_s'], 0)} | {_s(c['loss_pct'])} | "
                       f"{_s(c['observer_cpu_pct']) if c['observer_cpu_pct'] else ''} |")
    if s["memory"]:
        out += ["", "### Memory and ring size", "",
                f"All rates side by side over 100 processes for {m['memory_seconds']:g} s, VmRSS sampled every second "
                "(the plot above). RSS counts the mapped ring pages the collector has written (RssFile), so it grows "
                "as a segment fills. Ring bytes per hour = ring bytes written in the window × 3600 ÷ window.", "",
                "| rate | first VmRSS | max VmRSS | last VmRSS | VmHWM | max RssAnon | ring written per hour |", "|---|---|---|---|---|---|---|"]
        for r in s["memory"]:
            out.append(f"| {r['hz']} Hz | {r['rss_first_kb'] / 1024:.1f} MiB | {r['rss_max_kb'] / 1024:.1f} MiB | "
                       f"{r['rss_last_kb'] / 1024:.1f} MiB | {r['hwm_kb'] / 1024:.1f} MiB | {r['anon_max_kb'] / 1024:.1f} MiB | "
                       f"{r['ring_bytes_per_hour'] / 2**30:.2f} GiB |")
    rings = [c for c in s["cost"] if c["sampler"] == "tracekit" and c.get("ring_bytes_per_hour")]
    if rings:
        procs = sorted({c["procs"] for c in rings})
        rates = sorted({c["hz"] for c in rings})
        out += ["", "Ring written per hour (GiB, median of the cost runs; no-loss segments of 16 MiB are allocated whole):", "",
                "| rate | " + " | ".join(f"{n} processes" for n in procs) + " |", "|---|" + "---|" * len(procs)]
        for hz in rates:
            cells = [next((f"{c['ring_bytes_per_hour']['median'] / 2**30:.3f}" for c in rings if (c["hz"], c["procs"]) == (hz, n)), "")
                     for n in procs]
            out.append(f"| {hz} Hz | " + " | ".join(cells) + " |")
    late = s["lateness"]
    out += ["", "### Startup and lateness", ""]
    if s["startup_ms"]:
        whole = s.get("startup_whole_run_ms")
        out.append(f"bin/tracekit is {m['binary_size_bytes'] / MIB:.1f} MiB. `collect --duration 1ms`, 20 runs: from the "
                   f"spawn to the first tick (the collector's CLOCK_MONOTONIC of that tick, from meta.json, against the "
                   f"harness's before the spawn; includes creating the ring, the node description and the first listing) "
                   f"median {_s(s['startup_ms'], 1)} ms"
                   + (f"; the whole run including the exit (the ring's msync, closing the inotify watch, which waits "
                      f"for an RCU grace period) {_s(whole, 1)} ms." if whole else "."))
    if late and late["p99_ms"]:
        out.append(f"\nEvery core loaded by `stress-ng --cpu {m['cpus']}`, tracekit at 100 Hz over 100 processes, "
                   f"{late['runs']} runs of {m['lateness_seconds']:g} s: p99 lateness {_s(late['p99_ms'])} ms (10 µs buckets); "
                   f"{late['ticks']} ticks taken, {late['missed']} missed (counted), {late['late']} later than 50 µs.")
    out += ["", "### How it is measured", "",
            "- Targets are idle `sleep` processes started by the harness; the host is always sampled as well.",
            "- Sampler CPU = on-CPU time of all its threads over the window, from /proc/PID/task/*/schedstat (ns), so "
            "start-up and shutdown are excluded. A process-sample is one process at one tick; tracekit's ticks in the "
            "window are the nominal count less the share of the run's ticks it missed (meta.json), the naive "
            "sampler's are counted exactly (it reports on SIGUSR1), pidstat's are one per second.",
            "- The naive sampler (tools/overhead/naive-sampler.c) opens, reads, parses and closes /proc/stat, "
            "/proc/meminfo, /proc/net/dev and each target's /proc/PID/stat and /proc/PID/status every tick, and stores "
            "nothing: a lower bound for that pattern.",
            "- tracekit runs with its defaults (no-loss policy, 16 MiB segments)."]
    return out


def profile(data):
    """The harness's perf profile (top symbols) as a code block, for the section on missed goals."""
    p = data.get("profile")
    if not p:
        return []
    return [f"Where the collector's CPU goes: `perf record -e {p['event']} -g` on {p['config']} for {p['seconds']:g} s "
            f"(self time by shared object and symbol; the whole report is artifacts/bench/{p['report']}). Managed "
            "frames of the AOT binary show as addresses unless its symbols are available to perf.", "",
            "```"] + p["top"] + ["```", ""]
