/* churn TOTAL CONCURRENCY MIN_MS MAX_MS LOGFILE
 * Waits for a line on stdin, then forks TOTAL short-lived children, at most CONCURRENCY alive at once; each sleeps
 * a random MIN_MS..MAX_MS and exits. Logs per child: index pid fork_before_ns fork_after_ns end_ns (CLOCK_MONOTONIC).
 * The child is alive at least from fork_after_ns (fork has returned in the parent) to end_ns (the child's last
 * clock read before _exit, written into a shared mapping). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: churn TOTAL CONCURRENCY MIN_MS MAX_MS LOGFILE\n"); return 2; }
    int total = atoi(argv[1]), concurrency = atoi(argv[2]), min_ms = atoi(argv[3]), max_ms = atoi(argv[4]);
    if (total < 1 || concurrency < 1 || min_ms < 0 || max_ms < min_ms) { fprintf(stderr, "churn: bad arguments\n"); return 2; }
    long long *ends = mmap(NULL, sizeof(long long) * total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long long *before = calloc(total, sizeof(long long)), *after = calloc(total, sizeof(long long));
    pid_t *pids = calloc(total, sizeof(pid_t));
    if (ends == MAP_FAILED || !before || !after || !pids) { perror("churn: memory"); return 1; }

    char line[16];
    if (!fgets(line, sizeof line, stdin)) return 1;

    unsigned seed = 12345;
    int alive = 0;
    for (int i = 0; i < total; i++) {
        if (alive >= concurrency) { while (wait(NULL) < 0) { } alive--; }
        int life_ms = min_ms + (int)(rand_r(&seed) % (unsigned)(max_ms - min_ms + 1));
        before[i] = mono_ns();
        pid_t pid = fork();
        if (pid < 0) { perror("churn: fork"); return 1; }
        if (pid == 0) {
            struct timespec d = { life_ms / 1000, (life_ms % 1000) * 1000000L };
            nanosleep(&d, NULL);
            ends[i] = mono_ns();
            _exit(0);
        }
        after[i] = mono_ns();
        pids[i] = pid;
        alive++;
    }
    while (wait(NULL) > 0) { }

    FILE *f = fopen(argv[5], "w");
    if (!f) { perror("churn: log"); return 1; }
    for (int i = 0; i < total; i++) fprintf(f, "%d %d %lld %lld %lld\n", i, pids[i], before[i], after[i], ends[i]);
    fclose(f);
    return 0;
}
