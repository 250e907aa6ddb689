#!/usr/bin/env bash
# Size and time of `tracekit-convert report` on a 1 GiB ring, against `cctf` on the same ring (issue 14: the
# report under 5 MB, in no more than 1.5x the time of cctf).
#   tools/report-bench.sh [--dir DIR] [--ticks N]
# Writes a synthetic ring with the bench project's generator (per 100 ms tick: HostCpu, HostMemory, NetDevice and
# 200 ProcessSamples; 107,500 ticks = 1 GiB), then runs `cctf` (real JSONL files in DIR) and `report` under
# /usr/bin/time -v, each twice (the first run warms the page cache), and prints wall times, the ratio and the
# report's size. DIR (default /tmp/tracekit-report-bench) is deleted at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
dir=/tmp/tracekit-report-bench ticks=107500
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --ticks) ticks=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "report-bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
write_scratch_ring "$dir" "$ticks" 64
ring_bytes=$(du -sb "$dir/run" | cut -f1)
timed() { # command… -> "wall_s peak_kib" on stdout; the command's own output goes to stderr
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >&2
  cat "$dir/time.txt"
}
for round in 1 2; do
  log "round $round: cctf"
  rm -rf "$dir/cctf"
  read -r cctf_s cctf_kib < <(timed "$root/bin/tracekit-convert" cctf --run-dir "$dir/run" --out "$dir/cctf")
  log "round $round: report"
  read -r report_s report_kib < <(timed "$root/bin/tracekit-convert" report --run-dir "$dir/run" --out "$dir/report.html")
done
report_bytes=$(stat -c %s "$dir/report.html")
printf 'ring: %s bytes (%s ticks)\n' "$ring_bytes" "$ticks"
printf 'cctf:   %ss wall, peak RSS %s KiB\n' "$cctf_s" "$cctf_kib"
printf 'report: %ss wall, peak RSS %s KiB, %s bytes of HTML\n' "$report_s" "$report_kib" "$report_bytes"
python3 -c 'import sys; print(f"report/cctf time: {float(sys.argv[2])/float(sys.argv[1]):.2f}x (limit 1.5x); size {int(sys.argv[3])/1e6:.2f} MB (limit 5 MB)")' "$cctf_s" "$report_s" "$report_bytes"
