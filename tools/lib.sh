# Shared helpers for tools/*.sh. Sourced, not run.
# shellcheck shell=bash

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd; }

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ensure_debian_packages CMD:PKG ... installs PKG with apt-get when CMD is not on PATH.
# Idempotent: nothing happens when every command is present.
ensure_debian_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install -y ${missing[*]})"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || apt-get update
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || apt-get install -y --no-install-recommends "${missing[@]}"
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    log "the .NET 10 SDK is required (dotnet not on PATH)"
    return 1
  fi
}

# Native AOT links with the system C toolchain (gcc as the linker, zlib headers for older runtimes' -lz).
ensure_aot_toolchain() {
  ensure_debian_packages cc:gcc
  if ! dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "ok installed"; then
    log "installing Debian package: zlib1g-dev"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends zlib1g-dev >/dev/null || log "could not install zlib1g-dev; the AOT link may fail"
  fi
}

publish_binaries() {
  local root=$1
  log "publishing bin/tracekit (native AOT) and bin/tracekit-convert"
  mkdir -p "$root/bin"
  dotnet publish "$root/src/Tracekit.Collector/Tracekit.Collector.csproj" -c Release -r linux-x64 \
    -o "$root/artifacts/publish/tracekit" -nologo -clp:ErrorsOnly -p:TreatWarningsAsErrors=true >&2
  install -m 0755 "$root/artifacts/publish/tracekit/tracekit" "$root/bin/tracekit"
  dotnet publish "$root/src/Tracekit.Convert/Tracekit.Convert.csproj" -c Release \
    -o "$root/artifacts/publish/tracekit-convert" -nologo -clp:ErrorsOnly >&2
  # A launcher keeps bin/ tidy: the converter is framework-dependent and has native parquet libraries beside it.
  cat > "$root/bin/tracekit-convert" <<'LAUNCH'
#!/usr/bin/env bash
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
exec "$here/../artifacts/publish/tracekit-convert/tracekit-convert" "$@"
LAUNCH
  chmod 0755 "$root/bin/tracekit-convert"
}

# The converter harnesses' input (tools/convert-memory.sh, tools/report-bench.sh): a synthetic ring of TICKS ticks
# written by bench/Tracekit.Benchmarks `write-ring` into DIR/run/node-1, DIR created 0700 and deleted when the
# calling script exits; bin/tracekit-convert published if missing.
write_scratch_ring() { # DIR TICKS SEGMENT_MIB
  local root; root=$(repo_root)
  scratch_ring_dir=$1
  ensure_dotnet
  [ -x /usr/bin/time ] || ensure_debian_packages time
  [ -x "$root/bin/tracekit-convert" ] || publish_binaries "$root"
  rm -rf "$scratch_ring_dir"
  mkdir -p -m 0700 "$scratch_ring_dir"
  trap 'rm -rf "$scratch_ring_dir"' EXIT
  log "writing a ring of $2 ticks ($3 MiB segments) into $scratch_ring_dir/run"
  dotnet run -c Release --project "$root/bench/Tracekit.Benchmarks" -- write-ring "$scratch_ring_dir/run/node-1" "$2" "$3" >&2
}

# Container engines for the container tests: Debian's docker.io (dockerd 20.10 and its own client in /usr/bin;
# a newer client elsewhere on PATH may speak an API version this daemon refuses), podman with runc (crun refuses
# hybrid cgroups), and busybox-static, whose one binary is the root filesystem of the test image.
ensure_container_engines() {
  # busybox-static, not busybox: the image has no libc. Both install /bin/busybox, so the package is checked.
  local busybox=busybox-static:busybox-static
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" && busybox=
  ensure_debian_packages dockerd:docker.io podman:podman runc:runc ${busybox:+"$busybox"}
}

# start_dockerd_if_needed: starts dockerd when no daemon answers on its default socket, and remembers its PID in
# TRACEKIT_STARTED_DOCKERD_PID so that stop_started_dockerd stops only what this script started. --iptables=false:
# the daemon leaves the host's firewall alone (its FORWARD DROP policy would cut other tests' bridges); published
# ports on 127.0.0.1 still work through docker-proxy.
start_dockerd_if_needed() {
  TRACEKIT_STARTED_DOCKERD_PID=""
  if /usr/bin/docker info >/dev/null 2>&1; then return 0; fi
  log "starting dockerd (log: /var/log/tracekit-dockerd.log)"
  dockerd --iptables=false --ip-forward=false >/var/log/tracekit-dockerd.log 2>&1 &
  TRACEKIT_STARTED_DOCKERD_PID=$!
  local waited=0
  until /usr/bin/docker info >/dev/null 2>&1; do
    if ! kill -0 "$TRACEKIT_STARTED_DOCKERD_PID" 2>/dev/null || [ "$waited" -ge 120 ]; then
      log "dockerd did not start; the last lines of its log:"; tail -n 20 /var/log/tracekit-dockerd.log >&2
      TRACEKIT_STARTED_DOCKERD_PID=""
      return 1
    fi
    sleep 0.5; waited=$((waited + 1))
  done
}

stop_started_dockerd() {
  [ -n "${TRACEKIT_STARTED_DOCKERD_PID:-}" ] || return 0
  log "stopping the dockerd this script started (pid $TRACEKIT_STARTED_DOCKERD_PID)"
  kill -TERM "$TRACEKIT_STARTED_DOCKERD_PID" 2>/dev/null || true
  local waited=0
  while kill -0 "$TRACEKIT_STARTED_DOCKERD_PID" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 0.5; waited=$((waited + 1)); done
  TRACEKIT_STARTED_DOCKERD_PID=""
}
