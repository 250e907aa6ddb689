/* spin THREADS SECONDS
 * THREADS threads spin on the CPU for SECONDS of wall-clock time; the main thread only waits for them. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long end_ns;

static long long mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *spin(void *arg) {
    (void)arg;
    volatile unsigned long x = 1;
    while (mono_ns() < end_ns)
        for (int i = 0; i < 10000; i++) x = x * 1103515245UL + 12345UL;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: spin THREADS SECONDS\n"); return 2; }
    int threads = atoi(argv[1]);
    if (threads < 1 || threads > 64) { fprintf(stderr, "spin: 1 to 64 threads\n"); return 2; }
    end_ns = mono_ns() + (long long)(atof(argv[2]) * 1e9);
    pthread_t t[64];
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, spin, NULL);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return 0;
}
