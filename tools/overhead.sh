#!/usr/bin/env bash
# Overhead harness (issue 6): the collector side by side with pidstat and a naive re-opening sampler, on this machine.
#   tools/overhead.sh [--quick] [--repeats N] [--out FILE.json] [--md FILE.md] [harness options...]
# Default: 5 repeats of every configuration, ~22 min on 2 cores (the estimate is printed first). --quick: 1 repeat
# and short windows (~3 min), for development only. Other options go to tools/overhead/harness.py (--help there):
# --rates 1,10,100,1000  --procs 10,100,1000  --cost-seconds S  --victim-seconds S  --phases cost,victim,...
# Writes a JSON results file (default artifacts/bench/overhead.json) that tools/render-benchmarks.py turns into
# docs/benchmarks.md; --md FILE also renders the overhead part alone to FILE.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
out="$root/artifacts/bench/overhead.json" md="" pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --md) md=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) pass+=("$1"); shift ;;
  esac
done
ensure_debian_packages pidstat:sysstat stress-ng:stress-ng cc:gcc
# perf profiles the collector for the report's section on missed goals; without it that phase is skipped.
ensure_debian_packages perf:linux-perf || log "linux-perf unavailable: no profile"
[ -x "$root/bin/tracekit" ] || { echo "overhead.sh: bin/tracekit is missing (source tools/lib.sh; publish_binaries \"$root\")" >&2; exit 2; }

work=$(mktemp -d -t tracekit-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -Wextra -Werror -o "$work/naive-sampler" "$root/tools/overhead/naive-sampler.c"
cc -O2 -Wall -Wextra -Werror -pthread -o "$work/victim" "$root/tools/overhead/victim.c"
mkdir -p "$(dirname "$out")"
# LC_ALL=C: pidstat prints and parses numbers the same way everywhere.
LC_ALL=C python3 "$root/tools/overhead/harness.py" --bin "$root/bin/tracekit" --naive "$work/naive-sampler" \
  --dbg "$root/artifacts/publish/tracekit/tracekit.dbg" \
  --victim "$work/victim" --work "$work/run" --out "$out" "${pass[@]+"${pass[@]}"}"
if [ -n "$md" ]; then
  python3 "$root/tools/render-benchmarks.py" --overhead-only "$out" "$md"
fi
