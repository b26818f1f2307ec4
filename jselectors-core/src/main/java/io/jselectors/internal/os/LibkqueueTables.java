package io.jselectors.internal.os;

import io.jselectors.internal.os.AbiTable.Os;

/**
 * The kqueue facts of libkqueue on Linux (github mheily/libkqueue, a user-space kqueue; revision
 * f966089, 2026-07-27): the fact set {@code libkqueue-linux}, which the kqueue binding uses on Linux
 * where the kernel has no kqueue.
 *
 * <p>Read from libkqueue's {@code include/sys/event.h.in} (installed as {@code sys/event.h}). Its
 * {@code struct kevent} has macOS's 32-byte layout ({@code uintptr_t ident; short filter; unsigned short
 * flags; unsigned int fflags; intptr_t data; void *udata;}, no {@code ext}), but its {@code EVFILT_USER}
 * is FreeBSD's -11 (macOS uses -10). The {@code EV_*} and {@code NOTE_*} values equal the BSDs'.
 * The same on x86_64 and aarch64 (LP64).
 */
final class LibkqueueTables {
    /** The name {@link AbiDump} and {@link Abi#of} know this fact set by. */
    static final String NAME = "libkqueue-linux";

    private LibkqueueTables() {}

    /** @return libkqueue's kqueue facts on Linux */
    static AbiTable linux() {
        return AbiTable.builder(NAME, Os.LINUX)
                .functions("kqueue", "kevent")
                .header("sys/event.h", "libkqueue include/sys/event.h.in (f966089)")
                .constant("EVFILT_READ", -1)
                .constant("EVFILT_WRITE", -2)
                .constant("EVFILT_USER", -11)
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
                .sizeOf("kevent", 32)
                .offset("kevent.ident", 0)
                .offset("kevent.filter", 8)
                .offset("kevent.flags", 10)
                .offset("kevent.fflags", 12)
                .offset("kevent.data", 16)
                .offset("kevent.udata", 24)
                .build();
    }
}
