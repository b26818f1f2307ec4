package io.jselectors.loop;

import io.jselectors.internal.os.SignalSys;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * The loops' signal handlers (asyncio's {@code add_signal_handler}). A signal's disposition belongs to the
 * process, so each signal has at most one handler among all loops.
 *
 * <p>The mechanism is the JVM's own signal dispatch ({@code sun.misc.Signal}, module {@code jdk.unsupported}):
 * HotSpot's native handler only notes the signal, and its signal dispatcher thread calls ours, which hands the
 * callback to the loop through {@link EventLoop#execute} (the loop's waker is then the self-pipe). Neither OS
 * mechanism works inside a JVM: a signalfd sees a process-wide signal only if every thread blocks it, and the
 * JVM's threads do not (measured: see {@code docs/fds.md}); kqueue's {@code EVFILT_SIGNAL} records a signal but
 * does not replace its action, so {@code USR1}'s default would still end the JVM, and it would tie signals to
 * the kqueue backend.
 */
final class SignalHandlers {
    /** signal name to its handler; guarded by itself. */
    private static final Map<String, Entry> HANDLERS = new HashMap<>();

    private SignalHandlers() {}

    /** Adds or replaces (same loop) the handler; see {@link EventLoop#addSignalHandler}. Loop thread. */
    static void add(EventLoop loop, String signal, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        String name = check(signal);
        synchronized (HANDLERS) {
            Entry e = HANDLERS.get(name);
            if (e != null) {
                if (e.loop != loop) {
                    throw new IllegalStateException("SIG" + name + " is already handled by " + e.loop
                            + ": a signal has one handler per process; remove it there first");
                }
                e.callback = callback;
                return;
            }
            sun.misc.Signal sig = new sun.misc.Signal(name);
            Entry entry = new Entry(name, loop, callback);
            try {
                entry.previous = sun.misc.Signal.handle(sig, entry);
            } catch (IllegalArgumentException refused) {
                throw new IllegalArgumentException("the JVM refuses a handler for SIG" + name + " (" + refused.getMessage()
                        + "); with -Xrs it keeps HUP, INT and TERM from Java code", refused);
            }
            HANDLERS.put(name, entry);
            loop.track(entry);
        }
    }

    /** Removes this loop's handler, restoring the signal's previous action. Loop thread. */
    static boolean remove(EventLoop loop, String signal) {
        String name = check(signal);
        synchronized (HANDLERS) {
            Entry e = HANDLERS.get(name);
            if (e == null || e.loop != loop) {
                return false;
            }
            e.uninstall();
            loop.untrack(e);
            return true;
        }
    }

    private static String check(String signal) {
        String name = SignalSys.canonical(Objects.requireNonNull(signal, "signal"));
        if (!SignalSys.TAKEABLE.contains(name)) {
            throw new IllegalArgumentException("SIG" + name + " cannot be handled on an event loop: the JVM needs it"
                    + " (SEGV BUS FPE ILL TRAP QUIT PIPE XFSZ USR2), it cannot be caught (KILL STOP), or it is not a"
                    + " signal name; use one of " + SignalSys.TAKEABLE);
        }
        return name;
    }

    /** One installed handler: runs on the JVM's signal thread and queues the callback on its loop. */
    private static final class Entry implements sun.misc.SignalHandler, LoopResource {
        final String name;
        final EventLoop loop;
        volatile Runnable callback;
        sun.misc.SignalHandler previous;
        /** Set when removed: a delivery already queued then does nothing. */
        volatile boolean removed;

        Entry(String name, EventLoop loop, Runnable callback) {
            this.name = name;
            this.loop = loop;
            this.callback = callback;
        }

        @Override
        public void handle(sun.misc.Signal sig) {
            try {
                loop.execute(this::deliver);
            } catch (RejectedExecutionException closed) {
                // the loop closed between the signal and now; its close removes this handler
            }
        }

        private void deliver() {
            if (!removed) {
                callback.run();
            }
        }

        /** Restores the previous action; caller holds the lock. */
        void uninstall() {
            if (!removed) {
                removed = true;
                HANDLERS.remove(name, this);
                sun.misc.Signal.handle(new sun.misc.Signal(name), previous);
            }
        }

        @Override
        public void loopClosed() {
            synchronized (HANDLERS) {
                uninstall();
            }
        }

        @Override
        public String toString() {
            return "signal handler for SIG" + name;
        }
    }
}
