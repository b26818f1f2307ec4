package io.jselectors.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A random operation script for the differential test, and its text form, which both runners read
 * ({@link OurRunner} and the CPython driver {@code cpython_selectors.py}). Operations, one per
 * {@code ;}-separated field; {@code i}, {@code j} are script numbers (fd = base + number), {@code ev}
 * event masks (sometimes invalid), {@code d} data (a small int, or {@code -} for none):
 *
 * <pre>
 * P i j      pipe: read end at i, write end at j      S i j   socketpair at i and j
 * W i n      write n bytes to i                        R i n   read up to n bytes from i
 * C i        close i                                   D i j   dup2(i, j)
 * RF i ev d  register(fd i)    RO i ev d  register(the object at i)
 * UF i       unregister(fd i)  UO i       unregister(object)
 * MF i ev d  modify(fd i)      MO i ev d  modify(object)
 * GF i       getKey(fd i)      GO i       getKey(object)
 * M          getMap()          T ms       select(ms milliseconds; 0 does not block)
 * X          close the selector
 * </pre>
 *
 * Each P, S and D makes a new object for each number it fills; the object it replaces, and the object
 * of a closed number, answer fileno() -1 from then on.
 */
record Script(long seed, List<String> ops) {
    /** Script numbers 0 .. NUMBERS-1. */
    static final int NUMBERS = 10;

    /** @return the text both runners read */
    String text() {
        return String.join(";", ops);
    }

    /** @return this script without operation i (for shrinking) */
    Script without(int i) {
        List<String> shorter = new ArrayList<>(ops);
        shorter.remove(i);
        return new Script(seed, shorter);
    }

    /**
     * A random script, the same for the same seed. It keeps a rough model of which numbers are open
     * and registered, so that most operations are meaningful and some are wrong on purpose.
     */
    static Script generate(long seed) {
        Random r = new Random(seed);
        boolean[] open = new boolean[NUMBERS];
        boolean[] hasObject = new boolean[NUMBERS];
        boolean[] registered = new boolean[NUMBERS];
        List<String> ops = new ArrayList<>();
        int length = 5 + r.nextInt(40);
        while (ops.size() < length) {
            int i = r.nextInt(NUMBERS);
            int j = r.nextInt(NUMBERS);
            // Mostly numbers in use; sometimes any.
            int used = pick(r, open, i);
            int reg = pick(r, registered, used);
            String byWhat = r.nextInt(3) == 0 && hasObject[reg] ? "O" : "F";
            int roll = r.nextInt(100);
            if (roll < 12) {
                int a = closedNumber(r, open);
                if (a < 0) {
                    continue;
                }
                open[a] = true;
                int b = closedNumber(r, open);
                open[a] = false;
                if (b < 0) {
                    continue;
                }
                ops.add((r.nextBoolean() ? "P " : "S ") + a + " " + b);
                open[a] = open[b] = hasObject[a] = hasObject[b] = true;
            } else if (roll < 22) {
                ops.add("W " + used + " " + (1 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 100)));
            } else if (roll < 29) {
                ops.add("R " + used + " " + (1 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 100)));
            } else if (roll < 36) {
                ops.add("C " + used);
                open[used] = false;
            } else if (roll < 42) {
                int to = r.nextInt(4) == 0 ? j : closedNumber(r, open);
                if (to < 0) {
                    continue;
                }
                ops.add("D " + used + " " + to);
                if (open[used]) {
                    open[to] = hasObject[to] = true;
                }
            } else if (roll < 60) {
                int n = r.nextInt(4) == 0 ? i : used;
                if (byWhat.equals("O") && !hasObject[n]) {
                    byWhat = "F";
                }
                ops.add("R" + byWhat + " " + n + " " + events(r) + " " + data(r));
                registered[n] = true;
            } else if (roll < 68) {
                ops.add("U" + byWhat + " " + reg);
                registered[reg] = false;
            } else if (roll < 76) {
                ops.add("M" + byWhat + " " + reg + " " + events(r) + " " + data(r));
            } else if (roll < 80) {
                ops.add("G" + byWhat + " " + reg);
            } else if (roll < 83) {
                ops.add("M");
            } else if (roll < 99) {
                ops.add("T " + (r.nextInt(10) == 0 ? 1 : 0)); // a short wait now and then: waits make up most of the run time
            } else {
                ops.add("X");
            }
        }
        return new Script(seed, ops);
    }

    private static int pick(Random r, boolean[] in, int fallback) {
        if (r.nextInt(5) == 0) {
            return fallback;
        }
        int start = r.nextInt(in.length);
        for (int k = 0; k < in.length; k++) {
            int n = (start + k) % in.length;
            if (in[n]) {
                return n;
            }
        }
        return fallback;
    }

    private static int closedNumber(Random r, boolean[] open) {
        int start = r.nextInt(open.length);
        for (int k = 0; k < open.length; k++) {
            int n = (start + k) % open.length;
            if (!open[n]) {
                return n;
            }
        }
        return -1;
    }

    private static int events(Random r) {
        return r.nextInt(12) == 0 ? (r.nextBoolean() ? 0 : 4 + r.nextInt(3)) : 1 + r.nextInt(3);
    }

    private static String data(Random r) {
        int d = r.nextInt(4);
        return d == 0 ? "-" : Integer.toString(d);
    }
}
