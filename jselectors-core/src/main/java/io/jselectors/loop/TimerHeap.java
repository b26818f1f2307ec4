package io.jselectors.loop;

import java.util.Arrays;

/**
 * A binary min-heap of timers by deadline, used only by the loop thread. Each handle knows its index,
 * so a cancelled timer leaves the heap at once (O(log n)) instead of lingering until its deadline.
 */
final class TimerHeap {
    private TimerHandle[] heap = new TimerHandle[16];
    private int size;

    int size() {
        return size;
    }

    TimerHandle peek() {
        return size == 0 ? null : heap[0];
    }

    void add(TimerHandle h) {
        if (h.heapIndex >= 0) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = h;
        h.heapIndex = size;
        size++;
        up(size - 1);
    }

    TimerHandle poll() {
        if (size == 0) {
            return null;
        }
        TimerHandle top = heap[0];
        removeAt(0);
        return top;
    }

    /** Removes h if it is in the heap; does nothing otherwise. */
    void remove(TimerHandle h) {
        int i = h.heapIndex;
        if (i >= 0 && i < size && heap[i] == h) {
            removeAt(i);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void removeAt(int i) {
        TimerHandle gone = heap[i];
        gone.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        TimerHandle last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        if (!down(i)) {
            up(i);
        }
    }

    private void up(int i) {
        TimerHandle h = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            TimerHandle p = heap[parent];
            if (!h.before(p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = h;
        h.heapIndex = i;
    }

    /** @return true if the element moved */
    private boolean down(int i) {
        int start = i;
        TimerHandle h = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1].before(heap[child])) {
                child++;
            }
            if (!heap[child].before(h)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = h;
        h.heapIndex = i;
        return i != start;
    }
}
