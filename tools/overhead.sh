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
    /usr/bin/time -f "%U %S" -o "$work/time" "$root/bin/tracekit" collect --run-id "$run" --out "$work/logs" \
      --interval "${interval_ms}ms" --duration "${seconds}s" "${pid_flags[@]}" 2>/dev/null
    ticks=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['ticks'])" "$work/logs/$run/$(hostname)/meta.json")
    read -r u s < "$work/time"
    printf 'tracekit\t%s\t%s\t%s\t%s\n' "$hz" "$ticks" "$u" "$s" >> "$results"
    rm -rf "$work/logs/$run"
  done
  /usr/bin/time -f "%U %S" -o "$work/time" pidstat -u -r -p "$pid_list" 1 "$seconds" > /dev/null
  read -r u s < "$work/time"
  printf 'pidstat\t1\t%s\t%s\t%s\n' "$seconds" "$u" "$s" >> "$results"
done

python3 - "$results" "$procs" "$seconds" "$out" <<'PY'
import sys, statistics, collections
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
procs, seconds, out = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
groups = collections.defaultdict(list)
for name, hz, ticks, u, s in rows:
    cpu_s = float(u) + float(s)
    groups[(name, int(hz))].append((cpu_s, int(ticks)))
lines = [f"| sampler | rate | processes | runs | CPU % of one core (median) | µs CPU per process-sample (median, min–max) |",
         "|---|---|---|---|---|---|"]
per_sample = {}
for (name, hz), vals in sorted(groups.items()):
    pct = [100 * c / seconds for c, _ in vals]
    us = [1e6 * c / (t * procs) for c, t in vals]
    per_sample[(name, hz)] = statistics.median(us)
    lines.append(f"| {name} | {hz} Hz | {procs} | {len(vals)} | {statistics.median(pct):.2f} | {statistics.median(us):.2f} ({min(us):.2f}–{max(us):.2f}) |")
if ("pidstat", 1) in per_sample:
    for (name, hz), v in sorted(per_sample.items()):
        if name == "tracekit" and v > 0:
            lines.append(f"\npidstat / tracekit at {hz} Hz, per process-sample: {per_sample[('pidstat', 1)] / v:.1f}x")
text = "\n".join(lines)
print(text)
if out:
    open(out, "w").write(text + "\n")
PY
