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
                .with(SharedFacts::kqueue)
                .constant("EVFILT_USER", -11)
                .sizeOf("kevent", 32)
                .build();
    }
}
