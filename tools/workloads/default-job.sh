#!/bin/sh
# The quickstart's embedded workload: a small batch job with phases a trace should show, about 10 s in all
# (with the default 3 s first phase; the phases are bounded by wall-clock time, so a busy host does not stretch them).
#   1. two CPU-bound workers (hashing zeros) for about 3 s;
#   2. one compressing worker for about 3 s;
#   3. an idle phase of 4 s;
#   4. a burst of 20 short-lived children (the churn a job scheduler causes).
# It uses only sh and coreutils/gzip, so it runs on any Debian machine.
set -eu
seconds="${1:-3}"

burn() { timeout "$1" sh -c 'while :; do head -c 16777216 /dev/zero | sha256sum >/dev/null; done' || true; }

burn "$seconds" &
burn "$seconds" &
wait
timeout 3 sh -c 'while :; do head -c 33554432 /dev/zero | gzip -1 >/dev/null; done' || true
sleep 4
i=0
while [ "$i" -lt 20 ]; do
  head -c 1048576 /dev/zero | sha256sum >/dev/null &
  i=$((i + 1))
done
wait
echo "default-job: done"
