/* Kernel audit rules through libaudit: add ours, list, delete only ours (by key). */
#define _GNU_SOURCE
#include "CAuditNetlink.h"

#include <errno.h>
#include <limits.h>
#include <libaudit.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LIST_TIMEOUT_MS = 2000, MAX_LISTED_RULES = 4096 };

/* libaudit's rule-builder state, which its callers (auditctl) keep: the "key" field is refused unless a syscall
   was added first, and syscall names resolve against the arch set last. Reset before every rule we build. */
extern int _audit_elf, _audit_syscalladded, _audit_archadded, _audit_permadded, _audit_exeadded,
    _audit_filterfsadded;

static void reset_builder_state(void) {
    set_aumessage_mode(MSG_QUIET, DBG_NO);
    _audit_elf = 0;
    _audit_syscalladded = _audit_archadded = _audit_permadded = _audit_exeadded = _audit_filterfsadded = 0;
}

/* Fields whose value is a string stored in rule->buf (value = its length), in kernel order. */
static int is_string_field(uint32_t field) {
    switch (field) {
    case AUDIT_SUBJ_USER: case AUDIT_SUBJ_ROLE: case AUDIT_SUBJ_TYPE: case AUDIT_SUBJ_SEN: case AUDIT_SUBJ_CLR:
    case AUDIT_OBJ_USER: case AUDIT_OBJ_ROLE: case AUDIT_OBJ_TYPE: case AUDIT_OBJ_LEV_LOW: case AUDIT_OBJ_LEV_HIGH:
    case AUDIT_WATCH: case AUDIT_DIR: case AUDIT_FILTERKEY: case AUDIT_EXE:
        return 1;
    default:
        return 0;
    }
}

static size_t rule_size(const struct audit_rule_data *rule) { return sizeof *rule + rule->buflen; }

int auspex_rule_data_has_key(const uint8_t *bytes, size_t length, const char *key) {
    if (length < sizeof(struct audit_rule_data)) return -EINVAL;
    struct audit_rule_data header;
    memcpy(&header, bytes, sizeof header);
    if (header.field_count > AUDIT_MAX_FIELDS || header.buflen > length - sizeof header) return -EINVAL;
    const char *strings = (const char *)bytes + sizeof header;
    size_t key_length = strlen(key), offset = 0;
    for (uint32_t i = 0; i < header.field_count; i++) {
        if (!is_string_field(header.fields[i])) continue;
        size_t value_length = header.values[i];
        if (value_length > header.buflen - offset) return -EINVAL;
        /* The whole key must be ours: a rule that also carries someone else's key is not ours to delete. */
        if (header.fields[i] == AUDIT_FILTERKEY && value_length == key_length &&
            memcmp(strings + offset, key, key_length) == 0)
            return 1;
        offset += value_length;
    }
    return 0;
}

/* Builds `exit,always -F arch=<arch> -S ... [-F <filter>] -F key=<key>`. *error gets a negative errno on failure. */
static struct audit_rule_data *build_syscall_rule(const char *arch, const char *const *syscalls, uint32_t count,
                                                  const char *filter, const char *key, uint8_t *skipped, int *added,
                                                  int *error) {
    reset_builder_state();
    char pair[AUDIT_MAX_KEY_LEN + 16];
    struct audit_rule_data *rule = audit_rule_create_data();
    *added = 0;
    *error = -EINVAL;
    if (!rule) { *error = -ENOMEM; return NULL; }
    /* arch first: libaudit resolves syscall names in the arch set last. */
    snprintf(pair, sizeof pair, "arch=%s", arch);
    if (audit_rule_fieldpair_data(&rule, pair, AUDIT_FILTER_EXIT) != 0) goto fail;
    _audit_archadded = 1;
    for (uint32_t i = 0; i < count; i++) {
        int rc = audit_rule_syscallbyname_data(rule, syscalls[i]);
        if (skipped) skipped[i] = rc != 0;
        if (rc == 0) (*added)++;
    }
    if (*added == 0) { *error = 0; goto fail; } /* no syscall exists on this arch: nothing to add */
    _audit_syscalladded = 1;
    if (filter && audit_rule_fieldpair_data(&rule, filter, AUDIT_FILTER_EXIT) != 0) goto fail;
    if (strlen(key) > AUDIT_MAX_KEY_LEN) goto fail;
    snprintf(pair, sizeof pair, "key=%s", key);
    if (audit_rule_fieldpair_data(&rule, pair, AUDIT_FILTER_EXIT) != 0) goto fail;
    *error = 0;
    return rule;
fail:
    audit_rule_free_data(rule);
    return NULL;
}

