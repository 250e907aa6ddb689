/* forker CHILDREN ITERATIONS EXIT_CODE
 * A batch job: forks CHILDREN workers that each run the same fixed CPU loop of ITERATIONS steps (a fixed amount of
 * work, so two runs are comparable), waits for all of them and exits with EXIT_CODE. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void burn(long long iterations) {
    volatile unsigned long x = 1;
    for (long long i = 0; i < iterations; i++) x = x * 1103515245UL + 12345UL;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: forker CHILDREN ITERATIONS EXIT_CODE\n"); return 2; }
    int children = atoi(argv[1]);
    long long iterations = atoll(argv[2]);
    int exit_code = atoi(argv[3]);
    for (int i = 0; i < children; i++) {
        pid_t pid = fork();
        if (pid < 0) { perror("forker: fork"); return 1; }
        if (pid == 0) { burn(iterations); _exit(0); }
    }
    int status, failed = 0;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    return failed ? 1 : exit_code;
}
