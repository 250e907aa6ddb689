"""Measurement helpers for the overhead harness: a process's CPU and memory from /proc, ring sizes, statistics.

Everything here reads /proc or files once per call; the harness calls it a few times per second at most, so the
harness itself stays out of the figures it measures.
"""
import ctypes
import glob
import os
import signal
import statistics
import struct
import subprocess

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Runs in the child between fork and exec: if the harness dies (even by SIGKILL), the kernel kills the child,
    # so no target, observer or stress worker outlives a crashed run.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(argv, stdout=subprocess.DEVNULL, new_group=False):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent, start_new_session=new_group)


def task_cpu_ns(pid):
    """On-CPU time of every live thread of pid, in ns (sum of /proc/PID/task/*/schedstat, field 1).

    schedstat counts in ns, where /proc/PID/stat counts in 10 ms ticks: a 5 s window at 0.5% of a core is 25 ms,
    which ticks would measure to ±40%. A thread that exits inside the window loses its share; the samplers
    measured here keep their threads for the whole run.
    """
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def stat_cpu_ns(pid):
    """utime + stime of pid (live and exited threads) from /proc/PID/stat, in ns, at USER_HZ resolution."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0


def memory_kb(pid):
    """VmRSS, RssAnon, RssFile and VmHWM of pid in KiB (0 when unknown)."""
    out = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0, "VmHWM": 0}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in out:
                    out[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return out


def ring_bytes(node_dir):
    """Bytes the ring holds: per segment, headPosition (offset 512), capped to the capacity in no-loss mode.

    In overwrite mode headPosition counts every byte ever reserved, which is what "bytes written" means there.
    Layout: docs/ring-format.md section 2 (little-endian counters).
    """
    total = 0
    for path in glob.glob(os.path.join(node_dir, "ring-*.tkr")):
        try:
            with open(path, "rb") as f:
                header = f.read(520)
            capacity, = struct.unpack_from("<Q", header, 16)
            policy, = struct.unpack_from("<I", header, 24)
            head, = struct.unpack_from("<Q", header, 512)
            total += head if policy == 1 else min(head, capacity)
        except (OSError, struct.error):
            pass
    return total


def spread(values):
    """Median, min, max and quartiles of a list of numbers (None for an empty list)."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    q1, q3 = (statistics.quantiles(xs, n=4, method="inclusive")[i] for i in (0, 2)) if len(xs) > 1 else (xs[0], xs[0])
    return {"median": statistics.median(xs), "min": xs[0], "max": xs[-1], "q1": q1, "q3": q3, "n": len(xs)}


def stop(proc, sig=signal.SIGTERM, timeout_s=30):
    """Stops a child we started: sig, then SIGKILL after timeout_s. Returns its exit code."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            return proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def stop_group(proc, timeout_s=10):
    """Stops a child started with new_group=True together with the workers it forked (its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout_s)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return proc.wait()
