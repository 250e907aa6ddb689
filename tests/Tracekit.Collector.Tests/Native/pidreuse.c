/* pidreuse A_LIFE_MS B_LIFE_MS LOGFILE
 * Waits for a line on stdin, forks child A (lives A_LIFE_MS), reaps it, then at once asks the kernel to hand A's
 * PID to the next fork (ns_last_pid = A - 1; needs root) and forks child B with that same PID (lives B_LIFE_MS).
 * Another process on the host may take the PID first, so it retries. Logs "A B TRIES" or "fail TRIES". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms) {
    struct timespec d = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&d, &d) != 0) { }
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: pidreuse A_LIFE_MS B_LIFE_MS LOGFILE\n"); return 2; }
    int a_ms = atoi(argv[1]), b_ms = atoi(argv[2]);
    char line[16];
    if (!fgets(line, sizeof line, stdin)) return 1;

    pid_t a = fork();
    if (a < 0) { perror("pidreuse: fork"); return 1; }
    if (a == 0) { sleep_ms(a_ms); _exit(0); }
    waitpid(a, NULL, 0);

    pid_t b = -1;
    int tries;
    for (tries = 1; tries <= 500; tries++) {
        FILE *last = fopen("/proc/sys/kernel/ns_last_pid", "w");
        if (!last) { perror("pidreuse: ns_last_pid"); break; }
        fprintf(last, "%d", (int)a - 1);
        if (fclose(last) != 0) { perror("pidreuse: ns_last_pid"); break; }
        pid_t pid = fork();
        if (pid < 0) { perror("pidreuse: fork"); return 1; }
        if (pid == 0) {
            if (getpid() == a) sleep_ms(b_ms);
            _exit(0);
        }
        if (pid == a) { b = pid; break; }
        waitpid(pid, NULL, 0);
    }
    if (b > 0) waitpid(b, NULL, 0);

    FILE *f = fopen(argv[3], "w");
    if (!f) { perror("pidreuse: log"); return 1; }
    if (b > 0) fprintf(f, "%d %d %d\n", (int)a, (int)b, tries); else fprintf(f, "fail %d\n", tries);
    fclose(f);
    return b > 0 ? 0 : 3;
}
