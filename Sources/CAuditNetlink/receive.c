/* Batched receive: one recvmmsg into one reused buffer, framed into (type, offset, length) slices. */
#define _GNU_SOURCE
#include "CAuditNetlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Audit events come one per datagram; a few extra slices per slot cover multi-part replies. */
enum { SLICES_PER_SLOT = 4, ENOBUFS_RETRIES = 8 };

struct auspex_nl_batch {
    uint32_t slots;
    uint32_t slot_bytes;
    uint32_t slice_count;
    uint32_t slice_capacity;
    uint8_t *buffer;
    struct mmsghdr *headers;
    struct iovec *iovecs;
    struct sockaddr_nl *senders;
    auspex_nl_slice *slices;
    auspex_nl_counters counters;
};

auspex_nl_batch *auspex_nl_batch_create(uint32_t slots, uint32_t slot_bytes) {
    if (slots == 0 || slot_bytes < NLMSG_HDRLEN || (uint64_t)slots * slot_bytes > UINT32_MAX) return NULL;
    auspex_nl_batch *batch = calloc(1, sizeof *batch);
    if (!batch) return NULL;
    batch->slots = slots;
    batch->slot_bytes = slot_bytes;
    batch->slice_capacity = slots * SLICES_PER_SLOT;
    batch->buffer = aligned_alloc(8, (size_t)slots * slot_bytes + 8 - ((size_t)slots * slot_bytes) % 8);
    batch->headers = calloc(slots, sizeof *batch->headers);
    batch->iovecs = calloc(slots, sizeof *batch->iovecs);
    batch->senders = calloc(slots, sizeof *batch->senders);
    batch->slices = calloc(batch->slice_capacity, sizeof *batch->slices);
    if (!batch->buffer || !batch->headers || !batch->iovecs || !batch->senders || !batch->slices) {
        auspex_nl_batch_destroy(batch);
        return NULL;
    }
    for (uint32_t i = 0; i < slots; i++) {
        batch->iovecs[i].iov_base = batch->buffer + (size_t)i * slot_bytes;
        batch->iovecs[i].iov_len = slot_bytes;
    }
    return batch;
}

void auspex_nl_batch_destroy(auspex_nl_batch *batch) {
    if (!batch) return;
    free(batch->buffer);
    free(batch->headers);
    free(batch->iovecs);
    free(batch->senders);
    free(batch->slices);
    free(batch);
}

const uint8_t *auspex_nl_batch_bytes(const auspex_nl_batch *batch) { return batch->buffer; }
const auspex_nl_slice *auspex_nl_batch_slices(const auspex_nl_batch *batch) { return batch->slices; }
auspex_nl_counters auspex_nl_batch_counters(const auspex_nl_batch *batch) { return batch->counters; }

uint32_t auspex_nl_frame(const uint8_t *bytes, uint32_t length, uint32_t base_offset,
                         auspex_nl_slice *out, uint32_t capacity) {
    uint32_t count = 0, position = 0;
    while (count < capacity && length - position >= NLMSG_HDRLEN) {
        struct nlmsghdr header;
        memcpy(&header, bytes + position, sizeof header); /* test buffers need not be aligned */
        uint32_t remaining = length - position;
        uint32_t payload, advance;
        if (header.nlmsg_len + NLMSG_HDRLEN == remaining ||
            header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > remaining) {
            /* Unicast audit events set nlmsg_len to the payload length only (a kernel quirk), and a broken
               length cannot be walked: either way the rest of the datagram is this message's payload. */
            payload = remaining - NLMSG_HDRLEN;
            advance = remaining;
        } else {
            payload = header.nlmsg_len - NLMSG_HDRLEN;
            advance = NLMSG_ALIGN(header.nlmsg_len);
            if (advance > remaining) advance = remaining;
        }
        if (header.nlmsg_type >= NLMSG_MIN_TYPE) {
            out[count].type = header.nlmsg_type;
            out[count].flags = header.nlmsg_flags;
            out[count].offset = base_offset + position + NLMSG_HDRLEN;
            out[count].length = payload;
            count++;
        }
        position += advance;
    }
    return count;
}

/* Waits for data on fd, or for wake_fd. Returns 1 when fd is readable, 0 on timeout or wake, -errno on error. */
static int wait_readable(int fd, int wake_fd, int timeout_ms) {
    struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = wake_fd, .events = POLLIN } };
    for (;;) {
        int ready = poll(fds, wake_fd >= 0 ? 2 : 1, timeout_ms);
        if (ready < 0 && errno == EINTR) return 0; /* a signal: let the caller look at its flags */
        if (ready < 0) return -errno;
        if (ready == 0) return 0;
        /* POLLERR on a netlink socket means an overflow; the recvmmsg below reports it as ENOBUFS. */
        if (fds[0].revents & (POLLIN | POLLERR)) return 1;
        return 0;
    }
}

int auspex_nl_receive(int fd, int wake_fd, int timeout_ms, auspex_nl_batch *batch) {
    batch->slice_count = 0;
    int ready = wait_readable(fd, wake_fd, timeout_ms);
    if (ready <= 0) return ready;

    int received = -1;
    for (int attempt = 0; attempt < ENOBUFS_RETRIES && received < 0; attempt++) {
        for (uint32_t i = 0; i < batch->slots; i++) {
            memset(&batch->headers[i], 0, sizeof batch->headers[i]);
            batch->headers[i].msg_hdr.msg_iov = &batch->iovecs[i];
            batch->headers[i].msg_hdr.msg_iovlen = 1;
            batch->headers[i].msg_hdr.msg_name = &batch->senders[i];
            batch->headers[i].msg_hdr.msg_namelen = sizeof batch->senders[i];
        }
        received = recvmmsg(fd, batch->headers, batch->slots, MSG_DONTWAIT, NULL);
        if (received >= 0) break;
        if (errno == ENOBUFS) {
            batch->counters.enobufs++; /* the kernel dropped datagrams for us; the socket works on */
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        return -errno;
    }
    if (received < 0) return 0;

    for (int i = 0; i < received; i++) {
        batch->counters.datagrams++;
        const struct msghdr *message = &batch->headers[i].msg_hdr;
        if (batch->senders[i].nl_pid != 0) {
            batch->counters.spoofed++;
            continue;
        }
        if (message->msg_flags & MSG_TRUNC) batch->counters.truncated++;
        uint32_t length = batch->headers[i].msg_len;
        if (length > batch->slot_bytes) length = batch->slot_bytes;
        uint32_t offset = (uint32_t)i * batch->slot_bytes;
        batch->slice_count += auspex_nl_frame(batch->buffer + offset, length, offset,
                                              batch->slices + batch->slice_count,
                                              batch->slice_capacity - batch->slice_count);
    }
    batch->counters.messages += batch->slice_count;
    return (int)batch->slice_count;
}
