package io.jselectors.loop;

/**
 * Where what a callback throws goes: the loop's {@link LoopExceptionHandler} (by default a log line),
 * after which the loop goes on. Only {@link VirtualMachineError}s other than {@link StackOverflowError}
 * pass through.
 */
final class LoopErrors {
    private static final System.Logger LOG = System.getLogger("io.jselectors.loop");

    private static final LoopExceptionHandler LOGGING_HANDLER = (context, error) ->
            LOG.log(System.Logger.Level.WARNING, "event loop: " + context + " threw; the loop goes on", error);

    private volatile LoopExceptionHandler handler = LOGGING_HANDLER;

    void setHandler(LoopExceptionHandler h) {
        handler = h == null ? LOGGING_HANDLER : h;
    }

    /** Runs a callback, reporting what it throws. */
    void run(Runnable r, String what) {
        try {
            r.run();
        } catch (Throwable t) {
            report(what, r, t);
        }
    }

    /** Hands what a callback threw to the exception handler; rethrows fatal VM errors. */
    void report(String what, Object where, Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
            throw vme;
        }
        String context = what + " " + where;
        try {
            handler.handle(context, t);
        } catch (Throwable t2) {
            if (t2 instanceof VirtualMachineError vme && !(t2 instanceof StackOverflowError)) {
                throw vme;
            }
            try {
                LOG.log(System.Logger.Level.ERROR, "event loop: the exception handler threw while handling " + context, t2);
            } catch (RuntimeException | LinkageError logFailure) {
                // Logging itself failed (out of descriptors, say): nothing more to do; the loop goes on.
            }
        }
    }

    /** Logs a failure that no callback caused (closing the selector, say). */
    static void warn(String message, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, message, t);
    }
}
