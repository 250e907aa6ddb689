#!/usr/bin/env bash
# p99 tick lateness of `tracekit collect` at 100 Hz over 100 sleeping processes, both cores loaded by
# `stress-ng --cpu 2`, for --priority normal against --priority auto (SCHED_FIFO 1 when root), 3 rounds of 10 s.
#   tools/overhead/lateness-by-priority.sh [--rounds N]
# Reads each run's meta.json (p99_lateness_ns, ticks, missed_ticks, realtime_sampling). Needs bin/tracekit and stress-ng.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=3
[ "${1:-}" = "--rounds" ] && rounds=$2
command -v stress-ng >/dev/null || { echo "lateness-by-priority.sh: stress-ng is missing (apt-get install -y stress-ng)" >&2; exit 2; }
work=$(mktemp -d)
pids=() stress=
cleanup() { [ -n "$stress" ] && kill "$stress" 2>/dev/null; [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do sleep 3600 & pids+=($!); done
targets=(); for p in "${pids[@]}"; do targets+=(--pid "$p"); done
stress-ng --cpu 2 --timeout "$((rounds * 25 + 10))s" >/dev/null 2>&1 & stress=$!
sleep 2
for round in $(seq "$rounds"); do
  for priority in normal auto; do
    id="lateness-$priority-$round"
    "$root/bin/tracekit" collect --run-id "$id" --out "$work" --node-id n --interval 10ms --duration 10s \
      --priority "$priority" "${targets[@]}" >/dev/null 2>"$work/$id.log" || { cat "$work/$id.log" >&2; exit 1; }
    python3 - "$priority" "$work/$id/n/meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[2]))
print(f"--priority {sys.argv[1]:6}  p99 lateness {m['p99_lateness_ns'] / 1e6:6.3f} ms  ticks {m['ticks']}  missed {m['missed_ticks']}  realtime {m['realtime_sampling']}")
PY
  done
done
