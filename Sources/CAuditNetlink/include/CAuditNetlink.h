#ifndef CAUDITNETLINK_H
#define CAUDITNETLINK_H
/*
 * Thin C shim over the kernel's NETLINK_AUDIT socket and libaudit's rule helpers.
 * No audit text is parsed here: the shim only moves bytes and frames netlink messages.
 * Every function returns a negative errno on failure (never sets a global).
 */
#include <stddef.h>
#include <stdint.h>

/* ---- Socket and status (netlink.c) ------------------------------------------------ */

/* Mask bits of auspex_audit_status.mask (same values as AUDIT_STATUS_* in linux/audit.h). */
enum {
    AUSPEX_STATUS_ENABLED = 0x01,
    AUSPEX_STATUS_FAILURE = 0x02,
    AUSPEX_STATUS_PID = 0x04,
    AUSPEX_STATUS_RATE_LIMIT = 0x08,
    AUSPEX_STATUS_BACKLOG_LIMIT = 0x10,
    AUSPEX_STATUS_BACKLOG_WAIT_TIME = 0x20,
};
/* Feature bit of auspex_audit_status.feature_bitmap: the kernel accepts backlog_wait_time. */
enum { AUSPEX_FEATURE_BACKLOG_WAIT_TIME = 0x02 };

/* The kernel's struct audit_status (all 11 fields; older kernels fill fewer, the rest stay 0). */
typedef struct {
    uint32_t mask;
    uint32_t enabled;
    uint32_t failure;
    uint32_t pid;
    uint32_t rate_limit;
    uint32_t backlog_limit;
    uint32_t lost;
    uint32_t backlog;
    uint32_t feature_bitmap;
    uint32_t backlog_wait_time;
    uint32_t backlog_wait_time_actual;
} auspex_audit_status;

/* Opens a NETLINK_AUDIT socket bound to `groups` (0 = unicast, 1 = AUDIT_NLGRP_READLOG). Returns the fd. */
int auspex_nl_open(uint32_t groups);
/* Closes a socket from auspex_nl_open. */
void auspex_nl_close(int fd);
/* Raises the receive buffer to `bytes` (SO_RCVBUFFORCE, else SO_RCVBUF). Returns the size the kernel reports. */
int auspex_nl_set_receive_buffer(int fd, int bytes);
/* AUDIT_GET: fills *out. Messages that are not the reply (events) are discarded. */
int auspex_nl_get_status(int fd, auspex_audit_status *out);
/* AUDIT_SET with in->mask selecting the fields; waits for the kernel's ACK. */
int auspex_nl_set_status(int fd, const auspex_audit_status *in);

/* ---- Batched receive (receive.c) ------------------------------------------------- */

/* One netlink message inside a batch buffer: payload bytes are buffer[offset ..< offset+length]. */
typedef struct {
    uint16_t type;
    uint16_t flags;
    uint32_t offset;
    uint32_t length;
} auspex_nl_slice;

/* Counters kept by a batch across receives. */
typedef struct {
    uint64_t datagrams;  /* datagrams received */
    uint64_t messages;   /* slices handed out */
    uint64_t enobufs;    /* ENOBUFS reports: the socket overflowed and the kernel dropped datagrams */
    uint64_t truncated;  /* datagrams larger than a slot (MSG_TRUNC) */
    uint64_t spoofed;    /* datagrams whose sender was not the kernel (port id != 0) */
} auspex_nl_counters;

typedef struct auspex_nl_batch auspex_nl_batch;

/* Allocates a batch of `slots` datagram slots of `slot_bytes` each (one buffer, reused by every receive). */
auspex_nl_batch *auspex_nl_batch_create(uint32_t slots, uint32_t slot_bytes);
void auspex_nl_batch_destroy(auspex_nl_batch *batch);
/*
 * Waits up to timeout_ms for `fd` (or for `wake_fd` to become readable, if >= 0), then takes every datagram
 * already queued (up to the slot count) with one recvmmsg. Returns the number of slices (0 on timeout or wake),
 * or a negative errno. ENOBUFS is counted and survived, never returned.
 */
int auspex_nl_receive(int fd, int wake_fd, int timeout_ms, auspex_nl_batch *batch);
const uint8_t *auspex_nl_batch_bytes(const auspex_nl_batch *batch);
const auspex_nl_slice *auspex_nl_batch_slices(const auspex_nl_batch *batch);
auspex_nl_counters auspex_nl_batch_counters(const auspex_nl_batch *batch);

