#!/usr/bin/env bash
# Where a .NET tracing mode's per-request cost goes in the example service (docs/dotnet-tracing.md, "Side by side"):
#   tools/overhead/dotnet-profile.sh [--seconds S] [--otel RATIO] [-- COLLECT-ARGS…]
# Starts the example service with perf maps (DOTNET_PerfMapEnabled=1, so perf can name JIT-compiled frames), attaches
# `bin/tracekit collect --dotnet PID COLLECT-ARGS…` (none: unobserved), drives it with wrk at saturation and records
# `perf record -g` of the service for S seconds. Prints the top symbols by self time and the share of samples under
# the tracing frames (EventSource writing, DiagnosticSource payload fetches, Activity creation, TPL activity ids).
# --otel RATIO profiles the OpenTelemetry build of the service instead (-p:TracekitOtel=true, built if missing).
# Needs: perf, wrk, bin/tracekit. Example: tools/overhead/dotnet-profile.sh -- --dotnet-sources requests --dotnet-request-sample 0.1
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=5 otel=''
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --otel) otel=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--seconds S] [--otel RATIO] [-- COLLECT-ARGS…]" >&2; exit 2 ;;
  esac
done
collect_args=("$@")
service="$root/src/Tracekit.ExampleService/bin/Release/net10.0/tracekit-example-service"
[[ -x $service ]] || dotnet build "$root/src/Tracekit.ExampleService" -c Release -nologo -v quiet >&2
if [[ -n $otel ]]; then
  service="$root/src/Tracekit.ExampleService/bin/otel/Release/net10.0/tracekit-example-service"
  [[ -x $service ]] || dotnet build "$root/src/Tracekit.ExampleService" -c Release -nologo -v quiet -p:TracekitOtel=true >&2
fi
work=$(mktemp -d /tmp/tracekit-dotnet-profile.XXXXXX)
svc_pid='' col_pid='' wrk_pid=''
cleanup() {
  [[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null || true
  [[ -n $col_pid ]] && kill -TERM "$col_pid" 2>/dev/null || true
  [[ -n $svc_pid ]] && kill "$svc_pid" 2>/dev/null || true
  if [[ -n ${KEEP_PROFILE:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TRACEKIT_EXAMPLE_OTEL_RATIO=${otel:-1} DOTNET_gcServer=0 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$service" --urls "http://127.0.0.1:$port" >"$work/service.log" 2>&1 &
svc_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
if [[ ${#collect_args[@]} -gt 0 ]]; then
  "${TRACEKIT_BIN:-$root/bin/tracekit}" collect --run-id prof --node-id n --out "$work" --interval 1s --dotnet "$svc_pid" "${collect_args[@]}" 2>"$work/collector.log" &
  col_pid=$!
  for _ in $(seq 150); do grep -q '"status": "attached"' "$work"/prof/n/streams/dotnet-*/capture.json 2>/dev/null && break; sleep 0.2; done
fi
wrk -t1 -c16 -d"$((seconds + 6))s" "http://127.0.0.1:$port/work?cpu_ms=0" >"$work/wrk.txt" &
wrk_pid=$!
sleep 3 # past tiering and connection set-up
perf record -q -g -F 999 -p "$svc_pid" -o "$work/perf.data" -- sleep "$seconds" 2>/dev/null
wait "$wrk_pid" || true; wrk_pid=''
echo "== ${otel:+OpenTelemetry build, ratio $otel; }collect args: ${collect_args[*]:-(none)}; wrk: $(grep -E 'Requests/sec' "$work/wrk.txt")"
echo "== top symbols by self time"
perf report -i "$work/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 | cut -c1-170 || true
echo "== share of the service's samples with a tracing frame on the stack (inclusive)"
perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' \
  | grep -E 'EventSource|Dses|DiagnosticSource|DiagnosticListener|Activity|HostingApplication|TplEventSource|OpenTelemetry' | head -25 | cut -c1-230 || true
