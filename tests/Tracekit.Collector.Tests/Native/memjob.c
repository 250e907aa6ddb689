/* memjob MIB CPU_MS HOLD_MS
 * A batch job with a known footprint: writes one byte to every page of MIB MiB (so all of it is resident; a fresh
 * malloc'd block is not), runs on the CPU until its own process CPU clock reaches CPU_MS (the page faults count
 * towards it), then holds the memory for HOLD_MS of wall-clock time and exits 0. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: memjob MIB CPU_MS HOLD_MS\n"); return 2; }
    long mib = atol(argv[1]);
    long long cpu_ns = atoll(argv[2]) * 1000000LL;
    long hold_ms = atol(argv[3]);
    size_t bytes = (size_t)mib << 20;
    long page = sysconf(_SC_PAGESIZE);
    volatile char *block = bytes > 0 ? malloc(bytes) : NULL;
    if (bytes > 0 && block == NULL) { perror("memjob: malloc"); return 1; }
    for (size_t i = 0; i < bytes; i += (size_t)page) block[i] = 1;
    volatile unsigned long x = 1;
    while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) < cpu_ns)
        for (int i = 0; i < 10000; i++) x = x * 1103515245UL + 12345UL;
    struct timespec hold = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };
    nanosleep(&hold, NULL);
    return block == NULL || block[0] == 1 ? 0 : 1;
}