/*
 * Frames the netlink messages of one datagram at bytes[0 ..< length] into at most `capacity` slices whose offsets
 * are relative to `bytes` plus `base_offset`. Netlink control messages (NOOP, ERROR, DONE, OVERRUN) are skipped.
 * Handles the kernel's unicast quirk where nlmsg_len omits the header. Returns the number of slices written.
 */
uint32_t auspex_nl_frame(const uint8_t *bytes, uint32_t length, uint32_t base_offset,
                         auspex_nl_slice *out, uint32_t capacity);

/* ---- Audit rules through libaudit (rules.c) ---------------------------------------- */

/*
 * Builds an exit,always rule for `syscalls` on `arch` ("b64" or "b32") tagged with `key` and adds it on `fd`.
 * Syscalls that do not exist on that arch are skipped; their indexes are flagged in skipped[] (may be NULL).
 * Returns the number of syscalls in the rule (0 means nothing was added).
 */
int auspex_rule_add_syscalls(int fd, const char *arch, const char *const *syscalls, uint32_t count,
                             const char *key, uint8_t *skipped);
/* Adds `exit,always -F arch=<arch> -S <syscall> -F <filter> -F key=<key>`, filter an auditctl field pair such as
 * "a0=2". Returns 1, 0 when the syscall does not exist on that arch (nothing added), or a negative errno. */
int auspex_rule_add_filtered_syscall(int fd, const char *arch, const char *syscall, const char *filter,
                                     const char *key);
/* Adds the file watch `-w <path> -p <permissions> -k <key>` (permissions some of "rwxa"). Returns 0 or a negative
 * errno (ENOENT: the path's directory does not exist). */
int auspex_rule_add_watch(int fd, const char *path, const char *permissions, const char *key);
/* Adds (prepended) `exit,never -S all -F pid=<pid> -F key=<key>`, so the reader does not audit itself. */
int auspex_rule_add_self_exclusion(int fd, uint32_t pid, const char *key);
/* Lists the kernel rules (AUDIT_LIST_RULES) and deletes those whose key list contains `key`. Returns the count. */
int auspex_rules_delete_keyed(int fd, const char *key);
/* Lists the kernel rules and counts those whose key list contains `key`. */
int auspex_rules_count_keyed(int fd, const char *key);

/* The syscalls one exit,always rule audits: its arch (AUDIT_ARCH value; 0 when the rule names none, which means the
   native arch) and the kernel's syscall bitmask (bit n of mask[n / 32] = syscall n). */
struct auspex_syscall_mask {
    uint32_t arch;
    uint32_t mask[64];
};
/* Lists the kernel rules and writes the syscall masks of the exit,always rules to out (at most `capacity`; the count
   of such rules is returned even when larger). */
int auspex_rules_list_syscall_masks(int fd, struct auspex_syscall_mask *out, uint32_t capacity);

/* Pure helpers, usable without the kernel (unit tests). */

/* The syscall mask of the rule in `bytes` (as AUDIT_LIST_RULES returns it): 1 for an exit,always rule, 0 for any
   other rule (watches included: they narrow every syscall to one object), negative errno when the bytes are not a
   well-formed rule. */
int auspex_rule_data_syscall_mask(const uint8_t *bytes, size_t length, struct auspex_syscall_mask *out);

/* 1 if the audit_rule_data at bytes[0 ..< length] carries `key` among its keys, 0 if not, negative if malformed. */
int auspex_rule_data_has_key(const uint8_t *bytes, size_t length, const char *key);
/* Builds the rule that auspex_rule_add_syscalls would add, into out[0 ..< capacity]. Returns its length. */
int auspex_rule_build_syscalls(const char *arch, const char *const *syscalls, uint32_t count, const char *key,
                               uint8_t *out, size_t capacity);

/* Builds the rule that auspex_rule_add_filtered_syscall would add. Returns its length (0: no such syscall). */
int auspex_rule_build_filtered_syscall(const char *arch, const char *syscall, const char *filter, const char *key,
                                       uint8_t *out, size_t capacity);

/* Builds the rule that auspex_rule_add_watch would add. Returns its length. */
int auspex_rule_build_watch(const char *path, const char *permissions, const char *key, uint8_t *out,
                            size_t capacity);

#endif
