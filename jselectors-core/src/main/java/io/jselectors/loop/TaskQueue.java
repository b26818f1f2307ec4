package io.jselectors.loop;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loop's queue of tasks from {@link EventLoop#execute(Runnable)}: many producers, one consumer
 * (the loop thread). The count lets the loop run only the tasks queued before a round starts, so a
 * task that queues another cannot starve I/O.
 */
final class TaskQueue {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();

    void offer(Runnable task) {
        queue.offer(task);
        count.incrementAndGet();
    }

    /** @return how many tasks are queued now (a lower bound while producers race) */
    int pending() {
        return count.get();
    }

    /** Consumer only: the next task, or null. */
    Runnable poll() {
        Runnable r = queue.poll();
        if (r != null) {
            count.decrementAndGet();
        }
        return r;
    }

    /** Consumer only: removes every queued task, handing each to {@code dropped}. */
    void clear(java.util.function.Consumer<Runnable> dropped) {
        Runnable r;
        while ((r = poll()) != null) {
            dropped.accept(r);
        }
    }
}
