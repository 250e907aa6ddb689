#!/usr/bin/env bash
# Runs every test: restore, build (warnings are errors), the native-AOT publish check, every xunit project,
# and the benchmark smoke run. Installs what it needs on a fresh Debian machine; safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"

ensure_dotnet
# stress-ng and pidstat are CPU oracles for the collector tests; nginx and wrk feed the nginx importer test.
ensure_debian_packages stress-ng:stress-ng pidstat:sysstat nginx:nginx-light wrk:wrk /usr/bin/time:time
# tmux is the terminal of the `tracekit top` test; chromium (headless) loads the HTML report.
ensure_debian_packages tmux:tmux chromium:chromium
# The cluster tests start their own redis-server (and read it back with redis-cli); ip and iptables join their namespaces.
ensure_debian_packages redis-server:redis-server redis-cli:redis-tools ip:iproute2 iptables:iptables
ensure_aot_toolchain
# Real container engines for the container tests; a dockerd this script starts is stopped when it exits.
ensure_container_engines
start_dockerd_if_needed
trap stop_started_dockerd EXIT

log "restoring"
dotnet restore Tracekit.sln -nologo >&2
log "building (Release)"
dotnet build Tracekit.sln -c Release --no-restore -nologo -clp:ErrorsOnly >&2

# The AOT contract: the collector publishes with zero trim/AOT warnings (they are errors here).
publish_binaries "$root"

# The collector tests drive the native-AOT binary just published: that is what users run.
export TRACEKIT_BIN="$root/bin/tracekit"
results=$(mktemp -d)
trap 'rm -rf "$results"; stop_started_dockerd' EXIT
status=0
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  log "testing $name"
  if ! dotnet test "$proj" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=minimal" >&2; then
    status=1
  fi
done

# The README's first command, end to end on the binaries just published: collect, run, convert, validate --strict.
log "quickstart (tools/quickstart.sh --skip-build)"
quickstart_out=$(mktemp -d)
if bash tools/quickstart.sh --skip-build --out "$quickstart_out" > "$results/quickstart.log" 2>&1; then
  tail -n 5 "$results/quickstart.log" >&2
else
  tail -n 40 "$results/quickstart.log" >&2
  echo "FAILED tools/quickstart.sh --skip-build (its log is above)" >&2
  status=1
fi
rm -rf "$quickstart_out"

if [ -f bench/Tracekit.Benchmarks/Tracekit.Benchmarks.csproj ]; then
  log "benchmark smoke run (the bench project must not rot)"
  # Its full log is long; keep it out of the tail that CI shows unless it failed.
  if bash tools/bench-smoke.sh > "$results/bench-smoke.log" 2>&1; then
    tail -n 1 "$results/bench-smoke.log" >&2
  else
    tail -n 60 "$results/bench-smoke.log" >&2
    status=1
  fi
fi
# Sum the TRX counters so the run ends with one plain 'N passed, N failed' line, and name every failed test with
# the first lines of its message: CI shows only the tail of the log, so the failures must be the last thing printed.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
failures = []
for f in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(f).getroot()
    c = root.find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    for r in root.iter("{%s}UnitTestResult" % ns["t"]):
        # xunit's skips are results with outcome NotExecuted; the summary counter does not always count them.
        if r.get("outcome") == "NotExecuted":
            skipped += 1
        elif r.get("outcome") == "Failed":
            msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            text = (msg.text or "").strip().splitlines() if msg is not None else []
            failures.append((r.get("testName"), text[:6]))
for name, text in failures:
    print(f"FAILED {name}")
    for line in text:
        print(f"    {line[:300]}")
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
