"""Aggregates the harness's raw runs into medians and spreads; render-benchmarks.py and tools/plot read this."""
import collections

from measure import spread


def _group(runs, key):
    groups = collections.defaultdict(list)
    for r in runs:
        groups[key(r)].append(r)
    return groups


def _cost(runs):
    out = []
    for (kind, hz, n), rs in sorted(_group(runs, lambda r: (r["sampler"], r["hz"], r["procs"])).items()):
        row = {"sampler": kind, "hz": hz, "procs": n, "runs": len(rs),
               "cpu_pct": spread([100 * r["cpu_ns"] / 1e9 / r["window_s"] for r in rs]),
               "us_per_sample": spread([r["cpu_ns"] / 1e3 / r["process_samples"] for r in rs if r["process_samples"]]),
               "rss_max_kb": max((s[1] for r in rs for s in r["rss_kb"]), default=None),
               "hwm_max_kb": max((r.get("hwm_kb") or 0 for r in rs), default=None)}
        if kind != "pidstat":
            row["missed_pct"] = spread([100 * r["missed_ticks"] / (r["ticks"] + r["missed_ticks"])
                                        for r in rs if r.get("ticks", 0) + r.get("missed_ticks", 0)])
        if kind == "tracekit":
            row["ring_bytes_per_hour"] = spread([r["ring_bytes"] * 3600 / r["window_s"] for r in rs])
        out.append(row)
    return out


def _ratios(cost):
    by = {(c["sampler"], c["hz"], c["procs"]): c["us_per_sample"]["median"] for c in cost if c["us_per_sample"]}
    out = []
    for (kind, hz, n), us in sorted(by.items()):
        if kind != "tracekit" or us <= 0:
            continue
        row = {"hz": hz, "procs": n, "tracekit_us": us}
        if ("pidstat", 1, n) in by:
            row["pidstat_us"] = by[("pidstat", 1, n)]
            row["pidstat_over_tracekit"] = by[("pidstat", 1, n)] / us
        if ("naive", hz, n) in by:
            row["naive_us"] = by[("naive", hz, n)]
            row["naive_over_tracekit"] = by[("naive", hz, n)] / us
        out.append(row)
    return out


def _victim(runs):
    base = spread([r["ops_per_s"] for r in runs if r["sampler"] == "none"])
    if not base:
        return {}
    out = []
    for (kind, hz), rs in sorted(_group(runs, lambda r: (r["sampler"], r["hz"])).items()):
        obs = [r["observer"] for r in rs if "observer" in r]
        out.append({"sampler": kind, "hz": hz, "runs": len(rs),
                    "ops_per_s": spread([r["ops_per_s"] for r in rs]),
                    "loss_pct": spread([100 * (1 - r["ops_per_s"] / base["median"]) for r in rs]),
                    "observer_cpu_pct": spread([100 * o["cpu_ns"] / 1e9 / o["window_s"] for o in obs]) if obs else None})
    return {"unobserved_ops_per_s": base, "configs": out}


def _lateness(runs):
    if not runs:
        return None
    return {"runs": len(runs), "p99_ms": spread([r["p99_lateness_ns"] / 1e6 for r in runs if r.get("p99_lateness_ns") is not None]),
            "ticks": sum(r["ticks"] for r in runs), "missed": sum(r["missed_ticks"] for r in runs),
            "late": sum(r.get("late_ticks") or 0 for r in runs),
            "rss_max_kb": max((s[1] for r in runs for s in r["rss_kb"]), default=None)}


def _memory(runs):
    out = []
    for r in sorted(runs, key=lambda r: r["hz"]):
        rss = [s[1] for s in r["rss_kb"]]
        out.append({"hz": r["hz"], "procs": r["procs"], "seconds": r["window_s"], "rss_first_kb": rss[0] if rss else None,
                    "rss_last_kb": rss[-1] if rss else None, "rss_max_kb": max(rss, default=None),
                    "anon_max_kb": max((s[2] for s in r["rss_kb"]), default=None), "hwm_kb": r.get("hwm_kb"),
                    "ring_bytes_per_hour": r["ring_bytes"] * 3600 / r["window_s"], "missed_ticks": r.get("missed_ticks")})
    return out


def summarize(data):
    cost = _cost(data["cost"])
    return {"cost": cost, "ratios": _ratios(cost), "victim": _victim(data["victim"]),
            "lateness": _lateness(data["lateness"]), "memory": _memory(data["memory"]),
            "startup_ms": spread([us / 1000 for us in data["startup_us"]]),
            "startup_whole_run_ms": spread([us / 1000 for us in data.get("startup_whole_run_us", [])])}


if __name__ == "__main__":
    # Re-summarize an existing results file (after changing this module): summary.py RESULTS.json
    import json, sys
    d = json.load(open(sys.argv[1]))
    d["summary"] = summarize(d)
    json.dump(d, open(sys.argv[1], "w"), indent=1)