int auspex_rule_build_syscalls(const char *arch, const char *const *syscalls, uint32_t count, const char *key,
                               uint8_t *out, size_t capacity) {
    int added, error;
    struct audit_rule_data *rule = build_syscall_rule(arch, syscalls, count, NULL, key, NULL, &added, &error);
    if (!rule) return error;
    size_t size = rule_size(rule);
    if (size > capacity) { audit_rule_free_data(rule); return -ENOSPC; }
    memcpy(out, rule, size);
    audit_rule_free_data(rule);
    return (int)size;
}

int auspex_rule_add_syscalls(int fd, const char *arch, const char *const *syscalls, uint32_t count,
                             const char *key, uint8_t *skipped) {
    int added, error;
    struct audit_rule_data *rule = build_syscall_rule(arch, syscalls, count, NULL, key, skipped, &added, &error);
    if (!rule) return error;
    int rc = audit_add_rule_data(fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    audit_rule_free_data(rule);
    return rc < 0 ? rc : added;
}

int auspex_rule_add_filtered_syscall(int fd, const char *arch, const char *syscall, const char *filter,
                                     const char *key) {
    int added, error;
    uint8_t skipped = 0;
    struct audit_rule_data *rule = build_syscall_rule(arch, &syscall, 1, filter, key, &skipped, &added, &error);
    if (!rule) return error;
    int rc = audit_add_rule_data(fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    audit_rule_free_data(rule);
    return rc < 0 ? rc : added;
}

int auspex_rule_build_filtered_syscall(const char *arch, const char *syscall, const char *filter, const char *key,
                                       uint8_t *out, size_t capacity) {
    int added, error;
    struct audit_rule_data *rule = build_syscall_rule(arch, &syscall, 1, filter, key, NULL, &added, &error);
    if (!rule) return error;
    size_t size = rule_size(rule);
    if (size > capacity) { audit_rule_free_data(rule); return -ENOSPC; }
    memcpy(out, rule, size);
    audit_rule_free_data(rule);
    return (int)size;
}

/* Builds `-w <path> -p <permissions> -k <key>` (an exit,always rule on every syscall, narrowed to the object at
   `path` and the syscall classes of `permissions`, some of "rwxa"), as auditctl does. */
static struct audit_rule_data *build_watch_rule(const char *path, const char *permissions, const char *key,
                                                int *error) {
    reset_builder_state();
    char pair[AUDIT_MAX_KEY_LEN + 16];
    struct audit_rule_data *rule = audit_rule_create_data();
    *error = -EINVAL;
    if (!rule) { *error = -ENOMEM; return NULL; }
    int perms = 0;
    for (const char *p = permissions; *p; p++) {
        switch (*p) {
        case 'r': perms |= AUDIT_PERM_READ; break;
        case 'w': perms |= AUDIT_PERM_WRITE; break;
        case 'x': perms |= AUDIT_PERM_EXEC; break;
        case 'a': perms |= AUDIT_PERM_ATTR; break;
        default: goto fail;
        }
    }
    if (perms == 0 || path[0] != '/' || strlen(path) >= PATH_MAX || strlen(key) > AUDIT_MAX_KEY_LEN) goto fail;
    if (audit_add_watch_dir(AUDIT_WATCH, &rule, path) < 0) goto fail; /* frees the rule (NULL) if it cannot grow */
    if (audit_update_watch_perms(rule, perms) < 0) goto fail;
    snprintf(pair, sizeof pair, "key=%s", key);
    if (audit_rule_fieldpair_data(&rule, pair, AUDIT_FILTER_EXIT) != 0) goto fail;
    *error = 0;
    return rule;
fail:
    if (rule) audit_rule_free_data(rule);
    return NULL;
}

int auspex_rule_add_watch(int fd, const char *path, const char *permissions, const char *key) {
    int error;
    struct audit_rule_data *rule = build_watch_rule(path, permissions, key, &error);
    if (!rule) return error;
    int rc = audit_add_rule_data(fd, rule, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    audit_rule_free_data(rule);
    return rc < 0 ? rc : 0;
}

int auspex_rule_build_watch(const char *path, const char *permissions, const char *key, uint8_t *out,
                            size_t capacity) {
    int error;
    struct audit_rule_data *rule = build_watch_rule(path, permissions, key, &error);
    if (!rule) return error;
    size_t size = rule_size(rule);
    if (size > capacity) { audit_rule_free_data(rule); return -ENOSPC; }
    memcpy(out, rule, size);
    audit_rule_free_data(rule);
    return (int)size;
}

int auspex_rule_add_self_exclusion(int fd, uint32_t pid, const char *key) {
    reset_builder_state();
    char pair[AUDIT_MAX_KEY_LEN + 16];
    struct audit_rule_data *rule = audit_rule_create_data();
    if (!rule) return -ENOMEM;
    int rc = audit_rule_syscallbyname_data(rule, "all");
    _audit_syscalladded = 1;
    snprintf(pair, sizeof pair, "pid=%u", pid);
    if (rc == 0) rc = audit_rule_fieldpair_data(&rule, pair, AUDIT_FILTER_EXIT);
    snprintf(pair, sizeof pair, "key=%s", key);
    if (rc == 0) rc = audit_rule_fieldpair_data(&rule, pair, AUDIT_FILTER_EXIT);
    if (rc == 0) rc = audit_add_rule_data(fd, rule, AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND, AUDIT_NEVER);
    else rc = -EINVAL;
    audit_rule_free_data(rule);
    return rc < 0 ? rc : 0;
}

/* Lists every kernel rule and hands each (bytes, length) to `visit`; stops at the first negative return of `visit`.
   Returns 0 or a negative errno. */
static int list_rules(int fd, int (*visit)(const uint8_t *bytes, size_t length, void *context), void *context) {
    set_aumessage_mode(MSG_QUIET, DBG_NO);
    int rc = audit_request_rules_list_data(fd);
    if (rc < 0) return rc;
    struct audit_reply *reply = malloc(sizeof *reply); /* ~9 KB: keep it off the stack */
    if (!reply) return -ENOMEM;
    int result = 0;
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = poll(&pfd, 1, LIST_TIMEOUT_MS);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) { result = ready < 0 ? -errno : -ETIMEDOUT; break; }
        rc = audit_get_reply(fd, reply, GET_REPLY_NONBLOCKING, 0);
        if (rc == -EAGAIN || rc == 0) continue;
        if (rc < 0) { result = rc; break; }
        if (reply->type == NLMSG_DONE) break;
        if (reply->type == NLMSG_ERROR) {
            if (reply->error->error != 0) { result = reply->error->error; break; }
            continue;
        }
        if (reply->type != AUDIT_LIST_RULES) continue;
        if (reply->len < (int)NLMSG_HDRLEN) continue;
        size_t length = (size_t)reply->len - NLMSG_HDRLEN; /* len is nlmsg_len, header included */
        rc = visit((const uint8_t *)reply->ruledata, length, context);
        if (rc < 0) { result = rc; break; }
    }
    free(reply);
    return result;
}

struct keyed_matches {
    const char *key;
    struct audit_rule_data **found;
    int count;
};

static int collect_keyed(const uint8_t *bytes, size_t length, void *context) {
    struct keyed_matches *matches = context;
    if (auspex_rule_data_has_key(bytes, length, matches->key) != 1) return 0;
    if (matches->count == MAX_LISTED_RULES) return 0;
    struct audit_rule_data *copy = malloc(length);
    if (!copy) return -ENOMEM;
    memcpy(copy, bytes, length);
    matches->found[matches->count++] = copy;
    return 0;
}

/* Lists every kernel rule; copies of those carrying `key` go to *matches (caller frees). Returns the count. */
static int list_keyed(int fd, const char *key, struct audit_rule_data ***matches) {
    *matches = NULL;
    struct keyed_matches found = { .key = key, .found = calloc(MAX_LISTED_RULES, sizeof(struct audit_rule_data *)) };
    if (!found.found) return -ENOMEM;
    int rc = list_rules(fd, collect_keyed, &found);
    if (rc < 0) {
        for (int i = 0; i < found.count; i++) free(found.found[i]);
        free(found.found);
        return rc;
    }
    *matches = found.found;
    return found.count;
}

int auspex_rule_data_syscall_mask(const uint8_t *bytes, size_t length, struct auspex_syscall_mask *out) {
    if (length < sizeof(struct audit_rule_data)) return -EINVAL;
    struct audit_rule_data header;
    memcpy(&header, bytes, sizeof header);
    if (header.field_count > AUDIT_MAX_FIELDS || header.buflen > length - sizeof header) return -EINVAL;
    if ((header.flags & ~AUDIT_FILTER_PREPEND) != AUDIT_FILTER_EXIT || header.action != AUDIT_ALWAYS) return 0;
    out->arch = 0;
    for (uint32_t i = 0; i < header.field_count; i++) {
        switch (header.fields[i]) {
        case AUDIT_ARCH:
            if (header.fieldflags[i] == AUDIT_EQUAL) out->arch = header.values[i];
            break;
        /* A watch (`-w PATH`, `-F path=`, `-F dir=`) is stored as an exit rule on every syscall narrowed to one
           object: it audits no syscall in general. */
        case AUDIT_WATCH: case AUDIT_DIR: case AUDIT_INODE: case AUDIT_PERM:
            return 0;
        default:
            break;
        }
    }
    memcpy(out->mask, header.mask, sizeof out->mask);
    return 1;
}

struct mask_list {
    struct auspex_syscall_mask *out;
    uint32_t capacity;
    int count;
};

static int collect_mask(const uint8_t *bytes, size_t length, void *context) {
    struct mask_list *list = context;
    struct auspex_syscall_mask mask;
    if (auspex_rule_data_syscall_mask(bytes, length, &mask) != 1) return 0;
    if ((uint32_t)list->count < list->capacity) list->out[list->count] = mask;
    list->count++;
    return 0;
}

int auspex_rules_list_syscall_masks(int fd, struct auspex_syscall_mask *out, uint32_t capacity) {
    struct mask_list list = { .out = out, .capacity = capacity };
    int rc = list_rules(fd, collect_mask, &list);
    return rc < 0 ? rc : list.count;
}

int auspex_rules_count_keyed(int fd, const char *key) {
    struct audit_rule_data **matches;
    int count = list_keyed(fd, key, &matches);
    for (int i = 0; i < count; i++) free(matches[i]);
    free(matches);
    return count;
}

int auspex_rules_delete_keyed(int fd, const char *key) {
    struct audit_rule_data **matches;
    int count = list_keyed(fd, key, &matches);
    if (count < 0) return count;
    int deleted = 0, first_error = 0;
    for (int i = 0; i < count; i++) {
        int rc = audit_delete_rule_data(fd, matches[i], matches[i]->flags, matches[i]->action);
        if (rc < 0 && first_error == 0) first_error = rc;
        if (rc >= 0) deleted++;
        free(matches[i]);
    }
    free(matches);
    return first_error < 0 && deleted == 0 ? first_error : deleted;
}
