/*
 * touchmem: the swnuma VM suite's memory toucher.
 *
 *   touchmem MIB [HOLD_FILE]
 *
 * Maps MIB MiB of private anonymous memory, writes one byte into every page
 * so the kernel really allocates it under the task's memory policy, and then
 * prints one line describing that mapping, taken from /proc/self/numa_maps:
 *
 *   policy=<kernel policy string> pages=<total> N0=<pages> N1=<pages> ...
 *
 * The guest scripts run it as "swnuma <policy options> -- touchmem 16" and
 * check where the pages landed.  With HOLD_FILE it then stays alive, its
 * memory mapped, until that file exists, so that a check can look at it
 * from outside (swnuma --process, migratepages).  Transparent huge pages are turned off for
 * the mapping so interleaving works page by page.
 *
 * With TOUCHMEM_SHARED_NODE=N in the environment the mapping is shared
 * anonymous memory (MAP_SHARED, shmem: numa_maps names it /dev/zero) and
 * its pages are written by a forked child bound to node N, as a database's
 * shared buffers are filled by another process: the mapping then shows the
 * parent's policy while its pages are on N.  Built by run.sh with
 * "gcc -static" so it runs in the busybox initramfs without a libc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: touchmem MIB [HOLD_FILE]\n");
        return 2;
    }
    long mib = strtol(argv[1], NULL, 10);
    if (mib <= 0) {
        fprintf(stderr, "touchmem: bad size '%s'\n", argv[1]);
        return 2;
    }
    size_t len = (size_t)mib << 20;
    long pagesize = sysconf(_SC_PAGESIZE);
    const char *shared = getenv("TOUCHMEM_SHARED_NODE");
    unsigned char *area = mmap(NULL, len, PROT_READ | PROT_WRITE,
                               (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) {
        perror("touchmem: mmap");
        return 1;
    }
#ifdef MADV_NOHUGEPAGE
    madvise(area, len, MADV_NOHUGEPAGE);
#endif
    pid_t child = shared ? fork() : 0;
    if (child < 0) {
        perror("touchmem: fork");
        return 1;
    }
    if (shared && child == 0) {
        unsigned long mask[16] = {0};
        long node = strtol(shared, NULL, 10);
        if (node < 0 || node >= 1024)
            _exit(3);
        mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
        /* MPOL_BIND is 2. */
        if (syscall(SYS_set_mempolicy, 2, mask, 1024UL + 1) != 0) {
            perror("touchmem: set_mempolicy");
            _exit(1);
        }
    }
    if (!shared || child == 0)
        for (size_t off = 0; off < len; off += (size_t)pagesize)
            area[off] = (unsigned char)(off / (size_t)pagesize) | 1;
    if (shared && child == 0)
        _exit(0);
    if (shared) {
        int status = 0;
        if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "touchmem: the child that writes the shared pages failed\n");
            return 1;
        }
        /* Read every page: numa_maps counts the pages a process has mapped,
         * and the parent maps the child's pages only by touching them. */
        volatile unsigned char sum = 0;
        for (size_t off = 0; off < len; off += (size_t)pagesize)
            sum += area[off];
        (void)sum;
    }

    FILE *maps = fopen("/proc/self/numa_maps", "r");
    if (maps == NULL) {
        perror("touchmem: /proc/self/numa_maps");
        return 1;
    }
    char want[32];
    snprintf(want, sizeof want, "%lx ", (unsigned long)area);
    /* numa_maps lines are short, but the buffer is generous anyway. */
    static char line[65536];
    int found = 0;
    while (fgets(line, sizeof line, maps) != NULL) {
        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        found = 1;
        line[strcspn(line, "\n")] = '\0';
        /* Field 2 is the policy; it may hold a space ("prefer (many):0-1"),
         * so it runs up to the first field that looks like key=value. */
        char *rest = line + strlen(want);
        char policy[256] = "";
        char *tok = strtok(rest, " ");
        unsigned long total = 0;
        char counts[4096] = "";
        size_t used = 0;
        int in_policy = 1;
        while (tok != NULL) {
            if (in_policy && strchr(tok, '=') == NULL) {
                if (policy[0] != '\0')
                    strncat(policy, " ", sizeof policy - strlen(policy) - 1);
                strncat(policy, tok, sizeof policy - strlen(policy) - 1);
            } else {
                in_policy = 0;
                unsigned node;
                unsigned long pages;
                if (sscanf(tok, "N%u=%lu", &node, &pages) == 2) {
                    total += pages;
                    used += (size_t)snprintf(counts + used, sizeof counts - used,
                                             " N%u=%lu", node, pages);
                    if (used >= sizeof counts)
                        used = sizeof counts - 1;
                }
            }
            tok = strtok(NULL, " ");
        }
        printf("policy=%s pages=%lu%s\n", policy, total, counts);
        break;
    }
    fclose(maps);
    if (!found) {
        fprintf(stderr, "touchmem: mapping %p not in numa_maps\n", (void *)area);
        return 1;
    }
    fflush(stdout);
    if (argc == 3)
        while (access(argv[2], F_OK) != 0)
            usleep(50000);
    return 0;
}
