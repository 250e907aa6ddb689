#!/usr/bin/env bash
# Runs every benchmark once (BenchmarkDotNet's Dry job) so the bench project cannot rot.
# This is a smoke test, not a measurement: real figures come from tools/bench.sh (docs/benchmarks.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The .NET decode benchmark captures a real example service (Release); test.sh's solution build already made it.
dotnet build "$root/src/Tracekit.ExampleService" -c Release -nologo -v quiet >&2
dotnet run -c Release --project "$root/bench/Tracekit.Benchmarks" -- \
  --filter '*' --job Dry --inProcess --artifacts "$out" --exporters json --stopOnFirstError
# BenchmarkDotNet exits 0 even when a benchmark throws; the JSON report says whether each one ran.
python3 - "$out" <<'PY'
import glob, json, sys
reports = glob.glob(sys.argv[1] + "/results/*-report-full-compressed.json") + glob.glob(sys.argv[1] + "/results/*-report-full.json")
if not reports:
    sys.exit("bench smoke: no BenchmarkDotNet report was written")
ran = broken = 0
for r in reports:
    for b in json.load(open(r))["Benchmarks"]:
        st = b.get("Statistics")
        if st and st.get("N", 0) > 0: ran += 1
        else: broken += 1; print("bench smoke: no measurement for", b["FullName"])
print(f"bench smoke: {ran} benchmarks ran, {broken} without a result")
sys.exit(1 if broken or not ran else 0)
PY
