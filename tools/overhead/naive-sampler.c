/*
 * Reference "naive" sampler for tools/overhead.sh: the pattern of the first Tracekit and of `below`.
 * Every tick it opens, reads, parses and closes /proc/stat, /proc/meminfo, /proc/net/dev and, for each target,
 * /proc/PID/stat and /proc/PID/status. Nothing is kept open between ticks and nothing is written out, so its
 * cost is a lower bound for that pattern (a real tool also encodes and stores what it read).
 *
 *   naive-sampler HZ PID...
 *
 * Ticks follow an absolute CLOCK_MONOTONIC schedule; a tick that starts after its successor was due skips the
 * ticks it overran and counts them as missed (like the collector). On SIGTERM/SIGINT it prints
 * "ticks N missed M process_samples S" and exits 0; SIGUSR1 prints the same line without exiting.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested, report_requested;
static unsigned long long sink;  /* keeps the parsed values observable so the compiler keeps the parsing */
static char buffer[1 << 16];

static void on_stop(int sig) { (void)sig; stop_requested = 1; }
static void on_report(int sig) { (void)sig; report_requested = 1; }

/* open + read + close: what re-opening costs on every tick. Returns bytes read, or -1. */
static ssize_t read_whole(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t total = 0, n;
    while (total < (ssize_t)sizeof buffer - 1 && (n = read(fd, buffer + total, sizeof buffer - 1 - total)) > 0)
        total += n;
    close(fd);
    buffer[total < 0 ? 0 : total] = 0;
    return total;
}

/* utime + stime + rss from /proc/PID/stat, parsed after the last ')' (the comm may hold spaces and parens). */
static void parse_pid_stat(void)
{
    char *p = strrchr(buffer, ')');
    if (!p) return;
    p++;
    for (int field = 3; field <= 24 && *p; field++) {  /* man 5 proc numbering: 3 = state, 14 utime, 15 stime, 24 rss */
        while (*p == ' ') p++;
        if (field == 14 || field == 15 || field == 24) sink += strtoull(p, NULL, 10);
        while (*p && *p != ' ') p++;
    }
}

static void parse_key(const char *key)
{
    char *p = strstr(buffer, key);
    if (p) sink += strtoull(p + strlen(key), NULL, 10);
}

static void parse_proc_stat(void)
{
    /* every cpu line: sum its counters, as a tool computing per-CPU utilisation would */
    for (char *line = buffer; line && strncmp(line, "cpu", 3) == 0; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        char *p = line + 3;
        while (*p && *p != ' ') p++;
        for (int i = 0; i < 10; i++) sink += strtoull(p, &p, 10);
    }
}

static void parse_net_dev(void)
{
    char *line = strchr(buffer, '\n');
    line = line ? strchr(line + 1, '\n') : NULL;  /* two header lines */
    while (line && *++line) {
        char *p = strchr(line, ':');
        if (!p) break;
        p++;
        for (int i = 0; i < 16; i++) sink += strtoull(p, &p, 10);
        line = strchr(p, '\n');
    }
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: naive-sampler HZ PID...\n"); return 2; }
    double hz = atof(argv[1]);
    if (hz <= 0) { fprintf(stderr, "naive-sampler: bad rate %s\n", argv[1]); return 2; }
    int targets = argc - 2;
    char (*stat_path)[40] = calloc(targets ? targets : 1, sizeof *stat_path);
    char (*status_path)[40] = calloc(targets ? targets : 1, sizeof *status_path);
    for (int i = 0; i < targets; i++) {
        snprintf(stat_path[i], sizeof stat_path[i], "/proc/%s/stat", argv[i + 2]);
        snprintf(status_path[i], sizeof status_path[i], "/proc/%s/status", argv[i + 2]);
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_report;
    sigaction(SIGUSR1, &sa, NULL);

    long long interval_ns = (long long)(1e9 / hz), next = now_ns();
    unsigned long long ticks = 0, missed = 0, samples = 0;
    while (!stop_requested) {
        if (read_whole("/proc/stat") > 0) parse_proc_stat();
        if (read_whole("/proc/meminfo") > 0) { parse_key("MemTotal:"); parse_key("MemFree:"); parse_key("MemAvailable:"); }
        if (read_whole("/proc/net/dev") > 0) parse_net_dev();
        for (int i = 0; i < targets; i++) {
            if (read_whole(stat_path[i]) <= 0) continue;
            parse_pid_stat();
            if (read_whole(status_path[i]) > 0) { parse_key("VmRSS:"); parse_key("Threads:"); }
            samples++;
        }
        ticks++;
        next += interval_ns;
        long long now = now_ns();
        if (now >= next + interval_ns) {  /* overran past the next tick's successor: skip those already gone, count them */
            long long behind = (now - next) / interval_ns;
            missed += behind;
            next += behind * interval_ns;
        }  /* otherwise the next tick is merely late: it runs at once (the sleep below returns immediately) */
        struct timespec due = { next / 1000000000LL, next % 1000000000LL };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR && !stop_requested) {
            if (report_requested) { report_requested = 0; printf("ticks %llu missed %llu process_samples %llu\n", ticks, missed, samples); fflush(stdout); }
        }
        if (report_requested) { report_requested = 0; printf("ticks %llu missed %llu process_samples %llu\n", ticks, missed, samples); fflush(stdout); }
    }
    printf("ticks %llu missed %llu process_samples %llu sink %llu\n", ticks, missed, samples, sink & 1);
    return 0;
}
