#!/usr/bin/env bash
# Builds bin/tracekit (native AOT) and bin/tracekit-convert, then runs the main job on this host:
# collect at 100 ms while an embedded workload runs through `tracekit run`, stop, show the status,
# convert to CCTF JSONL and to an OpenDC workload, validate it, write report.html, and print where everything is.
#   tools/quickstart.sh [--skip-build] [--out DIR]
# --skip-build: use bin/ as it is (tools/test.sh runs the quickstart this way right after publishing).
# --out DIR: where runs go (default ./logs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
build=1 out="$root/logs"
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) build=0; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "quickstart.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

ensure_debian_packages /usr/bin/time:time
if [ "$build" = 1 ]; then
  ensure_dotnet
  ensure_aot_toolchain
  log "restoring"
  dotnet restore Tracekit.sln -nologo >&2
  publish_binaries "$root"
elif [ ! -x bin/tracekit ] || [ ! -x bin/tracekit-convert ]; then
  echo "quickstart.sh: --skip-build but bin/tracekit or bin/tracekit-convert is missing; run without it" >&2
  exit 2
fi

bin/tracekit selfcheck --rounds 100 | tail -n 1

run_id="quickstart-$(date -u +%Y%m%dT%H%M%SZ)"
node=$(hostname)
log "collecting run $run_id into $out/$run_id/$node (100 ms interval)"
bin/tracekit collect --run-id "$run_id" --out "$out" --interval 100ms --duration 60s &
collector=$!
trap 'kill "$collector" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -f "$out/$run_id/$node/control/collector.json" ] && break
  sleep 0.05
done

log "running the embedded workload (about 10 s) through tracekit run"
bin/tracekit run --run-id "$run_id" --out "$out" -- "$root/tools/workloads/default-job.sh" 3
bin/tracekit stop --run-id "$run_id" --out "$out"
collector_status=0
wait "$collector" || collector_status=$?
trap - EXIT
if [ "$collector_status" -ne 0 ]; then
  echo "quickstart.sh: tracekit collect exited with status $collector_status (its messages are above); the run in $out/$run_id is incomplete" >&2
  exit 1
fi
bin/tracekit status --run-id "$run_id" --out "$out"

log "converting"
bin/tracekit-convert cctf --run-dir "$out/$run_id"
bin/tracekit-convert opendc --run-dir "$out/$run_id" --out "$out/$run_id/opendc" --tasks invocations
bin/tracekit-convert validate-opendc "$out/$run_id/opendc" --strict --topology "$out/$run_id/opendc/topology.json"
bin/tracekit-convert report --run-dir "$out/$run_id" --out "$out/$run_id/report.html"

cat <<DONE

Quickstart finished.
  rings:        $out/$run_id/$node/
  CCTF JSONL:   $out/$run_id/cctf/   (audit: $out/$run_id/cctf/audit_report.md)
  OpenDC:       $out/$run_id/opendc/ (tasks.parquet, fragments.parquet, topology.json)
  report:       $out/$run_id/report.html (open it in a browser; it works offline)
DONE
