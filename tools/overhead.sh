#!/usr/bin/env bash
# Side-by-side cost of the collector and pidstat over the same idle processes, on this machine, in one run.
#   tools/overhead.sh [--procs N] [--seconds S] [--rates "1 10 100"] [--repeats R] [--out FILE]
# Each sampler is wrapped in /usr/bin/time; CPU = user + sys of the sampler process over the whole window.
# µs per process-sample = CPU µs / (ticks × processes). Writes a markdown table (stdout, and --out if given).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
procs=100 seconds=20 rates="1 10 100" repeats=1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --procs) procs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "overhead.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
ensure_debian_packages pidstat:sysstat /usr/bin/time:time
[ -x "$root/bin/tracekit" ] || { echo "overhead.sh: build first (tools/quickstart.sh builds bin/tracekit)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 "$procs"); do sleep 3600 & pids+=($!); done
pid_list=$(IFS=,; echo "${pids[*]}")
pid_flags=()
for p in "${pids[@]}"; do pid_flags+=(--pid "$p"); done

results="$work/results.tsv"
: > "$results"
for rep in $(seq 1 "$repeats"); do
  for hz in $rates; do
    interval_ms=$((1000 / hz))
    run="oh-$hz-$rep"
    /usr/bin/time -f "%U %S %M" -o "$work/time" "$root/bin/tracekit" collect --run-id "$run" --out "$work/logs" \
      --interval "${interval_ms}ms" --duration "${seconds}s" "${pid_flags[@]}" 2>/dev/null
    ticks=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ticks'])" "$work/logs/$run/$(hostname)/meta.json")
    read -r u s rss < "$work/time"
    printf 'tracekit\t%s\t%s\t%s\t%s\t%s\n' "$hz" "$ticks" "$u" "$s" "$rss" >> "$results"
    rm -rf "$work/logs/$run"
  done
  /usr/bin/time -f "%U %S %M" -o "$work/time" pidstat -u -r -p "$pid_list" 1 "$seconds" > /dev/null
  read -r u s rss < "$work/time"
  printf 'pidstat\t1\t%s\t%s\t%s\t%s\n' "$seconds" "$u" "$s" "$rss" >> "$results"
done

# Startup: wall time of a whole `collect` that takes one tick (create the ring, first tick, flush, exit).
startup="$work/startup"
: > "$startup"
for i in $(seq 1 20); do
  t0=$(date +%s%N)
  "$root/bin/tracekit" collect --run-id "st-$i" --out "$work/logs" --duration 1ms 2>/dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 )) >> "$startup"
done
size=$(stat -c %s "$root/bin/tracekit")

# Tick lateness with the host loaded to 100% (stress-ng on every core), at 100 Hz over the same processes.
lateness="$work/lateness"
echo "none" > "$lateness"
if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$(nproc)" --timeout "$((seconds + 5))s" >/dev/null 2>&1 &
  stress=$!
  sleep 1
  "$root/bin/tracekit" collect --run-id late --out "$work/logs" --interval 10ms --duration "${seconds}s" "${pid_flags[@]}" 2>/dev/null
  kill "$stress" 2>/dev/null || true
  wait "$stress" 2>/dev/null || true
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['ticks'], m['missed_ticks'], m['late_ticks'], m['p99_lateness_ns'], m['max_lateness_ns'])" \
    "$work/logs/late/$(hostname)/meta.json" > "$lateness"
fi

python3 - "$results" "$procs" "$seconds" "$out" "$startup" "$size" "$lateness" <<'PY'
import os, sys, statistics, collections
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
procs, seconds, out = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
groups = collections.defaultdict(list)
rss = collections.defaultdict(list)
for name, hz, ticks, u, s, m in rows:
    cpu_s = float(u) + float(s)
    groups[(name, int(hz))].append((cpu_s, int(ticks)))
    rss[(name, int(hz))].append(int(m))
