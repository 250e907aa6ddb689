#!/usr/bin/env bash
# The cost of `tracekit collect --dotnet` to the observed service (issue 5: throughput loss at saturation <= 2 %),
# and the collector's CPU while it handles the events.
#
#   tools/dotnet-overhead.sh [--repeats N] [--seconds S] [--connections C] [--path /work?cpu_ms=0]
#                            [--sources metrics,gc,requests] [--json FILE]
#
# One example service (Release build, workstation GC, 127.0.0.1, a free port) is driven to saturation by wrk
# (closed loop: throughput = completed requests / s) in alternating windows, unobserved and observed by
# bin/tracekit collect --dotnet PID --interval 1s (runtime metrics at 1 s + GC + one event per request), each
# repeated N times, so drift of a shared machine hits both conditions alike. Per observed window it reads the
# collector's CPU (utime+stime from /proc/PID/stat) and the nettrace size. Prints one row per window and the
# medians. Needs: wrk, bin/tracekit (source tools/lib.sh; publish_binaries .). Run on a quiet machine.
#
# Side by side (issue 15): tools/dotnet-overhead.sh --side-by-side [--windows N] [--seconds S] [--connections C]
#   [--variants LIST] [--paths 'P1 P2'] [--out FILE.md] [--json FILE]
# Each variant gets a fresh example service (its own process, a free port), one warm-up window, then N windows of
# `wrk -t1 -cC -dS`: throughput (wrk's completed requests / s) and the SERVICE's own CPU per request (utime+stime
# of /proc/PID/stat over the window, divided by wrk's completed requests), plus the collector's CPU per request.
# Variants: unobserved, full (metrics,gc,requests), sampled10 and sampled1 (--dotnet-request-sample 0.1 / 0.01),
# lean (metrics,gc,requests-lean), metrics (metrics only), otel and otel10 (the service built with
# -p:TracekitOtel=true: OpenTelemetry .NET in process, AlwaysOn and ParentBased(TraceIdRatio 0.1)), and
# unobserved-end (the control again, last, so drift over the run shows). Prints a markdown table per path with
# the median and the spread (min..max) of every figure; --out writes it to a file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ ${1:-} == --side-by-side ]]; then
  shift
  exec python3 "$root/tools/overhead/dotnet_side_by_side.py" "$@"
fi
repeats=3 seconds=10 connections=16 path='/work?cpu_ms=0' sources='' json=''
while [[ $# -gt 0 ]]; do
  case $1 in
    --repeats) repeats=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --path) path=$2; shift 2 ;;
    --sources) sources=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    *) echo "usage: $0 [--repeats N] [--seconds S] [--connections C] [--path P] [--sources LIST] [--json FILE]" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
tracekit="${TRACEKIT_BIN:-$root/bin/tracekit}"
[[ -x $tracekit ]] || { echo "no $tracekit: run 'source tools/lib.sh; publish_binaries $root'" >&2; exit 1; }
service="$root/src/Tracekit.ExampleService/bin/Release/net10.0/tracekit-example-service"
[[ -x $service ]] || dotnet build "$root/src/Tracekit.ExampleService" -c Release -nologo -v quiet >&2

work=$(mktemp -d /tmp/tracekit-dotnet-overhead.XXXXXX)
svc_pid='' col_pid=''
cleanup() {
  [[ -n $col_pid ]] && kill -TERM "$col_pid" 2>/dev/null || true
  [[ -n $svc_pid ]] && kill "$svc_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port$path"
DOTNET_gcServer=0 "$service" --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
svc_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
ticks=$(getconf CLK_TCK)

rate() { # wrk window -> requests/s
  wrk -t1 -c"$connections" -d"${seconds}s" "$url" | awk '/^Requests\/sec:/ {print $2}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "warm-up: ${seconds}s of wrk" >&2
rate >/dev/null
printf '%-7s %-10s %12s %14s %14s\n' repeat condition 'req/s' 'collector_ms' 'nettrace_MB'
unobserved=() observed=() cpu=()
for r in $(seq "$repeats"); do
  u=$(rate); unobserved+=("$u")
  printf '%-7s %-10s %12s %14s %14s\n' "$r" unobserved "$u" - -
  run="r$r"
  extra=()
  [[ -n $sources ]] && extra=(--dotnet-sources "$sources")
  "$tracekit" collect --run-id "$run" --node-id n --out "$work" --interval 1s --dotnet "$svc_pid" "${extra[@]}" 2>"$work/collector-$r.log" &
  col_pid=$!
  for _ in $(seq 150); do
    grep -q '"status": "attached"' "$work/$run"/n/streams/dotnet-*/capture.json 2>/dev/null && break; sleep 0.2
  done
  sleep 1
  before=$(cpu_ticks "$col_pid")
  o=$(rate); observed+=("$o")
  after=$(cpu_ticks "$col_pid")
  kill -TERM "$col_pid"; wait "$col_pid" || true; col_pid=''
  ms=$(( (after - before) * 1000 / ticks )); cpu+=("$ms")
  mb=$(du -m "$work/$run"/n/streams/dotnet-*/trace.nettrace | awk '{print $1}')
  printf '%-7s %-10s %12s %14s %14s\n' "$r" observed "$o" "$ms" "$mb"
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mu=$(median "${unobserved[@]}") mo=$(median "${observed[@]}") mc=$(median "${cpu[@]}")
awk -v u="$mu" -v o="$mo" -v c="$mc" -v s="$seconds" -v src="${sources:-metrics,gc,requests}" 'BEGIN {
  printf "sources %s: median unobserved %.0f req/s, observed %.0f req/s: loss %.2f %%\n", src, u, o, (u - o) / u * 100
  printf "collector CPU while observing: %d ms per %d s window = %.2f %% of one core (%.1f us per request)\n", c, s, c / (s * 10), c * 1000 / (o * s)
}'
if [[ -n $json ]]; then
  python3 - "$json" "${sources:-metrics,gc,requests}" "$path" "$connections" "$seconds" "$mc" "${unobserved[*]}" "${observed[*]}" <<'PY'
import json, sys
out, sources, path, conns, secs, cpu_ms, un, ob = sys.argv[1:]
un = [float(x) for x in un.split()]; ob = [float(x) for x in ob.split()]
med = lambda v: sorted(v)[len(v) // 2] if len(v) % 2 else sum(sorted(v)[len(v) // 2 - 1:len(v) // 2 + 1]) / 2
try:
    data = json.load(open(out))
except (OSError, ValueError):
    data = []
data.append({"sources": sources, "path": path, "connections": int(conns), "seconds": int(secs),
             "unobserved": un, "observed": ob, "loss_pct": (med(un) - med(ob)) / med(un) * 100,
             "collector_cpu_ms_per_window": int(cpu_ms)})
json.dump(data, open(out, "w"), indent=1)
PY
fi
