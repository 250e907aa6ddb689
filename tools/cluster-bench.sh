#!/usr/bin/env bash
# Cluster-mode figures (docs/benchmarks-cluster.md, included in docs/benchmarks.md): placement throughput of the scheduler through Redis,
# submit-to-start latency on an idle cluster, and an idle agent's CPU cost. Uses bin/tracekit (publish it first:
# source tools/lib.sh; publish_binaries "$PWD") and a private redis-server on 127.0.0.1 (a free port, the password in
# a 0600 file). Usage: tools/cluster-bench.sh [--jobs N] [--latency-jobs N] [--idle-seconds N]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
root=$(repo_root)
cd "$root"
jobs=20000; latency_jobs=200; idle_seconds=60
while [ $# -gt 0 ]; do
  case $1 in
    --jobs) jobs=$2; shift 2 ;;
    --latency-jobs) latency_jobs=$2; shift 2 ;;
    --idle-seconds) idle_seconds=$2; shift 2 ;;
    *) echo "cluster-bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
ensure_debian_packages redis-server:redis-server redis-cli:redis-tools
tk="$root/bin/tracekit"
[ -x "$tk" ] || { echo "cluster-bench.sh: bin/tracekit is missing; publish it first" >&2; exit 2; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" > "$work/pw"; chmod 600 "$work/pw"
cat > "$work/redis.conf" <<CONF
bind 127.0.0.1
port $port
requirepass $password
dir $work
save ""
appendonly no
CONF
chmod 600 "$work/redis.conf"
redis-server "$work/redis.conf" > "$work/redis.log" 2>&1 & redis_pid=$!
agent_pid=""; scheduler_pid=""
cleanup() {
  for p in $agent_pid $scheduler_pid; do kill "$p" 2>/dev/null || true; done
  wait $agent_pid $scheduler_pid 2>/dev/null || true
  kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export REDISCLI_AUTH=$password
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
r() { redis-cli -p "$port" "$@"; }
R=(--redis "127.0.0.1:$port" --redis-password-file "$work/pw")

# The floor, in the same run: Redis alone on this machine. A second, empty server without a password (bound to
# 127.0.0.1, gone at the end of this phase), because redis-benchmark takes a password only in its argv.
log "floor: redis-benchmark of an atomic placement-sized script (GET, SET, RPUSH, LPOP in one EVAL) and of PING"
floor_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$floor_port" --save '' --appendonly no > "$work/floor.log" 2>&1 & floor_pid=$!
until redis-cli -p "$floor_port" --no-auth-warning ping >/dev/null 2>&1; do sleep 0.05; done
echo "EVAL (-c 4): $(redis-benchmark -p "$floor_port" -c 4 -n 200000 -q EVAL "redis.call('GET','k') redis.call('SET','k','1') redis.call('RPUSH','q','j') return redis.call('LPOP','q')" 0 | tr '\r' '\n' | grep -a 'requests per second' | tail -1)"
echo "PING, one client (a round trip): $(redis-benchmark -p "$floor_port" -c 1 -n 20000 -t ping_mbulk -q | tr '\r' '\n' | grep -a 'requests per second' | tail -1)"
redis-benchmark -p "$floor_port" -c 1 -n 20000 -t ping_mbulk --precision 3 2>/dev/null | tr '\r' '\n' | grep -a -A2 'latency summary' | tail -2
kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true

log "placement throughput: $jobs queued jobs, 4 registered nodes with room for all, one scheduler --drain"
for n in 1 2 3 4; do
  r HSET "tk:node:bench$n" capacity 1000000000 used 0 instances 0 >/dev/null
  r SET "tk:alive:bench$n" 1 >/dev/null
  r SADD tk:nodes "bench$n" >/dev/null
done
python3 -c "
import json
with open('$work/jobs.jsonl','w') as f:
    for i in range($jobs): f.write(json.dumps({'argv':['true'],'cpu_units':1+i%3})+'\n')"
"$tk" submit "${R[@]}" --run-id bench-place --file "$work/jobs.jsonl" > /dev/null
"$tk" scheduler "${R[@]}" --drain --weigher most-free
echo "nodes used: $(for n in 1 2 3 4; do r HGET tk:node:bench$n used; done | paste -sd+ | bc) units (expected $(python3 -c "print(sum(1+i%3 for i in range($jobs)))"))"
r FLUSHALL > /dev/null

log "submit-to-start on an idle cluster: one agent, one scheduler, $latency_jobs jobs submitted one at a time"
"$tk" agent "${R[@]}" --node-id bench-agent --out "$work/logs" --capacity-units 4 2> "$work/agent.log" & agent_pid=$!
"$tk" scheduler "${R[@]}" 2> "$work/scheduler.log" & scheduler_pid=$!
until [ "$(r EXISTS tk:alive:bench-agent)" = 1 ]; do sleep 0.05; done
ids=()
for i in $(seq "$latency_jobs"); do
  id=$("$tk" submit "${R[@]}" --run-id bench-latency -- true)
  ids+=("$id")
  until [ "$(r HGET "tk:job:$id" state)" = completed ]; do sleep 0.01; done
done
for id in "${ids[@]}"; do
  r HMGET "tk:job:$id" submit_ms placed_ms started_ms | paste -sd' '
done > "$work/latency.txt"
python3 - "$work/latency.txt" <<'PY'
import sys
rows=[list(map(int,l.split())) for l in open(sys.argv[1]) if l.strip()]
def q(v,p):
    v=sorted(v); return v[min(len(v)-1,int(round(p*(len(v)-1))))]
place=[p-s for s,p,_ in rows]; start=[t-s for s,_,t in rows]
print(f"jobs {len(rows)}: submit->placed p50 {q(place,.5)} ms p99 {q(place,.99)} ms max {max(place)} ms; "
      f"submit->claimed (agent starts the job) p50 {q(start,.5)} ms p99 {q(start,.99)} ms max {max(start)} ms (Redis TIME, 1 ms resolution)")
PY
"$root/bin/tracekit-convert" cctf --run-dir "$work/logs/bench-latency" > /dev/null
python3 - "$work/logs/bench-latency/cctf/invocations.jsonl" <<'PY'
import json,sys
v=sorted(json.loads(l)["queue_time_ms"] for l in open(sys.argv[1]))
q=lambda p: v[min(len(v)-1,int(round(p*(len(v)-1))))]
print(f"submit->job process running (invocation queue_time_ms, includes `tracekit run` starting): p50 {q(.5)} ms p99 {q(.99)} ms max {v[-1]} ms")
PY

log "agent idle cost: ${idle_seconds} s, collecting nothing, heartbeating, waiting for jobs"
kill "$scheduler_pid"; wait "$scheduler_pid" 2>/dev/null || true; scheduler_pid=""
sleep 2
# utime+stime of the whole process (/proc/PID/stat, 10 ms ticks): it keeps the time of threads that exited (the
# thread pool retires idle workers after the latency phase), which a sum over /proc/PID/task/* would lose.
sleep 10
ticks() { awk '{print $14+$15}' "/proc/$agent_pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$idle_seconds"
t1=$(ticks); s1=$(date +%s.%N)
python3 -c "t=($t1-$t0)/$hz; w=$s1-$s0; print(f'agent CPU {t*1000:.0f} ms in {w:.1f} s = {100*t/w:.4f}% of one core (utime+stime of /proc/PID/stat, {$hz} ticks/s: ±{1000/$hz:.0f} ms)')"
