/* duty BUSY_PERCENT SLICE_US SECONDS LOGFILE
 * Burns BUSY_PERCENT of every SLICE_US slice, measured on its own thread CPU clock, and sleeps the rest of the
 * slice (absolute CLOCK_MONOTONIC deadlines, so the schedule does not drift). Single-threaded on purpose: the
 * thread CPU clock is then the whole process's CPU, the figure a collector must reproduce.
 * Logs two points per slice, (monotonic ns, thread CPU ns) at the start and at the end of the busy part; between
 * them CPU grows, between a busy end and the next busy start it is flat, so the log can be interpolated exactly.
 * The log is kept in memory (writing it while burning would add I/O to the measurement) and written on exit or
 * SIGTERM. LOGFILE "-" means no log. SECONDS 0 runs until SIGTERM. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile sig_atomic_t stop_requested;
static void on_term(int sig) { (void)sig; stop_requested = 1; }

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: duty BUSY_PERCENT SLICE_US SECONDS LOGFILE\n"); return 2; }
    double busy_fraction = atof(argv[1]) / 100.0;
    long long slice_ns = atoll(argv[2]) * 1000LL;
    double seconds = atof(argv[3]);
    const char *log_path = argv[4];
    if (busy_fraction < 0 || busy_fraction > 1 || slice_ns <= 0) { fprintf(stderr, "duty: bad arguments\n"); return 2; }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);

    size_t capacity = strcmp(log_path, "-") == 0 ? 0 : (size_t)((seconds > 0 ? seconds : 60) * 1e9 / slice_ns + 16) * 2;
    long long *log = capacity ? malloc(capacity * 2 * sizeof(long long)) : NULL;
    size_t used = 0;

    long long busy_ns = (long long)(busy_fraction * slice_ns);
    long long start = now_ns(CLOCK_MONOTONIC);
    long long end = seconds > 0 ? start + (long long)(seconds * 1e9) : 0;
    long long slice_start = start;
    while (!stop_requested && (end == 0 || slice_start < end)) {
        long long cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
        long long mono0 = now_ns(CLOCK_MONOTONIC);
        long long cpu = cpu0;
        while (cpu - cpu0 < busy_ns) cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);
        long long mono1 = now_ns(CLOCK_MONOTONIC);
        if (used + 2 <= capacity) {
            log[2 * used] = mono0; log[2 * used + 1] = cpu0; used++;
            log[2 * used] = mono1; log[2 * used + 1] = cpu; used++;
        }
        slice_start += slice_ns;
        long long now = now_ns(CLOCK_MONOTONIC);
        if (slice_start < now) slice_start = now; /* preempted past the slice: restart the schedule, never catch up */
        struct timespec until = { slice_start / 1000000000LL, slice_start % 1000000000LL };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) != 0 && !stop_requested) { }
    }

    if (capacity) {
        FILE *f = fopen(log_path, "w");
        if (!f) { perror("duty: log"); return 1; }
        for (size_t i = 0; i < used; i++) fprintf(f, "%lld %lld\n", log[2 * i], log[2 * i + 1]);
        fclose(f);
    }
    return 0;
}
