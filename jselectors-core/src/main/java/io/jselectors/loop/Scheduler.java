package io.jselectors.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The scheduling half of an {@link EventLoop} (asyncio's {@code BaseEventLoop}, Netty's event loop): the
 * run/stop/close state, the task queue, the timers, and the rules for "now on the loop thread, or
 * handed over" ({@link #onLoop}, {@link #onLoopThread}, both through {@link #handOver}). It knows nothing of descriptors: each round it asks {@link LoopIo}
 * to wait for I/O at most until the next timer, in nanoseconds.
 */
final class Scheduler {
    private final LoopIo io;
    private final LoopErrors errors;
    private final TimerHeap timers = new TimerHeap();
    private final TaskQueue tasks = new TaskQueue();
    private final AtomicLong timerSequence = new AtomicLong();
    /** Timers scheduled and neither fired nor cancelled, wherever they are (heap or task queue). */
    private final AtomicInteger liveTimers = new AtomicInteger();
    private final Consumer<TimerHandle> addTimer = this::addTimer;
    private final Consumer<TimerHandle> removeTimer = timers::remove;

    private final Object stateLock = new Object();
    private volatile Thread thread;
    /** The loop may be blocked in the selector: a task from another thread must wake it. */
    private volatile boolean selecting;
    private volatile boolean stopRequested;
    private volatile boolean closed;
    private boolean closeRequested;
    private boolean closing;
    private boolean closeDone;
    private long iterations;

    private static final java.lang.invoke.VarHandle SELECTING;

