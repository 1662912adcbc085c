#include "CSystemd.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
/* Without this, sd_journal_sendv adds CODE_FILE/CODE_LINE/CODE_FUNC of this shim to every alert: noise. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <time.h>

int auspex_journal_send(const auspex_journal_field *fields, int count) {
    if (count <= 0 || fields == NULL) return -EINVAL;
    /* A small fixed array covers every alert (about 30 fields); larger entries use the heap. */
    struct iovec stack_iov[64];
    struct iovec *iov = stack_iov;
    if (count > 64) {
        iov = calloc((size_t)count, sizeof(struct iovec));
        if (iov == NULL) return -ENOMEM;
    }
    for (int i = 0; i < count; i++) {
        iov[i].iov_base = (void *)fields[i].base;
        iov[i].iov_len = fields[i].length;
    }
    /* sd_journal_sendv switches a field to the length-prefixed binary form when its value contains a newline,
     * so a value can never start a new field. */
    int r = sd_journal_sendv(iov, count);
    if (iov != stack_iov) free(iov);
    return r;
}

int auspex_notify(const char *state) {
    if (state == NULL) return -EINVAL;
    return sd_notify(0, state);
}

int auspex_watchdog_enabled(uint64_t *usec) {
    return sd_watchdog_enabled(0, usec);
}

uint64_t auspex_monotonic_usec(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
