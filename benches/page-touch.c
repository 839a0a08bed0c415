/* How long this machine takes to give a process a fresh page of memory:
 * maps 256 MiB, writes one byte to each page, prints the microseconds a
 * 4 KiB page's worth took. A run's memory is mostly pages new to it
 * (benches/analysis.md, "What a page of memory costs here"), so this
 * figure, beside the CPU's name, says how two machines' runs compare.
 * Huge pages are refused for the mapping, so that a kernel that hands them
 * out unasked ("always") is measured as one that does not. */
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    const size_t size = (size_t)256 << 20;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
#ifdef MADV_NOHUGEPAGE
    madvise(pages, size, MADV_NOHUGEPAGE);
#endif
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (size_t at = 0; at < size; at += page) pages[at] = 1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9;
    printf("%.2f\n", seconds * 1e6 / (size / 4096));
    return 0;
}
