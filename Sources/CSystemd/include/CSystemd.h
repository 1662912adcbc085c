#ifndef CSYSTEMD_H
#define CSYSTEMD_H
/*
 * Thin C shim over libsystemd for auspex: the journal native protocol (sd_journal_sendv) and the service
 * manager notification protocol (sd_notify, sd_watchdog_enabled). No policy lives here; the Swift side
 * (module Alerting) builds and validates fields, queues, counts and retries.
 */
#include <stddef.h>
#include <stdint.h>

/* One journal field, "NAME=value" as raw bytes (the value may contain newlines or any byte). */
typedef struct auspex_journal_field {
    const void *base;
    size_t length;
} auspex_journal_field;

/* Sends one journal entry made of `count` fields through sd_journal_sendv.
 * Returns 0 on success or a negative errno (-ENOENT / -ECONNREFUSED when journald is absent). */
int auspex_journal_send(const auspex_journal_field *fields, int count);

/* sd_notify(0, state): returns > 0 when sent, 0 when NOTIFY_SOCKET is unset, negative errno on failure. */
int auspex_notify(const char *state);

/* sd_watchdog_enabled(0, &usec): > 0 and *usec set when the manager expects WATCHDOG=1 pings,
 * 0 when no watchdog is configured for this process, negative errno on a malformed environment. */
int auspex_watchdog_enabled(uint64_t *usec);

/* CLOCK_MONOTONIC in microseconds, as RELOADING=1 wants in MONOTONIC_USEC=. */
uint64_t auspex_monotonic_usec(void);

#endif
