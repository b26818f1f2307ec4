package io.jselectors.diff;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * THE table of every place where the differential test does not expect CPython's answer, with the
 * reason. Nothing else in the comparison is loose: any other difference is a failure. Rows the CPython
 * driver acts on (it adapts CPython before comparing, so that both sides stay in the same state) carry
 * the same id there; the others are applied in {@link #compare}.
 */
enum Divergences {
    CLOSED_FD_REGISTER(
            "closed-fd-register",
            "poll, select",
            "register() of a closed fd is accepted; poll then reports it ready, select fails every later"
                    + " select with EBADF",
            "ErrnoException EBADF, as epoll and kqueue",
            "contract row 'a closed fd registered on poll or select: the same answer whatever was registered"
                    + " before' (issue 10, finding 7: select(2) ignores a closed fd above the process's fd table)."
                    + " The driver raises EBADF (os.fstat) before CPython's register"),
    AFTER_CLOSE(
            "after-close",
            "all",
            "after close(): get_map() is None and get_key raises RuntimeError, but register/modify/select of"
                    + " poll and select keep working on an empty table, and epoll raises ValueError",
            "ClosedSelectorException from every method but close(), wakeup() and backend()",
            "contract row 'any method but close(), wakeup() and backend() after close()'. The driver answers"
                    + " 'closed' for every selector operation after close; ours must throw ClosedSelectorException"),
    MODIFY_EVENTS(
            "modify-events",
            "all",
            "modify() does not check events: 0 or bits outside READ|WRITE are stored in the key (select:"
                    + " the key is dropped, then ValueError from register)",
            "IllegalArgumentException; the key is unchanged",
            "contract row 'events is 0, or has bits outside READ|WRITE'. The driver raises ValueError first"),
    SELECT_MODIFY(
            "select-modify",
            "select",
            "SelectSelector.modify() of new events unregisters and registers again with the object given to"
                    + " modify(): the key's fileobj becomes that object (an int, or another Selectable of the same"
                    + " fd), and a closed Selectable (found by identity) is dropped with ValueError. CPython's poll"
                    + " and epoll replace the key instead",
            "the key keeps the fileobj it was registered with, and a closed Selectable is modified like an"
                    + " open one, on every backend",
            "SelectorKey: 'fileobj is the Integer fd when registered by fd, else the Selectable'; CPython's own"
                    + " poll and epoll agree. Where the answers would differ, the driver modifies the select"
                    + " selector's key as CPython's poll and epoll do"),
    SELECT_EBADF(
            "select-ebadf",
            "select",
            "a registered fd closed since makes every select() raise OSError(EBADF) until it is unregistered",
            "the closed fd is reported ready for every event it registered (as poll's POLLNVAL), with the"
                    + " other ready files",
            "contract row 'error or hang-up on a file: reported as ready for the events that file registered'."
                    + " Compared: our select must report each closed registered fd with all its events"),
    STALE_EPOLL(
            "stale-epoll",
            "epoll",
            "a registration the kernel keeps after its fd was closed (a dup of the file lives) has its events"
                    + " credited to whichever key holds the number, and asks epoll_wait for only len(map) events,"
                    + " so stale entries can crowd live files out",
            "stale events reach nobody (generation tokens) and one select returns every live ready file",
            "contract row 'stale kernel registrations: one select still returns every ready registered file'"
                    + " (issue 10, finding 6). Compared: once a script makes a stale registration, each later"
                    + " select is checked only for our invariants (registered keys, events within the key's, no"
                    + " key twice), since CPython's answer is the quirk"),
    KQUEUE_NUMBERS(
            "kqueue-numbers",
            "kqueue (against CPython's epoll)",
            "epoll registers an open file: once a registered number is closed or given another file, the"
                    + " registration follows the old file (gone, or stale), and modify() answers ENOENT/EBADF",
            "kqueue registers the number: closing it drops the registration (BSD), and modify() adds to"
                    + " whatever file the number names now; libkqueue adds its own differences"
                    + " (shared/build-notes.md: EV_DELETE of an fd closed elsewhere succeeds and it stays"
                    + " registered, and more)",
            "the kernels disagree there, and neither is CPython's choice. Compared: once a script takes the"
                    + " file from under a registered number, later selects are checked only for our invariants"
                    + " and other selector operations are not compared; scripts that never do are compared in full"),
    LIBKQUEUE_SO_ERROR(
            "libkqueue-so-error",
            "kqueue through libkqueue (against CPython's epoll)",
            "a socket whose peer closed with unread data answers the next read with ECONNRESET, then end of file",
            "once libkqueue has reported such a socket ready, the read gives end of file at once: libkqueue"
                    + " appears to take the socket's pending error (SO_ERROR) to report it (seen here, 2026-12-02)",
            "a side effect of the user-space kqueue, not of our code (BSD's kqueue reads no SO_ERROR). Compared: on"
                    + " kqueue, a read answering end of file where CPython saw ECONNRESET");

    final String id;
    final String backends;
    final String cpython;
    final String ours;
    final String reason;

    Divergences(String id, String backends, String cpython, String ours, String reason) {
        this.id = id;
        this.backends = backends;
        this.cpython = cpython;
        this.ours = ours;
        this.reason = reason;
    }

    /** @return the ids the CPython driver acts on */
    static List<String> driverRows() {
        return List.of(CLOSED_FD_REGISTER.id, AFTER_CLOSE.id, MODIFY_EVENTS.id, SELECT_MODIFY.id, SELECT_EBADF.id);
    }

    /** @return the row with this id */
    static Divergences byId(String id) {
        for (Divergences d : values()) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no divergence row " + id);
    }

    /** A difference no row explains. */
    record Mismatch(int op, String operation, String ours, String cpython) {
        @Override
        public String toString() {
            return "operation " + op + " (" + operation + "): ours " + ours + ", CPython " + cpython;
        }
    }

    /**
     * Compares one script's results.
     *
     * @param staleRows  whether {@link #STALE_EPOLL} applies to this backend
     * @param numberRows whether {@link #KQUEUE_NUMBERS} and {@link #LIBKQUEUE_SO_ERROR} apply (kqueue)
     * @param applied   collects the ids of the rows that explained a difference (CPython's and ours)
     * @return the first difference no row explains, or null
     */
    static Mismatch compare(Script script, OurRunner.Outcome ours, List<String> cpython, boolean staleRows,
            boolean numberRows, List<String> applied) {
        List<String> ops = script.ops();
        if (cpython.size() != ops.size() + 1) {
            return new Mismatch(-1, "the whole script", ours.fields().size() + " fields", cpython.size() - 1 + " fields: " + cpython);
        }
        String fired = cpython.get(ops.size()).substring(1);
        if (!fired.isEmpty()) {
            applied.addAll(List.of(fired.split(",")));
        }
        for (int k = 0; k < ops.size(); k++) {
            String o = ours.fields().get(k);
            String c = cpython.get(k);
            if (o.equals(c)) {
                continue;
            }
            String op = ops.get(k);
            if (c.equals("ebadf") && selectReportsEvery(o, ours.closedRegistered().get(k))) {
                continue; // SELECT_EBADF, counted by the driver
            }
            if (staleRows && ours.afterStale()[k] && op.startsWith("T ") && c.startsWith("ok [")
                    && selectInvariantsHold(o)) {
                applied.add(STALE_EPOLL.id);
                continue;
            }
            if (numberRows && op.startsWith("R ") && o.equals("ok 0") && c.equals("err os:ECONNRESET")) {
                applied.add(LIBKQUEUE_SO_ERROR.id);
                continue;
            }
            if (numberRows && ours.afterLost()[k] && isSelectorOperation(op)
                    && (!op.startsWith("T ") || selectInvariantsHold(o))) {
                applied.add(KQUEUE_NUMBERS.id);
                continue;
            }
            return new Mismatch(k, op, o, c);
        }
        return null;
    }

    /** @return whether op acts on the selector (not a pipe, socketpair, read, write, close or dup2) */
    private static boolean isSelectorOperation(String op) {
        return !(op.startsWith("P ") || op.startsWith("S ") || op.startsWith("W ") || op.startsWith("R ")
                || op.startsWith("C ") || op.startsWith("D "));
    }

    private static boolean selectReportsEvery(String ours, List<String> closedKeys) {
        return ours.startsWith("ok [") && entries(ours).containsAll(closedKeys);
    }

    /** Every entry "fileobj|fd|events|data:ready" has ready events within the key's, and no fd comes twice. */
    private static boolean selectInvariantsHold(String ours) {
        if (!ours.startsWith("ok [")) {
            return false;
        }
        Set<String> fds = new HashSet<>();
        for (String e : entries(ours)) {
            String[] keyAndReady = e.split(":");
            String[] key = keyAndReady[0].split("\\|");
            int events = Integer.parseInt(key[2]);
            int ready = Integer.parseInt(keyAndReady[1]);
            if (ready == 0 || (ready & ~events) != 0 || !fds.add(key[1])) {
                return false;
            }
        }
        return true;
    }

    private static List<String> entries(String selectResult) {
        String inner = selectResult.substring("ok [".length(), selectResult.length() - 1);
        return inner.isEmpty() ? List.of() : new ArrayList<>(List.of(inner.split(",")));
    }

    /** @return the table, for the test's report */
    static String table() {
        StringBuilder b = new StringBuilder("Differences from CPython's selectors, by design:\n");
        for (Divergences d : values()) {
            b.append(" - ").append(d.id).append(" [").append(d.backends).append("]\n")
                    .append("     CPython: ").append(d.cpython).append('\n')
                    .append("     ours:    ").append(d.ours).append('\n')
                    .append("     why:     ").append(d.reason).append('\n');
        }
        return b.toString();
    }
}
