#!/usr/bin/env bash
# Regenerates docs/benchmarks.md: runs the BenchmarkDotNet suites (JSON export) and the overhead harness on this
# machine, then renders the tables with the machine, the SDK and the date.
#   tools/bench.sh [--job short|default] [--filter GLOB] [--skip-overhead]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
job=short filter='*' overhead=1
while [ $# -gt 0 ]; do
  case "$1" in
    --job) job=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --skip-overhead) overhead=0; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
ensure_dotnet
artifacts="$root/artifacts/bench"
rm -rf "$artifacts"
mkdir -p "$artifacts"
cut -d' ' -f1-3 /proc/loadavg > "$artifacts/loadavg-before"
log "BenchmarkDotNet ($job job, filter $filter)"
dotnet run -c Release --project "$root/bench/Tracekit.Benchmarks" -- --filter "$filter" --job "$job" \
  --exporters json --artifacts "$artifacts" --buildTimeout 900 >&2
if [ "$overhead" = 1 ]; then
  [ -x "$root/bin/tracekit" ] || publish_binaries "$root"
  log "overhead harness"
  bash "$root/tools/overhead.sh" --out "$artifacts/overhead.md" >&2
fi
cut -d' ' -f1-3 /proc/loadavg > "$artifacts/loadavg-after"
python3 "$root/tools/render-benchmarks.py" "$artifacts" "$root/docs/benchmarks.md" "$job"
log "wrote docs/benchmarks.md"
