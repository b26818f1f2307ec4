package io.jselectors.diff;

import io.jselectors.ErrnoException;
import io.jselectors.Fds;
import io.jselectors.ReadyEvent;
import io.jselectors.Selectable;
import io.jselectors.Selector;
import io.jselectors.SelectorKey;
import io.jselectors.internal.os.Fcntl;
import io.jselectors.internal.os.Sockets;
import io.jselectors.internal.os.Unistd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;

/** Runs a {@link Script} through one of our selectors, with results in the CPython driver's format. */
final class OurRunner implements AutoCloseable {
    /** What one script gave: a field per operation, and what the comparison needs to know about each. */
    record Outcome(List<String> fields, boolean[] afterStale, boolean[] afterLost, List<List<String>> closedRegistered) {}

    /** Opens the selector under test. */
    @FunctionalInterface
    interface Opener {
        Selector open() throws IOException;
    }

    /** A Selectable whose fileno() is -1 once its number was closed or given another file. */
    private static final class Obj implements Selectable {
        final int serial;
        int fd;

        Obj(int serial, int fd) {
            this.serial = serial;
            this.fd = fd;
        }

        @Override
        public int fileno() {
            return fd;
        }

        @Override
        public String toString() {
            return "o" + serial;
        }
    }

    private final Opener opener;
    private final int base;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment two = arena.allocate(ValueLayout.JAVA_INT, 2);
    private final MemorySegment bytes = arena.allocate(70_000);

    OurRunner(Opener opener, int base) throws IOException {
        this.opener = opener;
        this.base = base;
        for (int i = 0; i < 64; i++) {
            if (Fcntl.isOpen(base + i)) {
                throw new IllegalStateException("fd " + (base + i) + " is open: the script numbers need them free");
            }
        }
    }

