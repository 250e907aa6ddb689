/*
 * CPU-bound victim for tools/overhead.sh: THREADS unpinned threads each run a fixed integer work unit in a loop for
 * SECONDS, then it prints "ops_per_second X" (work units per second, all threads together).
 *
 *   victim SECONDS THREADS
 *
 * With one thread per core the machine is saturated, so every CPU-µs an observer takes comes out of the victim:
 * the loss it measures is the observer's whole cost to a fully busy node (on an idle core the observer would be
 * free). The work unit touches no memory beyond registers, so it measures stolen CPU time, not cache pressure.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds;
static volatile unsigned long long sink;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
    unsigned long long *ops = arg, x = 88172645463325252ULL, n = 0;
    double end = now_s() + seconds;
    do {
        for (int i = 0; i < 20000; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; }  /* xorshift64: ~60 µs */
        n++;
    } while (now_s() < end);
    sink += x;
    *ops = n;
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: victim SECONDS THREADS\n"); return 2; }
    seconds = atof(argv[1]);
    int threads = atoi(argv[2]);
    if (seconds <= 0 || threads <= 0 || threads > 256) { fprintf(stderr, "victim: bad arguments\n"); return 2; }
    pthread_t tid[256];
    unsigned long long ops[256];
    double start = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, worker, &ops[i]);
    unsigned long long total = 0;
    for (int i = 0; i < threads; i++) { pthread_join(tid[i], NULL); total += ops[i]; }
    printf("ops_per_second %.3f\n", total / (now_s() - start));
    return 0;
}
