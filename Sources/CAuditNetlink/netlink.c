/* NETLINK_AUDIT socket, AUDIT_GET / AUDIT_SET request-reply. */
#define _GNU_SOURCE
#include "CAuditNetlink.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* How long a control request may wait for the kernel's answer. */
enum { REPLY_TIMEOUT_MS = 2000, REPLY_BUFFER_BYTES = 16384 };

int auspex_nl_open(uint32_t groups) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) return -errno;
    struct sockaddr_nl local = { .nl_family = AF_NETLINK, .nl_pid = 0, .nl_groups = groups };
    if (bind(fd, (struct sockaddr *)&local, sizeof local) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

void auspex_nl_close(int fd) {
    if (fd >= 0) close(fd);
}

int auspex_nl_set_receive_buffer(int fd, int bytes) {
    /* SO_RCVBUFFORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN; fall back to the capped option. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) < 0)
        return -errno;
    int actual = 0;
    socklen_t size = sizeof actual;
    if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &size) < 0) return -errno;
    return actual;
}

/* A sequence number that differs between consecutive requests without keeping a counter. */
static uint32_t request_sequence(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)(now.tv_nsec ^ (now.tv_sec << 20)) | 1u; /* never 0: 0 is what kernel events carry */
}

static int send_request(int fd, uint16_t type, uint16_t flags, uint32_t seq, const void *payload, uint32_t length) {
    struct {
        struct nlmsghdr header;
        uint8_t payload[sizeof(struct audit_status) + 16];
    } request;
    if (length > sizeof request.payload) return -EINVAL;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = NLMSG_LENGTH(length);
    request.header.nlmsg_type = type;
    request.header.nlmsg_flags = NLM_F_REQUEST | flags;
    request.header.nlmsg_seq = seq;
    if (length > 0) memcpy(request.payload, payload, length);
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    for (;;) {
        ssize_t sent = sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
        if (sent >= 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

/*
 * Reads until the reply to `seq` arrives: a message of `want_type` (copied to out), or an NLMSG_ERROR
 * (an ACK when its error is 0). Anything else (audit events, stale replies) is discarded.
 */
static int await_reply(int fd, uint32_t seq, uint16_t want_type, void *out, uint32_t out_capacity) {
    uint8_t buffer[REPLY_BUFFER_BYTES] __attribute__((aligned(8)));
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (elapsed >= REPLY_TIMEOUT_MS) return -ETIMEDOUT;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = poll(&pfd, 1, (int)(REPLY_TIMEOUT_MS - elapsed));
        if (ready < 0 && errno != EINTR) return -errno;
        if (ready <= 0) continue;

        struct sockaddr_nl sender;
        socklen_t sender_size = sizeof sender;
        ssize_t got = recvfrom(fd, buffer, sizeof buffer, MSG_DONTWAIT, (struct sockaddr *)&sender, &sender_size);
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS) continue;
            return -errno;
        }
        if (sender.nl_pid != 0) continue;
        size_t remaining = (size_t)got;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
            if (h->nlmsg_seq != seq) break; /* events carry seq 0 and come one per datagram */
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) return -EPROTO;
                int error = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
                if (error != 0 || want_type == NLMSG_ERROR) return error;
                continue;
            }
            if (h->nlmsg_type == want_type) {
                uint32_t length = h->nlmsg_len - NLMSG_HDRLEN;
                if (out_capacity > 0) {
                    memset(out, 0, out_capacity);
                    memcpy(out, NLMSG_DATA(h), length < out_capacity ? length : out_capacity);
                }
                return 0;
            }
        }
    }
}

int auspex_nl_get_status(int fd, auspex_audit_status *out) {
    _Static_assert(sizeof(auspex_audit_status) == sizeof(struct audit_status), "status layout");
    uint32_t seq = request_sequence();
    /* No NLM_F_ACK: the reply itself answers, and a trailing ACK would linger in the socket. */
    int rc = send_request(fd, AUDIT_GET, 0, seq, NULL, 0);
    if (rc < 0) return rc;
    return await_reply(fd, seq, AUDIT_GET, out, sizeof *out);
}

int auspex_nl_set_status(int fd, const auspex_audit_status *in) {
    uint32_t seq = request_sequence();
    int rc = send_request(fd, AUDIT_SET, NLM_F_ACK, seq, in, sizeof *in);
    if (rc < 0) return rc;
    return await_reply(fd, seq, NLMSG_ERROR, NULL, 0);
}