    static {
        try {
            SELECTING = java.lang.invoke.MethodHandles.lookup().findVarHandle(Scheduler.class, "selecting", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Scheduler(LoopIo io, LoopErrors errors) {
        this.io = io;
        this.errors = errors;
    }

    // ---- running -------------------------------------------------------------------------------

    /**
     * Runs rounds on the calling thread until a stop. Calls {@code enter} once this thread owns the run,
     * {@code leave} as it ends; when a close was asked for meanwhile, calls {@code closer} after that (on
     * this thread).
     *
     * <p>With {@code until} not null, also ends once it is done (checked after each round; whoever
     * completes it from another thread must {@link #wakeup()} the loop).
     */
    void run(Runnable enter, Runnable leave, Runnable closer, Future<?> until) {
        synchronized (stateLock) {
            if (closed || closing) {
                throw new IllegalStateException("cannot run: the event loop is closed");
            }
            Thread t = thread;
            if (t != null) {
                throw new IllegalStateException("the event loop is already running on thread " + t.getName());
            }
            thread = Thread.currentThread();
        }
        try {
            enter.run();
            while (true) {
                runOnce();
                if (stopRequested) {
                    stopRequested = false;
                    break;
                }
                if (until != null && until.isDone()) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("event loop: the " + io.backend() + " selector failed", e);
        } finally {
            leave.run();
            boolean closeNow;
            synchronized (stateLock) {
                thread = null;
                closeNow = closeRequested && !closing;
                if (closeNow) {
                    closing = true;
                }
            }
            if (closeNow) {
                closeAndSignal(closer);
            }
        }
    }

    /**
     * One round: wait for I/O (not at all when tasks wait or a stop is asked, at most until the next
     * timer), dispatch it, run the due timers, then the tasks queued before this point. Reads the clock
     * only when there is a timer, and touches the wakeup flag only when it may block.
     */
    private void runOnce() throws IOException {
        iterations++;
        long timeout;
        if (stopRequested || tasks.pending() > 0) {
            timeout = 0;
        } else {
            timeout = timerWait();
        }
        if (timeout != 0) {
            selecting = true;
            // Dekker with handOver(): a task queued before this read is seen; one queued after sees selecting.
            if (tasks.pending() > 0) {
                timeout = 0;
            }
            try {
                io.poll(timeout);
            } finally {
                // A release store, not a volatile one: no fence on the loop's every round. A producer that
                // still sees true wakes the loop once more, which is harmless.
                SELECTING.setRelease(this, false);
            }
        } else {
            io.poll(0);
        }
        if (timers.size() != 0) {
            runDueTimers();
        }
        if (tasks.pending() != 0) {
            runTasks();
        }
    }

    /** @return nanoseconds to the next timer (at least 1 while it is not due, 0 once due), or {@link LoopIo#BLOCK} */
    private long timerWait() {
        TimerHandle next = timers.peek();
        if (next == null) {
            return LoopIo.BLOCK;
        }
        long wait = next.deadlineNanos() - System.nanoTime();
        return wait <= 0 ? 0 : wait;
    }

    private void runDueTimers() {
        long now = System.nanoTime();
        long lastSequence = timerSequence.get();
        TimerHandle h;
        while ((h = timers.peek()) != null && h.deadlineNanos() - now <= 0) {
            if (h.sequence() >= lastSequence) {
                break; // scheduled by a timer of this round: next round
            }
            timers.poll();
            RepeatingTimer repeat = h.repeat();
            if (repeat == null) {
                if (h.fire()) {
                    liveTimers.decrementAndGet();
                    errors.run(h.callback(), "timer callback");
                }
            } else if (repeat.run(h, errors)) {
                h.reschedule(repeat.next(h.deadlineNanos(), System.nanoTime()), timerSequence.getAndIncrement());
                timers.add(h);
            }
        }
    }

    private void runTasks() {
        int n = tasks.pending();
        for (int i = 0; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            errors.run(r, "task");
        }
    }

    void stop() {
        stopRequested = true;
        wakeup();
    }

    /** Makes the loop's wait return now, or its next wait return at once; nothing on the loop thread. */
    void wakeup() {
        if (thread != Thread.currentThread()) {
            io.wakeup();
        }
    }

    boolean isRunning() {
        return thread != null;
    }

    boolean isClosed() {
        return closed;
    }

    boolean inLoopThread() {
        return thread == Thread.currentThread();
    }

    long iterations() {
        return iterations;
    }

    // ---- the one hand-over rule ------------------------------------------------------------------

    /** @return true if the caller may touch loop state now: on the loop thread, or any thread while it does not run */
    boolean mayRunHere() {
        Thread t = thread;
        return t == null || t == Thread.currentThread();
    }

    /**
     * For the thread-safe methods ({@link EventLoop#schedule}, {@link TimerHandle#cancel()}): calls
     * {@code action.accept(arg)} now on the loop thread, else hands it over as a task, even while the loop
     * does not run (another thread may be starting it). Allocates only when it hands over.
     */
    <T> void onLoopThread(T arg, Consumer<? super T> action) {
        if (thread == Thread.currentThread()) {
            action.accept(arg);
        } else {
            handOver(() -> action.accept(arg));
        }
    }

    /**
     * Runs a task now if the caller may touch loop state ({@link #mayRunHere()}: the loop thread, or any
     * thread while it does not run), else hands it to the loop thread. After close a handed-over task is
     * dropped, or abandoned if it is a {@link StartTask}.
     */
    void onLoop(Runnable task) {
        Thread t = thread;
        if (t == Thread.currentThread()) {
            task.run();
            return;
        }
        if (t == null) {
            // Not running: run it here, holding the state lock, so that a run() starting on another thread
            // meanwhile waits for it instead of selecting while this thread changes the selector.
            synchronized (stateLock) {
                if (thread == null) {
                    task.run();
                    return;
                }
            }
        }
        handOver(task);
    }

    /**
     * Queues a task for the loop thread and wakes the loop if it may be waiting; after close drops it
     * (running a {@link StartTask}'s abandon step, so what it would have opened is closed).
     */
    void handOver(Runnable task) {
        if (closed) {
            abandon(task);
            return;
        }
        tasks.offer(task);
        if (selecting && thread != Thread.currentThread()) {
            io.wakeup();
        }
    }

    /** Queues a task as {@link EventLoop#execute}: refused after close. */
    void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the event loop is closed; the task was not run");
        }
        handOver(task);
    }

    /**
     * Throws unless the caller may touch loop-thread state: on the loop thread while it runs, or any
     * one thread while it does not.
     */
    void checkLoopThread() {
        if (closed) {
            throw new IllegalStateException("the event loop is closed");
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            throw new IllegalStateException("called from thread " + Thread.currentThread().getName()
                    + " while the loop runs on " + t.getName() + ": hand the work to loop.execute(...)");
        }
    }

    // ---- timers --------------------------------------------------------------------------------

    /** @param repeat null for a one-shot timer */
    TimerHandle schedule(long delayNanos, Runnable callback, EventLoop owner, RepeatingTimer repeat) {
        if (closed) {
            throw new RejectedExecutionException("the event loop is closed; the timer was not scheduled");
        }
        TimerHandle h = new TimerHandle(owner, System.nanoTime() + delayNanos, timerSequence.getAndIncrement(),
                callback, repeat);
        liveTimers.incrementAndGet();
        onLoopThread(h, addTimer);
        return h;
    }

    private void addTimer(TimerHandle h) {
        if (!h.isCancelled()) {
            timers.add(h);
        }
    }

    void timerCancelled(TimerHandle h) {
        liveTimers.decrementAndGet();
        if (!closed) {
            onLoopThread(h, removeTimer);
        }
    }

    /** @return timers scheduled and neither fired nor cancelled; 0 after close */
    int pendingTimers() {
        return closed ? 0 : liveTimers.get();
    }

    // ---- closing -------------------------------------------------------------------------------

    /**
     * Asks for a close (see {@link EventLoop#close()}): on the loop thread it stops the loop and the close
     * happens as {@link #run} returns; from another thread while the loop runs it stops it and waits; with
     * the loop not running it calls {@code closer} here.
     */
    void close(Runnable closer) {
        boolean interrupted = false;
        synchronized (stateLock) {
            if (closeDone) {
                return;
            }
            closeRequested = true;
            Thread t = thread;
            if (t == Thread.currentThread()) {
                stop();
                return;
            }
            if (t != null || closing) {
                if (t != null) {
                    stop();
                }
                while (!closeDone) {
                    try {
                        stateLock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            closing = true;
        }
        closeAndSignal(closer);
    }

    private void closeAndSignal(Runnable closer) {
        closed = true;
        try {
            closer.run();
        } finally {
            synchronized (stateLock) {
                closeDone = true;
                stateLock.notifyAll();
            }
        }
    }

    /** Close step: drops timers and queued tasks without running them (abandoning start tasks). */
    void dropPending() {
        timers.clear();
        tasks.clear(this::abandon);
    }

    private void abandon(Runnable task) {
        if (task instanceof StartTask st) {
            errors.run(st.abandon(), "abandoning"); // close what it would have started
        }
    }
}
