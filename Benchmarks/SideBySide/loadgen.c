/* loadgen: the spawn + UDP-connect workload of `make bench` (Benchmarks/SideBySide/side-by-side.py).
 *
 * Each worker forks children at a target rate (or as fast as it can); a child optionally opens a UDP socket and
 * connects it (socket + connect, audited with a SOCKADDR record), sometimes calls setsid, then executes a program
 * (/bin/true by default) with execve, or with execveat every 10th time. Every 4th child gets arguments with a space,
 * quotes or a non-ASCII byte, so the kernel writes its EXECVE record hex-encoded. The parent reaps its children.
 *
 *   loadgen [-r RATE] [-d SECONDS] [-w WORKERS] [-u EVERY] [-a ADDRESS] [-p PORT] [-e PROGRAM]
 *     -r  spawns per second over all workers; 0 = as fast as possible (default 1000)
 *     -d  duration in seconds (default 10)
 *     -w  worker processes (default 1)
 *     -u  every EVERY-th child connects a UDP socket; 0 = never (default 1)
 *     -a  IPv4 address the UDP socket connects to (default 127.0.0.1); -p its port (default 9)
 *     -e  program to execute (default /bin/true)
 * Prints one line: "spawned N in S s = R/s".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void child(unsigned long n, int udp_every, const struct sockaddr_in *to, const char *program) {
    if (udp_every > 0 && n % (unsigned long)udp_every == 0) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd >= 0) connect(fd, (const struct sockaddr *)to, sizeof *to);
    }
    if (n % 20 == 7) setsid();
    char number[32];
    snprintf(number, sizeof number, "%lu", n);
    char *plain[] = {(char *)program, "--load", number, NULL};
    char *spaced[] = {(char *)program, "two words", "it's \"quoted\"", "caf\xc3\xa9", number, NULL};
    char **argv = n % 4 == 1 ? spaced : plain;
    char *envp[] = {"PATH=/usr/bin:/bin", "LANG=C", NULL};
    if (n % 10 == 3)
        syscall(SYS_execveat, AT_FDCWD, program, argv, envp, 0);
    else
        execve(program, argv, envp);
    _exit(127);
}

int main(int argc, char **argv) {
    double rate = 1000, seconds = 10;
    int workers = 1, udp_every = 1, port = 9, opt;
    const char *address = "127.0.0.1", *program = "/bin/true";
    while ((opt = getopt(argc, argv, "r:d:w:u:a:p:e:")) != -1) {
        switch (opt) {
        case 'r': rate = atof(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'w': workers = atoi(optarg); break;
        case 'u': udp_every = atoi(optarg); break;
        case 'a': address = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'e': program = optarg; break;
        default:
            fprintf(stderr, "usage: loadgen [-r RATE] [-d SECONDS] [-w WORKERS] [-u EVERY] [-a ADDRESS] [-p PORT] [-e PROGRAM]\n");
            return 64;
        }
    }
    if (workers < 1) workers = 1;
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, address, &to.sin_addr) != 1) {
        fprintf(stderr, "loadgen: bad address %s\n", address);
        return 64;
    }
    unsigned long *counts = mmap(NULL, sizeof(unsigned long) * (size_t)workers, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (counts == MAP_FAILED) { perror("mmap"); return 1; }
    double start = now(), end = start + seconds;
    double interval = rate > 0 ? (double)workers / rate : 0;
    for (int w = 0; w < workers; w++) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid > 0) continue;
        unsigned long n = 0;
        double next = start + (interval > 0 ? interval * w / workers : 0);
        for (;;) {
            double t = now();
            if (t >= end) break;
            if (interval > 0 && t < next) {
                double wait = next - t;
                struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&ts, NULL);
                continue;
            }
            pid_t c = fork();
            if (c == 0) child(n * (unsigned long)workers + (unsigned long)w, udp_every, &to, program);
            if (c > 0) {
                n++;
                while (waitpid(c, NULL, 0) < 0 && errno == EINTR) {}
            }
            if (interval > 0) {
                next += interval;
                if (next < t - 1) next = t;  /* fell behind by over a second: do not burst to catch up */
            }
        }
        counts[w] = n;
        _exit(0);
    }
    for (int w = 0; w < workers; w++) wait(NULL);
    double elapsed = now() - start;
    unsigned long total = 0;
    for (int w = 0; w < workers; w++) total += counts[w];
    printf("spawned %lu in %.2f s = %.0f/s\n", total, elapsed, (double)total / elapsed);
    return 0;
}
