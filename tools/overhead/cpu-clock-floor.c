// The kernel's floor for per-process CPU sampling on this machine: every 10 ms, one
// clock_gettime(process CPU clock) per PID and nothing else (no RSS, no record, no ring). What it costs per
// process-sample is the least any sampler that reads each process's CPU each tick can cost here.
//   cc -O2 -o cpu-clock-floor tools/overhead/cpu-clock-floor.c
//   ./cpu-clock-floor ROUNDS PID...      (e.g. 1000 rounds over 100 `sleep 600` processes)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double self_cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s ROUNDS PID...\n", argv[0]);
    return 2;
  }
  int rounds = atoi(argv[1]), n = argc - 2;
  clockid_t *clocks = malloc(sizeof(clockid_t) * (size_t)n);
  for (int i = 0; i < n; i++) {
    if (clock_getcpuclockid(atoi(argv[i + 2]), &clocks[i]) != 0) {
      fprintf(stderr, "no CPU clock for pid %s\n", argv[i + 2]);
      return 1;
    }
  }
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  double before = self_cpu_us();
  long checksum = 0;
  for (int r = 0; r < rounds; r++) {
    next.tv_nsec += 10000000;
    if (next.tv_nsec >= 1000000000) { next.tv_nsec -= 1000000000; next.tv_sec++; }
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    for (int i = 0; i < n; i++) {
      struct timespec t;
      clock_gettime(clocks[i], &t);
      checksum += t.tv_nsec;
    }
  }
  double used = self_cpu_us() - before;
  printf("%d processes x %d rounds at 100 Hz: %.2f us of CPU per process-sample, %.2f%% of one core\n",
         n, rounds, used / ((double)n * rounds), used / (rounds * 10000.0) * 100);
  return checksum == 42; // keeps the reads from being optimised away
}
