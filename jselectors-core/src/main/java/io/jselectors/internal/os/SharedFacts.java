package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Builder;

/**
 * Groups of facts whose values are the same in every profile that has them, each read from every
 * platform's own header (the profile's {@code header(...)} call before names the file). Written once so
 * that a correction reaches every table; a value that differs anywhere belongs in the profile instead.
 */
final class SharedFacts {
    private SharedFacts() {}

    /** {@code POLL*} and {@code struct pollfd}: the same on Linux, macOS and FreeBSD ({@code nfds_t} is not). */
    static void poll(Builder b) {
        b.constant("POLLIN", 0x1)
                .constant("POLLPRI", 0x2)
                .constant("POLLOUT", 0x4)
                .constant("POLLERR", 0x8)
                .constant("POLLHUP", 0x10)
                .constant("POLLNVAL", 0x20)
                .sizeOf("pollfd", 8)
                .offset("pollfd.fd", 0)
                .offset("pollfd.events", 4)
                .offset("pollfd.revents", 6);
    }

    /** {@code struct timespec} on LP64: {@code time_t tv_sec; long tv_nsec;}. */
    static void timespec(Builder b) {
        b.sizeOf("timespec", 16).offset("timespec.tv_sec", 0).offset("timespec.tv_nsec", 8);
    }

    /** {@code struct iovec} on LP64: {@code void *iov_base; size_t iov_len;}. */
    static void iovec(Builder b) {
        b.sizeOf("iovec", 16).offset("iovec.iov_base", 0).offset("iovec.iov_len", 8);
    }

    /**
     * The kqueue flags the BSDs and libkqueue share, and the fields of {@code struct kevent} up to
     * {@code udata}, at the same offsets in the 32-byte (macOS, libkqueue) and 64-byte (FreeBSD 12+) layouts.
     * {@code EVFILT_USER}, the size and FreeBSD's {@code ext} differ: the profile adds them.
     */
    static void kqueue(Builder b) {
        b.constant("EVFILT_READ", -1)
                .constant("EVFILT_WRITE", -2)
                .constant("EV_ADD", 0x1)
                .constant("EV_DELETE", 0x2)
                .constant("EV_ENABLE", 0x4)
                .constant("EV_DISABLE", 0x8)
                .constant("EV_ONESHOT", 0x10)
                .constant("EV_CLEAR", 0x20)
                .constant("EV_RECEIPT", 0x40)
                .constant("EV_DISPATCH", 0x80)
                .constant("EV_ERROR", 0x4000)
                .constant("EV_EOF", 0x8000)
                .constant("NOTE_FFNOP", 0)
                .constant("NOTE_FFAND", 0x40000000L)
                .constant("NOTE_FFOR", 0x80000000L)
                .constant("NOTE_FFCOPY", 0xc0000000L)
                .constant("NOTE_FFCTRLMASK", 0xc0000000L)
                .constant("NOTE_FFLAGSMASK", 0x00ffffffL)
                .constant("NOTE_TRIGGER", 0x01000000L)
                .offset("kevent.ident", 0)
                .offset("kevent.filter", 8)
                .offset("kevent.flags", 10)
                .offset("kevent.fflags", 12)
                .offset("kevent.data", 16)
                .offset("kevent.udata", 24);
    }
}