    Outcome run(Script script) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> ops = script.ops();
        boolean[] afterStale = new boolean[ops.size()];
        boolean[] afterLost = new boolean[ops.size()];
        List<List<String>> closedRegistered = new ArrayList<>();
        Map<Integer, Obj> objs = new HashMap<>();
        int[] serial = {0};
        // The file behind each number, to know when a registration outlives its number (stale).
        int[] file = new int[Script.NUMBERS];
        Arrays.fill(file, -1);
        int[] nextFile = {0};
        boolean stale = false;
        boolean lost = false; // a registered number lost its file (closed, or given another one)
        Selector sel = opener.open();
        try {
            for (int k = 0; k < ops.size(); k++) {
                afterStale[k] = stale;
                afterLost[k] = lost;
                closedRegistered.add(List.of());
                String[] a = ops.get(k).split(" ");
                String c = a[0];
                try {
                    switch (c) {
                        case "P", "S" -> {
                            if (c.equals("P")) {
                                Unistd.pipe2(two, Unistd.O_NONBLOCK | Unistd.O_CLOEXEC);
                            } else {
                                Sockets.socketpair(Sockets.AF_UNIX,
                                        Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0, two);
                            }
                            int r = two.getAtIndex(ValueLayout.JAVA_INT, 0);
                            int w = two.getAtIndex(ValueLayout.JAVA_INT, 1);
                            for (int side = 0; side < 2; side++) {
                                int n = Integer.parseInt(a[1 + side]);
                                stale |= losesFile(sel, file, n);
                                lost |= isRegistered(sel, n);
                                Fds.dup2Unchecked(side == 0 ? r : w, fd(n));
                                Unistd.close(side == 0 ? r : w);
                                newObj(objs, serial, n);
                                file[n] = nextFile[0]++;
                            }
                            out.add("ok");
                        }
                        case "W" -> out.add(count(Unistd.write(fd(a[1]), bytes.asSlice(0, Integer.parseInt(a[2])))));
                        case "R" -> out.add(count(Unistd.read(fd(a[1]), bytes.asSlice(0, Integer.parseInt(a[2])))));
                        case "C" -> {
                            int n = Integer.parseInt(a[1]);
                            boolean loses = losesFile(sel, file, n);
                            lost |= isRegistered(sel, n);
                            Unistd.close(fd(n));
                            stale |= loses;
                            file[n] = -1;
                            Obj o = objs.get(n);
                            if (o != null) {
                                o.fd = -1;
                            }
                            out.add("ok");
                        }
                        case "D" -> {
                            int from = Integer.parseInt(a[1]);
                            int to = Integer.parseInt(a[2]);
                            boolean loses = from != to && losesFile(sel, file, to);
                            lost |= from != to && isRegistered(sel, to);
                            Fds.dup2Unchecked(fd(from), fd(to));
                            stale |= loses;
                            file[to] = file[from];
                            newObj(objs, serial, to);
                            out.add("ok");
                        }
                        case "RF", "RO" -> out.add("ok " + key(c.equals("RF")
                                ? sel.register(fd(a[1]), Integer.parseInt(a[2]), data(a[3]))
                                : sel.register(obj(objs, a[1]), Integer.parseInt(a[2]), data(a[3]))));
                        case "UF", "UO" -> out.add("ok " + key(c.equals("UF")
                                ? sel.unregister(fd(a[1]))
                                : sel.unregister(obj(objs, a[1]))));
                        case "MF", "MO" -> out.add("ok " + key(c.equals("MF")
                                ? sel.modify(fd(a[1]), Integer.parseInt(a[2]), data(a[3]))
                                : sel.modify(obj(objs, a[1]), Integer.parseInt(a[2]), data(a[3]))));
                        case "GF", "GO" -> out.add("ok " + key(c.equals("GF")
                                ? sel.getKey(fd(a[1]))
                                : sel.getKey(obj(objs, a[1]))));
                        case "M" -> {
                            TreeSet<String> keys = new TreeSet<>();
                            for (SelectorKey key : sel.getMap().values()) {
                                keys.add(key(key));
                            }
                            out.add("ok [" + String.join(",", keys) + "]");
                        }
                        case "T" -> {
                            closedRegistered.set(k, closedRegistered(sel));
                            TreeSet<String> ready = new TreeSet<>();
                            for (ReadyEvent e : sel.select(Duration.ofMillis(Integer.parseInt(a[1])))) {
                                ready.add(key(e.key()) + ":" + e.events());
                            }
                            out.add("ok [" + String.join(",", ready) + "]");
                        }
                        case "X" -> {
                            sel.close();
                            out.add("ok");
                        }
                        default -> throw new IllegalArgumentException("unknown operation " + c);
                    }
                } catch (IOException | RuntimeException e) {
                    out.add(error(e, c));
                }
            }
        } finally {
            sel.close();
            for (int i = 0; i < Script.NUMBERS; i++) {
                if (Fcntl.isOpen(fd(i))) {
                    Unistd.close(fd(i));
                }
            }
        }
        return new Outcome(out, afterStale, afterLost, closedRegistered);
    }

    /** Whether number n, about to lose its file, is registered while that file stays open under another number. */
    private boolean losesFile(Selector sel, int[] file, int n) {
        if (file[n] < 0) {
            return false;
        }
        boolean shared = false;
        for (int m = 0; m < file.length; m++) {
            shared |= m != n && file[m] == file[n];
        }
        return shared && isRegistered(sel, n);
    }

    private boolean isRegistered(Selector sel, int n) {
        try {
            return sel.getMap().containsKey(fd(n));
        } catch (ClosedSelectorException e) {
            return false;
        }
    }

    /** The keys whose fds are closed now: select must report them (the select-ebadf row). */
    private List<String> closedRegistered(Selector sel) throws IOException {
        List<String> closed = new ArrayList<>();
        try {
            for (SelectorKey key : sel.getMap().values()) {
                if (!Fcntl.isOpen(key.fd())) {
                    closed.add(key(key) + ":" + key.events());
                }
            }
        } catch (ClosedSelectorException e) {
            // the select will say so
        }
        return closed;
    }

    private int fd(String n) {
        return fd(Integer.parseInt(n));
    }

    private int fd(int n) {
        return base + n;
    }

    private void newObj(Map<Integer, Obj> objs, int[] serial, int n) {
        Obj old = objs.get(n);
        if (old != null) {
            old.fd = -1;
        }
        objs.put(n, new Obj(++serial[0], fd(n)));
    }

    private static Obj obj(Map<Integer, Obj> objs, String n) {
        Obj o = objs.get(Integer.parseInt(n));
        return o != null ? o : new Obj(0, -1); // never had a file: a closed object
    }

    private static Object data(String d) {
        return d.equals("-") ? null : Integer.valueOf(d);
    }

    private String key(SelectorKey k) {
        String fo = k.fileobj() instanceof Integer ? "i" : k.fileobj().toString();
        return fo + "|" + (k.fd() - base) + "|" + k.events() + "|" + (k.data() == null ? "-" : k.data());
    }

    private static String count(long n) {
        return n == Unistd.WOULD_BLOCK ? "err os:EAGAIN" : "ok " + n;
    }

    /** The error classes of the comparison: the same names the CPython driver prints. */
    static String error(Exception e, String op) {
        return switch (e) {
            case ClosedSelectorException c -> "err closed";
            case ErrnoException x -> "err os:" + x.errnoName();
            case NoSuchElementException x -> "err notreg";
            case IllegalArgumentException x when String.valueOf(x.getMessage()).contains("already registered")
                    && op.startsWith("R") -> "err already";
            case IllegalArgumentException x -> "err value";
            default -> "err java:" + e;
        };
    }

    @Override
    public void close() {
        arena.close();
    }
}
