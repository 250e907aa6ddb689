"""The three observers the harness compares: tracekit collect, pidstat -u -r and the naive re-opening sampler.

Each one is started, left to settle, then measured over a window: CPU from /proc (see measure.task_cpu_ns),
process-samples taken inside the window, RSS every second, and ring bytes written (tracekit only).
"""
import json
import os
import shutil
import signal
import subprocess
import time

import measure


def interval_flag(hz):
    if 1000 % hz:
        raise ValueError(f"rate {hz} Hz is not a whole number of milliseconds")
    return "1s" if hz == 1 else f"{1000 // hz}ms"


class Observer:
    """Base: a started process whose CPU and memory are measured over a window."""

    def __init__(self, kind, hz, pids):
        self.kind, self.hz, self.pids = kind, hz, pids
        self.proc = None

    def start(self):
        raise NotImplementedError

    def begin_window(self):
        self._t0 = time.monotonic()
        self._cpu0 = measure.task_cpu_ns(self.proc.pid)
        self._stat0 = measure.stat_cpu_ns(self.proc.pid)
        self.rss_kb = []

    def sample_memory(self):
        m = measure.memory_kb(self.proc.pid)
        self.rss_kb.append([round(time.monotonic() - self._t0, 3), m["VmRSS"], m["RssAnon"], m["RssFile"]])
        return m

    def end_window(self):
        self.window_s = time.monotonic() - self._t0
        self.cpu_ns = measure.task_cpu_ns(self.proc.pid) - self._cpu0
        self.stat_cpu_ns = measure.stat_cpu_ns(self.proc.pid) - self._stat0
        self.hwm_kb = measure.memory_kb(self.proc.pid)["VmHWM"]

    def stop(self):
        measure.stop(self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def result(self):
        return {"sampler": self.kind, "hz": self.hz, "procs": len(self.pids), "window_s": round(self.window_s, 3),
                "cpu_ns": self.cpu_ns, "stat_cpu_ns": self.stat_cpu_ns, "rss_kb": self.rss_kb, "hwm_kb": self.hwm_kb}


class Tracekit(Observer):
    def __init__(self, binary, work, run_id, hz, pids):
        super().__init__("tracekit", hz, pids)
        self.binary, self.out, self.run_id = binary, os.path.join(work, "logs"), run_id

    def start(self):
        argv = [self.binary, "collect", "--run-id", self.run_id, "--node-id", "bench", "--out", self.out,
                "--interval", interval_flag(self.hz)]
        for p in self.pids:
            argv += ["--pid", str(p)]
        self.node_dir = os.path.join(self.out, self.run_id, "bench")
        self.proc = measure.spawn(argv)

    def begin_window(self):
        super().begin_window()
        self._ring0 = measure.ring_bytes(self.node_dir)

    def end_window(self):
        super().end_window()
        self.ring_bytes = measure.ring_bytes(self.node_dir) - self._ring0

    def stop(self):
        self.exit_code = measure.stop(self.proc)
        try:
            with open(os.path.join(self.node_dir, "meta.json")) as f:
                self.meta = json.load(f)
        except (OSError, ValueError):
            self.meta = {}
        shutil.rmtree(os.path.join(self.out, self.run_id), ignore_errors=True)

    def result(self):
        r = super().result()
        ticks, missed = self.meta.get("ticks", 0), self.meta.get("missed_ticks", 0)
        # The collector reports its totals at exit, not per window: the window's share of ticks is the nominal
        # count scaled by the fraction of the run's ticks that were taken (missed ticks are skipped, not late).
        taken = ticks / (ticks + missed) if ticks + missed else 0
        r.update(exit_code=self.exit_code, ticks=ticks, missed_ticks=missed, late_ticks=self.meta.get("late_ticks"),
                 p99_lateness_ns=self.meta.get("p99_lateness_ns"), ring_bytes=self.ring_bytes,
                 process_samples=round(self.window_s * self.hz * taken * len(self.pids)))
        return r


class Pidstat(Observer):
    def __init__(self, pids):
        super().__init__("pidstat", 1, pids)

    def start(self):
        # pidstat's fastest interval is 1 s; -u -r: CPU and memory, as the issues specify.
        self.proc = measure.spawn(["pidstat", "-u", "-r", "-p", ",".join(map(str, self.pids)), "1"])

    def result(self):
        r = super().result()
        r["process_samples"] = round(self.window_s) * len(self.pids)
        return r


class Naive(Observer):
    def __init__(self, binary, hz, pids):
        super().__init__("naive", hz, pids)
        self.binary = binary

    def start(self):
        self.proc = measure.spawn([self.binary, str(self.hz)] + [str(p) for p in self.pids], stdout=subprocess.PIPE)

    def _counters(self):
        # SIGUSR1 makes the sampler print "ticks N missed M process_samples S" between two ticks.
        self.proc.send_signal(signal.SIGUSR1)
        words = self.proc.stdout.readline().decode().split()
        return {words[i]: int(words[i + 1]) for i in range(0, len(words) - 1, 2)}

    def begin_window(self):
        self._c0 = self._counters()
        super().begin_window()

    def end_window(self):
        super().end_window()
        self._c1 = self._counters()

    def result(self):
        r = super().result()
        r.update(ticks=self._c1["ticks"] - self._c0["ticks"], missed_ticks=self._c1["missed"] - self._c0["missed"],
                 process_samples=self._c1["process_samples"] - self._c0["process_samples"])
        return r


def make(kind, hz, pids, args, run_id):
    if kind == "tracekit":
        return Tracekit(args.bin, args.work, run_id, hz, pids)
    if kind == "pidstat":
        return Pidstat(pids)
    if kind == "naive":
        return Naive(args.naive, hz, pids)
    return None
