#!/usr/bin/env bash
# Peak RSS of tracekit-convert on a 2 GiB ring (issue 4: <= 512 MB, memory bounded by streaming).
#   tools/convert-memory.sh [--dir DIR] [--ticks N] [--segment-mib M]
# Writes a synthetic ring with the bench project's generator (per 100 ms tick: HostCpu, HostMemory, NetDevice and
# 200 ProcessSamples; 215,000 ticks = 2.0 GiB), then runs `cctf` (JSONL files linked to /dev/null: the output's
# page cache is not the converter's memory, and 14 GB of JSON would only cost disk) and `opendc --tasks processes`
# under /usr/bin/time -v, and prints each peak RSS. DIR (default /tmp/tracekit-convert-memory) is deleted at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
dir=/tmp/tracekit-convert-memory ticks=215000 segment_mib=16
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --ticks) ticks=$2; shift 2 ;;
    --segment-mib) segment_mib=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "convert-memory.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
write_scratch_ring "$dir" "$ticks" "$segment_mib"
ring_bytes=$(du -sb "$dir/run" | cut -f1)
mkdir -p "$dir/cctf"
for name in $(python3 -c 'import re,sys; print(" ".join(sorted(set(re.findall(r"\"([a-z_]+\.jsonl)\"", open(sys.argv[1]).read())))))' "$root/src/Tracekit.Convert/Cctf/CctfFiles.cs"); do
  ln -s /dev/null "$dir/cctf/$name.partial"
done
peak() { # command… -> peak RSS in KiB on stdout; the command's own output goes to stderr
  /usr/bin/time -f '%M %U %S %e' -o "$dir/time.txt" "$@" >&2
  cat "$dir/time.txt"
}
log "cctf"
read -r cctf_kib cctf_user cctf_sys cctf_wall < <(peak "$root/bin/tracekit-convert" cctf --run-dir "$dir/run" --out "$dir/cctf")
log "opendc --tasks processes"
read -r opendc_kib opendc_user opendc_sys opendc_wall < <(peak "$root/bin/tracekit-convert" opendc --run-dir "$dir/run" --out "$dir/opendc" --tasks processes)
printf 'ring: %s bytes (%s ticks, %s MiB segments)\n' "$ring_bytes" "$ticks" "$segment_mib"
printf 'cctf:   peak RSS %d MB (%s KiB), %ss user, %ss sys, %ss wall\n' $((cctf_kib * 1024 / 1000000)) "$cctf_kib" "$cctf_user" "$cctf_sys" "$cctf_wall"
printf 'opendc: peak RSS %d MB (%s KiB), %ss user, %ss sys, %ss wall\n' $((opendc_kib * 1024 / 1000000)) "$opendc_kib" "$opendc_user" "$opendc_sys" "$opendc_wall"