lines = [f"| sampler | rate | processes | runs | CPU % of one core (median) | µs CPU per process-sample (median, min–max) | max RSS |",
         "|---|---|---|---|---|---|---|"]
per_sample = {}
for (name, hz), vals in sorted(groups.items()):
    pct = [100 * c / seconds for c, _ in vals]
    us = [1e6 * c / (t * procs) for c, t in vals]
    per_sample[(name, hz)] = statistics.median(us)
    lines.append(f"| {name} | {hz} Hz | {procs} | {len(vals)} | {statistics.median(pct):.2f} | {statistics.median(us):.2f} ({min(us):.2f}–{max(us):.2f}) | {max(rss[(name, hz)]) / 1024:.1f} MiB |")
if ("pidstat", 1) in per_sample:
    for (name, hz), v in sorted(per_sample.items()):
        if name == "tracekit" and v > 0:
            lines.append(f"\npidstat / tracekit at {hz} Hz, per process-sample: {per_sample[('pidstat', 1)] / v:.1f}x")
st = sorted(int(x) for x in open(sys.argv[5]).read().split())
lines.append(f"\nbin/tracekit: {int(sys.argv[6]) / 1048576:.1f} MiB; a whole `collect --duration 1ms` (start, one tick, flush, exit), 20 runs: median {statistics.median(st) / 1000:.1f} ms, max {max(st) / 1000:.1f} ms")
late = open(sys.argv[7]).read().split()
if len(late) == 5:
    t, missed, lt, p99, mx = map(int, late)
    lines.append(f"\nHost loaded to 100% (stress-ng --cpu {os.cpu_count()}), 100 Hz, {procs} processes, {seconds:.0f} s: {t} ticks, {missed} missed, {lt} later than 50 µs; p99 lateness ≤ {p99 / 1e6:.2f} ms (10 µs buckets), max {mx / 1e6:.2f} ms")
goal_rows = []
def goal(text, target, measured, ok):
    goal_rows.append(f"| {text} | {target} | {measured} | {'met' if ok else 'missed'} |")
if ("tracekit", 100) in per_sample:
    us100 = per_sample[("tracekit", 100)]
    pct100 = statistics.median(100 * c / seconds for c, _ in groups[("tracekit", 100)])
    goal(f"CPU per process-sample, host + {procs} processes at 100 Hz", "≤ 2 µs", f"{us100:.2f} µs", us100 <= 2)
    goal(f"CPU, host + {procs} processes at 100 Hz", "≤ 2% of one core", f"{pct100:.2f}%", pct100 <= 2)
    if ("pidstat", 1) in per_sample:
        ratio = per_sample[("pidstat", 1)] / us100
        goal("cheaper than pidstat per process-sample", "≥ 20x", f"{ratio:.1f}x", ratio >= 20)
    r = max(rss[("tracekit", 100)]) / 1024
    goal("collector RSS with a 16 MiB ring", "≤ 32 MB", f"{r:.1f} MiB", r * 1.048576 <= 32)
goal("startup (a whole one-tick collect, median)", "≤ 20 ms", f"{statistics.median(st) / 1000:.1f} ms", statistics.median(st) <= 20000)
if len(late) == 5:
    goal("p99 tick lateness at 100 Hz, host at 100%", "≤ 1 ms", f"≤ {p99 / 1e6:.2f} ms", p99 <= 1_000_000)
    goal("no tick lost silently (missed ticks are counted)", "counted", f"{missed} missed, counted in meta.json and status", True)
lines += ["", "| goal | target | measured | verdict |", "|---|---|---|---|"] + goal_rows
lines.append("\nCPU is user + sys of the sampler process over its whole run (/usr/bin/time), startup included; a process-sample is one process at one tick. The collector ran with the default 16 MiB ring.")
text = "\n".join(lines)
print(text)
if out:
    open(out, "w").write(text + "\n")
PY
