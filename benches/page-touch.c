/* How long this machine takes to give a process a fresh page of memory:
 * maps 256 MiB, writes one byte to each 4 KiB page, prints the microseconds
 * a page took. A run's memory is mostly pages new to it (benches/analysis.md,
 * "What a page of memory costs here"), so this figure, beside the CPU's
 * name, says how two machines' runs compare. */
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

int main(void) {
    const size_t size = (size_t)256 << 20;
    char *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t at = 0; at < size; at += 4096) pages[at] = 1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9;
    printf("%.2f\n", seconds * 1e6 / (size / 4096));
    return 0;
}
