package io.jselectors;

import static io.jselectors.Selector.EVENT_READ;
import static io.jselectors.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector contract ({@code shared/selectors-api.md}) and CPython's {@code Lib/test/test_selectors.py}
 * (BaseSelectorTestCase), run once per backend by the subclasses. Each test is named for what it checks;
 * the CPython test it ports, if any, is named in its comment.
 */
abstract class AbstractSelectorTest {
    /** Generous slack for the upper bound of timing assertions: the CI machine has 2 loaded cores. */
    static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    Selector sel;
    Fds fds;
    private int fdsBefore;

    /** @return a new selector of the backend under test */
    abstract Selector openSelector() throws IOException;

    /** @return the name {@link Selector#backend()} must report */
    abstract String backendName();

    /** @return whether register() asks the OS, so a closed or invalid fd is refused (epoll, kqueue) */
    abstract boolean checksFdAtRegister();

    /** @return whether a hang-up is reported for every registered event (select(2) reports only "readable") */
    boolean hangupReportsEveryRegisteredEvent() {
        return true;
    }

    /** Aborts the test, with the reason printed, where this machine lacks the backend; by default it has it. */
    void assumeAvailable() {}

    @BeforeEach
    final void openSelectorAndCountFds() throws IOException {
        assumeAvailable();
        fdsBefore = Fds.openCount();
        fds = new Fds();
        sel = openSelector();
    }

    @AfterEach
    final void closeAndCheckForLeaks() throws IOException {
        if (sel == null) {
            return; // skipped: nothing was opened
        }
        sel.close();
        fds.close();
        assertThat(Fds.openCount()).as("open descriptors after the test (leak check)").isEqualTo(fdsBefore);
    }

    // ---- CPython BaseSelectorTestCase --------------------------------------------------------

    /** test_register. */
    @Test
    void registerReturnsTheKeyAndRefusesBadArgumentsAndDuplicates() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");

        SelectorKey key = sel.register(rd, EVENT_READ, "data");
        assertThat(key.fileobj()).isSameAs(rd);
        assertThat(key.fd()).isEqualTo(sp[0]);
        assertThat(key.events()).isEqualTo(EVENT_READ);
        assertThat(key.data()).isEqualTo("data");

        assertThatThrownBy(() -> sel.register(0, 999999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.register(-10, EVENT_READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.register(rd, EVENT_READ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        // the same fd, as another object
        assertThatThrownBy(() -> sel.register(sp[0], EVENT_READ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> sel.register(fds.handle(sp[0], "other"), EVENT_WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThat(sel.getKey(rd)).isSameAs(key);

        SelectorKey byFd = sel.register(sp[1], EVENT_WRITE);
        assertThat(byFd.fileobj()).isEqualTo(sp[1]);
        assertThat(byFd.data()).isNull();
        assertThat(sel.getMap()).hasSize(2);
    }

    /** test_unregister. */
    @Test
    void unregisterReturnsTheKeyAndRefusesUnknownFiles() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");
        SelectorKey key = sel.register(rd, EVENT_READ);
        assertThat(sel.unregister(rd)).isSameAs(key);

        assertThatThrownBy(() -> sel.unregister(999999))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> sel.unregister(rd))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThat(sel.getMap()).isEmpty();
    }

    /** test_unregister_after_fd_close. */
    @Test
    void unregisterAfterTheFdWasClosed() throws IOException {
        int[] sp = fds.socketpair();
        SelectorKey rk = sel.register(sp[0], EVENT_READ);
        SelectorKey wk = sel.register(sp[1], EVENT_WRITE);
        fds.close(sp[0]);
        fds.close(sp[1]);
        assertThat(sel.unregister(sp[0])).isSameAs(rk);
        assertThat(sel.unregister(sp[1])).isSameAs(wk);
        assertThat(sel.getMap()).isEmpty();
        assertThat(sel.select(Duration.ZERO)).isEmpty();
    }

    /** test_unregister_after_fd_close_and_reuse; then the number is registered again for the new file. */
    @Test
    void unregisterAfterTheFdWasClosedAndItsNumberReused() throws IOException {
        int[] sp = fds.socketpair();
        int r = sp[0], w = sp[1];
        SelectorKey rk = sel.register(r, EVENT_READ, "old r");
        SelectorKey wk = sel.register(w, EVENT_WRITE, "old w");
        int[] sp2 = fds.socketpair();
        fds.close(r);
        fds.close(w);
        fds.dup2(sp2[0], r);
        fds.dup2(sp2[1], w);

        // Still the old keys: the selector cannot know the numbers now name other files.
        assertThatThrownBy(() -> sel.register(r, EVENT_READ)).hasMessageContaining("already registered");
        assertThat(sel.unregister(r)).isSameAs(rk);
        assertThat(sel.unregister(w)).isSameAs(wk);

        // The numbers work again, for the new files.
        sel.register(r, EVENT_READ, "new r");
        assertThat(sel.select(Duration.ZERO)).isEmpty();
        fds.write(sp2[1], "x"); // the peer of the file now at r
        List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
        assertThat(ready).extracting(e -> e.key().data()).containsExactly("new r");
        assertThat(ready.get(0).events()).isEqualTo(EVENT_READ);
    }

    /** test_unregister_after_socket_close: a closed Selectable is found by identity. */
    @Test
    void unregisterAfterTheSelectableWasClosed() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");
        Fds.Handle wr = fds.handle(sp[1], "wr");
        SelectorKey rk = sel.register(rd, EVENT_READ);
        SelectorKey wk = sel.register(wr, EVENT_WRITE);
        rd.close();
        wr.close();
        assertThat(rd.fileno()).isEqualTo(-1);
        assertThat(sel.unregister(rd)).isSameAs(rk);
        assertThat(sel.unregister(wr)).isSameAs(wk);
        assertThat(sel.getMap()).isEmpty();
    }

    /** test_modify. */
    @Test
    void modifyChangesEventsOrData() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");

        SelectorKey key = sel.register(rd, EVENT_READ);
        SelectorKey key2 = sel.modify(rd, EVENT_WRITE, null);
        assertThat(key2.events()).isEqualTo(EVENT_WRITE).isNotEqualTo(key.events());
        assertThat(key2.fileobj()).isSameAs(rd);
        assertThat(sel.getKey(rd)).isEqualTo(key2);
        // and the OS was told: a socket with room to write is now reported writable
        assertThat(sel.select(Duration.ofSeconds(5)))
                .singleElement()
                .satisfies(e -> assertThat(e.events()).isEqualTo(EVENT_WRITE));
        sel.unregister(rd);

        Object d1 = new Object(), d2 = new Object();
        key = sel.register(rd, EVENT_READ, d1);
        key2 = sel.modify(rd, EVENT_READ, d2);
        assertThat(key2.events()).isEqualTo(key.events());
        assertThat(key2.data()).isSameAs(d2);
        assertThat(sel.getKey(rd)).isEqualTo(key2);
        assertThat(sel.getMap().get(sp[0])).isSameAs(key2);

        assertThatThrownBy(() -> sel.modify(999999, EVENT_READ, null))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
    }

    /**
     * Contract: "modify with the same events and other data: no system call; returns the new key".
     * Proof without mocks: the fd is closed first, so a system call on it would fail with EBADF.
     */
    @Test
    void modifyOfDataOnlyMakesNoSystemCall() throws IOException {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ, "before");
        fds.close(p[0]);
        SelectorKey key = sel.modify(p[0], EVENT_READ, "after");
        assertThat(key.data()).isEqualTo("after");
        assertThat(key.events()).isEqualTo(EVENT_READ);
        assertThat(sel.getKey(p[0])).isSameAs(key);
        assertThat(sel.unregister(p[0])).isSameAs(key);
    }

    /**
     * test_modify_unregister (bpo-30014): when the OS refuses a modify, the key is unregistered and the
     * error raised. A closed fd makes epoll_ctl(MOD) really fail; poll and select make no call to fail.
     */
    @Test
    void modifyRefusedByTheOsUnregistersTheKey() throws IOException {
        assumeTrue(checksFdAtRegister(), backendName() + " makes no system call in modify(), so it cannot fail there");
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        fds.close(p[0]);
        assertThatThrownBy(() -> sel.modify(p[0], EVENT_WRITE, null))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
        assertThat(sel.getMap()).isEmpty();
        assertThatThrownBy(() -> sel.getKey(p[0])).isInstanceOf(NoSuchElementException.class);
    }

    /** test_close: a map view taken before close is empty after it; getKey throws. */
    @Test
    void closeForgetsEveryKey() throws IOException {
        Map<Integer, SelectorKey> map = sel.getMap();
        int[] sp = fds.socketpair();
        sel.register(sp[0], EVENT_READ);
        sel.register(sp[1], EVENT_WRITE);
        assertThat(map).hasSize(2);

        sel.close();
        assertThatThrownBy(() -> sel.getKey(sp[0])).isInstanceOf(ClosedSelectorException.class);
        assertThatThrownBy(() -> sel.getKey(sp[1])).isInstanceOf(ClosedSelectorException.class);
        assertThat(map).isEmpty();
        assertThat(map.get(sp[0])).isNull();
        assertThat(map.containsKey(sp[1])).isFalse();
        assertThat(map.keySet()).isEmpty();
    }

    /** test_get_key. */
    @Test
    void getKeyFindsRegisteredFiles() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");
        SelectorKey key = sel.register(rd, EVENT_READ, "data");
        assertThat(sel.getKey(rd)).isSameAs(key);
        assertThat(sel.getKey(sp[0])).isSameAs(key);
        assertThatThrownBy(() -> sel.getKey(999999))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> sel.getKey(sp[1]))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
    }

    /** test_get_map: a live, read-only fd -> key view. */
    @Test
    void getMapIsALiveReadOnlyView() throws IOException {
        int[] sp = fds.socketpair();
        Fds.Handle rd = fds.handle(sp[0], "rd");
        Map<Integer, SelectorKey> keys = sel.getMap();
        assertThat(keys).isEmpty();
        assertThat(keys.keySet()).isEmpty();

        SelectorKey key = sel.register(rd, EVENT_READ, "data");
        assertThat(keys).containsKey(sp[0]).hasSize(1);
        assertThat(keys.get(sp[0])).isSameAs(key);
        assertThat(keys.keySet()).containsExactly(sp[0]);
        assertThat(keys.values()).containsExactly(key);
        assertThat(keys.get(999999)).isNull();
        assertThat(keys.get(-1)).isNull();
        assertThat(keys.get("not an fd")).isNull();

        assertThatThrownBy(() -> keys.remove(sp[0])).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> keys.put(sp[1], key)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(keys::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> keys.keySet().remove(sp[0])).isInstanceOf(UnsupportedOperationException.class);
        assertThat(keys).hasSize(1);

        SelectorKey wk = sel.register(sp[1], EVENT_WRITE);
        assertThat(keys.keySet()).containsExactlyInAnyOrder(sp[0], sp[1]);
        sel.unregister(rd);
        assertThat(keys).containsOnlyKeys(sp[1]).containsValue(wk);
    }

    /** test_select. */
    @Test
    void selectReportsOnlyReadyFiles() throws IOException {
        int[] sp = fds.socketpair();
        sel.register(sp[0], EVENT_READ);
        SelectorKey wk = sel.register(sp[1], EVENT_WRITE);
        List<ReadyEvent> result = sel.select();
        assertThat(result).containsExactly(new ReadyEvent(wk, EVENT_WRITE));
    }

    /** test_select_read_write, stricter as the contract asks: one event carrying both bits. */
    @Test
    void readAndWriteReadyOnOneFileComeAsOneEvent() throws IOException {
        int[] sp = fds.socketpair();
        fds.write(sp[1], "foo");
        SelectorKey key = sel.register(sp[0], EVENT_READ | EVENT_WRITE);
        List<ReadyEvent> result = sel.select(Duration.ofSeconds(5));
        assertThat(result).containsExactly(new ReadyEvent(key, EVENT_READ | EVENT_WRITE));
    }

    /** Only the registered events are reported, even when more are ready. */
    @Test
    void readyEventsAreMaskedByTheKeysEvents() throws IOException {
        int[] sp = fds.socketpair();
        fds.write(sp[1], "foo"); // sp[0] is readable and writable
        SelectorKey key = sel.register(sp[0], EVENT_READ);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_READ));
        key = sel.modify(sp[0], EVENT_WRITE, null);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_WRITE));
    }

    /** test_context_manager. */
    @Test
    void tryWithResourcesClosesTheSelector() throws IOException {
        int[] sp = fds.socketpair();
        Selector s = openSelector();
        try (s) {
            s.register(sp[0], EVENT_READ);
            s.register(sp[1], EVENT_WRITE);
        }
        assertThatThrownBy(() -> s.getKey(sp[0])).isInstanceOf(ClosedSelectorException.class);
        assertThatThrownBy(() -> s.getKey(sp[1])).isInstanceOf(ClosedSelectorException.class);
    }

    /** test_selector: 12 socketpairs, writers picked at random, each message read on its reader. */
    @Test
    void manySocketPairsPingEachOther() throws IOException {
        final int numSockets = 12;
        final String msg = " This is a test.";
        Map<Integer, Integer> r2w = new HashMap<>(), w2r = new HashMap<>();
        List<Integer> writers = new ArrayList<>();
        for (int i = 0; i < numSockets; i++) {
            int[] sp = fds.socketpair();
            sel.register(sp[0], EVENT_READ);
            sel.register(sp[1], EVENT_WRITE);
            r2w.put(sp[0], sp[1]);
            w2r.put(sp[1], sp[0]);
            writers.add(sp[1]);
        }
        Random random = new Random(42);
        List<String> bufs = new ArrayList<>();
        while (!writers.isEmpty()) {
            List<Integer> readyWriters = matching(sel.select(), EVENT_WRITE);
            assertThat(readyWriters).as("sockets ready for writing").isNotEmpty();
            int wr = readyWriters.get(random.nextInt(readyWriters.size()));
            fds.write(wr, msg);

            List<Integer> readyReaders = matching(sel.select(), EVENT_READ);
            assertThat(readyReaders).containsExactly(w2r.get(wr));
            int rd = readyReaders.get(0);
            String buf = fds.read(rd, msg.length());
            bufs.add(buf);
            sel.unregister(r2w.get(rd));
            sel.unregister(rd);
            writers.remove(r2w.get(rd));
        }
        assertThat(bufs).containsExactlyElementsOf(java.util.Collections.nCopies(numSockets, msg));
    }

    /** test_empty_select (bpo-23009). */
    @Test
    void selectWithNothingRegistered() throws IOException {
        assertThat(sel.select(Duration.ZERO)).isEmpty();
        assertThat(sel.select(Duration.ofNanos(-1))).isEmpty();
        assertThat(sel.select(Duration.ZERO, (k, e) -> fail("nothing is registered"))).isZero();
    }

    /** test_empty_select_timeout (bpo-23009, bpo-29255; KqueueSelectorTestCase, valid for all). */
    @Test
    void selectWithNothingRegisteredStillWaitsForTheTimeout() throws IOException {
        Duration timeout = Duration.ofMillis(300);
        long t0 = System.nanoTime();
        assertThat(sel.select(timeout)).isEmpty();
        assertElapsedAtLeast(t0, timeout);
    }

    /** test_timeout: zero and negative timeouts do not block; a positive one waits it out. */
    @Test
    void timeoutZeroNegativeAndPositive() throws IOException {
        int[] sp = fds.socketpair();
        sel.register(sp[1], EVENT_WRITE);
        long t = System.nanoTime();
        assertThat(sel.select(Duration.ZERO)).hasSize(1);
        assertThat(sel.select(Duration.ofSeconds(-1))).hasSize(1);
        assertThat(System.nanoTime() - t).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));

        sel.unregister(sp[1]);
        sel.register(sp[0], EVENT_READ);
        t = System.nanoTime();
        assertThat(sel.select(Duration.ZERO)).isEmpty();
        assertThat(sel.select(Duration.ofSeconds(-1))).isEmpty();
        assertThat(System.nanoTime() - t).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));

        Duration timeout = Duration.ofMillis(500);
        long t0 = System.nanoTime();
        assertThat(sel.select(timeout)).isEmpty();
        assertElapsedAtLeast(t0, timeout);
    }

    /** test_register_bad_fd (KqueueSelectorTestCase; the contract asks it of epoll too). */
    @Test
    void registerOfAClosedFd() throws IOException {
        int[] p = fds.pipe();
        fds.close(p[1]);
        int bad = p[1];
        if (checksFdAtRegister()) {
            assertThatThrownBy(() -> sel.register(bad, EVENT_READ))
                    .isInstanceOfSatisfying(ErrnoException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EBADF");
                        assertThat(e.getMessage()).contains("fd=" + bad).contains("EBADF");
                    });
            assertThatThrownBy(() -> sel.getKey(bad)).isInstanceOf(NoSuchElementException.class);
            assertThat(sel.getMap()).isEmpty();
        } else {
            // poll and select accept it, and report it ready (POLLNVAL) for the events it registered.
            SelectorKey key = sel.register(bad, EVENT_READ | EVENT_WRITE);
            assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_READ | EVENT_WRITE));
            assertThat(sel.unregister(bad)).isSameAs(key);
            assertThat(sel.select(Duration.ZERO)).isEmpty();
        }
    }

    // ---- the contract's behaviour table --------------------------------------------------------

    /**
     * A huge number that cannot be an open fd is refused before any table grows to its size: no
     * OutOfMemoryError, no index overflow, no key left behind.
     */
    @Test
    void aHugeInvalidFdIsRefusedWithoutGrowingTables() throws IOException {
        for (int bad : new int[] {Integer.MAX_VALUE, 1 << 30, 1 << 28, 5_000_000}) {
            assertThatThrownBy(() -> sel.register(bad, EVENT_READ))
                    .as("register(%d)", bad)
                    .isInstanceOfAny(ErrnoException.class, IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.getKey(bad)).isInstanceOf(NoSuchElementException.class);
        }
        assertThat(sel.getMap()).isEmpty();
        int[] p = fds.pipe();
        SelectorKey key = sel.register(p[1], EVENT_WRITE);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_WRITE));
    }


    @Test
    void eventsMustBeANonEmptyMaskOfReadAndWrite() throws IOException {
        int[] p = fds.pipe();
        for (int bad : new int[] {0, 4, 8, -1, EVENT_READ | 4, 999999, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> sel.register(p[0], bad))
                    .as("register events %d", bad)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.register(fds.handle(p[0], "h"), bad, null))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(sel.getMap()).isEmpty();
        SelectorKey key = sel.register(p[0], EVENT_READ);
        for (int bad : new int[] {0, 4, -1, 3 | 16}) {
            assertThatThrownBy(() -> sel.modify(p[0], bad, null))
                    .as("modify events %d", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(sel.getKey(p[0])).isSameAs(key);
    }

    @Test
    void negativeFdsAreRefused() {
        for (int bad : new int[] {-1, -10, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> sel.register(bad, EVENT_READ)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.register(bad, EVENT_READ, "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.unregister(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.modify(bad, EVENT_READ, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sel.getKey(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aClosedSelectableIsLookedUpByIdentity() throws IOException {
        int[] p = fds.pipe();
        Fds.Handle rd = fds.handle(p[0], "rd");
        Fds.Handle stranger = fds.handle(p[1], "stranger");
        SelectorKey key = sel.register(rd, EVENT_READ, "d");
        rd.close();
        stranger.close();

        assertThat(sel.getKey(rd)).isSameAs(key);
        assertThatThrownBy(() -> sel.register(rd, EVENT_READ))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        SelectorKey modified = sel.modify(rd, EVENT_READ, "e"); // same events: no system call on the closed fd
        assertThat(modified.data()).isEqualTo("e");
        assertThat(modified.fileobj()).isSameAs(rd);

        // a closed Selectable that was never registered
        assertThatThrownBy(() -> sel.register(stranger, EVENT_READ)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.getKey(stranger)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.unregister(stranger)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sel.modify(stranger, EVENT_READ, null)).isInstanceOf(IllegalArgumentException.class);

        assertThat(sel.unregister(rd)).isSameAs(modified);
        assertThatThrownBy(() -> sel.getKey(rd)).isInstanceOf(IllegalArgumentException.class);
        assertThat(sel.getMap()).isEmpty();
    }

    @Test
    void modifyAndGetKeyOfUnregisteredFds() throws IOException {
        int[] p = fds.pipe();
        Fds.Handle h = fds.handle(p[0], "h");
        assertThatThrownBy(() -> sel.modify(p[0], EVENT_READ, null))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> sel.modify(h, EVENT_READ, null))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> sel.getKey(h))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
        assertThatThrownBy(() -> sel.unregister(h))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("not registered");
    }

    /** A file that was closed while registered: epoll forgets it; poll and select report it (POLLNVAL). */
    @Test
    void aRegisteredFdClosedWithoutUnregisterDoesNotBreakSelect() throws IOException {
        int[] p = fds.pipe();
        int[] live = fds.pipe();
        SelectorKey dead = sel.register(p[0], EVENT_READ, "dead");
        SelectorKey alive = sel.register(live[0], EVENT_READ, "alive");
        fds.close(p[0]);
        fds.write(live[1], "x");
        List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
        if (checksFdAtRegister()) {
            assertThat(ready).containsExactly(new ReadyEvent(alive, EVENT_READ));
        } else {
            assertThat(ready)
                    .containsExactlyInAnyOrder(new ReadyEvent(dead, EVENT_READ), new ReadyEvent(alive, EVENT_READ));
        }
        assertThat(sel.unregister(p[0])).isSameAs(dead);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(alive, EVENT_READ));
    }

    /** EPOLLHUP / POLLHUP: the writer of a pipe closed. Reported for the events the reader registered. */
    @Test
    void hangupIsReportedForTheRegisteredEvents() throws IOException {
        int[] p = fds.pipe();
        SelectorKey key = sel.register(p[0], EVENT_READ | EVENT_WRITE);
        assertThat(sel.select(Duration.ZERO)).as("a pipe's read end is never writable").isEmpty();
        fds.close(p[1]);
        List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
        int expected = hangupReportsEveryRegisteredEvent() ? EVENT_READ | EVENT_WRITE : EVENT_READ;
        assertThat(ready).containsExactly(new ReadyEvent(key, expected));
        assertThat(fds.read(p[0], 16)).as("end of file").isEmpty();

        // registered for READ only: READ
        int[] p2 = fds.pipe();
        SelectorKey readOnly = sel.register(p2[0], EVENT_READ);
        sel.unregister(p[0]);
        fds.close(p2[1]);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(readOnly, EVENT_READ));
    }

    /** EPOLLHUP on a socket: the peer closed. */
    @Test
    void peerCloseOfASocketIsReportedReadable() throws IOException {
        int[] sp = fds.socketpair();
        SelectorKey key = sel.register(sp[0], EVENT_READ);
        assertThat(sel.select(Duration.ZERO)).isEmpty();
        fds.close(sp[1]);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_READ));
    }

    /** EPOLLERR / POLLERR: a full pipe whose reader closed. Reported for the registered WRITE. */
    @Test
    void errorIsReportedForTheRegisteredEvents() throws IOException {
        int[] p = fds.pipe();
        assertThat(fds.fill(p[1])).isPositive();
        SelectorKey key = sel.register(p[1], EVENT_WRITE);
        assertThat(sel.select(Duration.ZERO)).as("a full pipe is not writable").isEmpty();
        fds.close(p[0]);
        assertThat(sel.select(Duration.ofSeconds(5))).containsExactly(new ReadyEvent(key, EVENT_WRITE));
    }

    /** Contract: "One select returns every ready registered file", even past the first ready-array size. */
    @Test
    void oneSelectReturnsEveryReadyFile() throws IOException {
        int n = 300;
        Set<Integer> expected = new HashSet<>();
        for (int i = 0; i < n; i++) {
            int fd = fds.eventfd(1);
            sel.register(fd, EVENT_READ, i);
            expected.add(fd);
        }
        for (int round = 0; round < 2; round++) {
            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
            assertThat(ready).hasSize(n);
            assertThat(ready).extracting(e -> e.key().fd()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(ready).allSatisfy(e -> assertThat(e.events()).isEqualTo(EVENT_READ));
        }
        AtomicInteger calls = new AtomicInteger();
        assertThat(sel.select(Duration.ZERO, (k, e) -> calls.incrementAndGet())).isEqualTo(n);
        assertThat(calls).hasValue(n);
    }

    @Test
    void selectWithAHandlerHandsEachReadyFileOnce() throws IOException {
        int[] sp = fds.socketpair();
        int[] p = fds.pipe();
        SelectorKey w = sel.register(sp[1], EVENT_WRITE, "w");
        SelectorKey r = sel.register(p[0], EVENT_READ, "r");
        fds.write(p[1], "x");
        List<ReadyEvent> seen = new ArrayList<>();
        int n = sel.select(Duration.ofSeconds(5), (k, e) -> seen.add(new ReadyEvent(k, e)));
        assertThat(n).isEqualTo(2);
        assertThat(seen).containsExactlyInAnyOrder(new ReadyEvent(w, EVENT_WRITE), new ReadyEvent(r, EVENT_READ));
    }

    @Test
    void aHandlerMayUnregisterAnotherReadyFile() throws IOException {
        int a = fds.eventfd(1), b = fds.eventfd(1);
        sel.register(a, EVENT_READ);
        sel.register(b, EVENT_READ);
        List<Integer> seen = new ArrayList<>();
        int n = sel.select(Duration.ofSeconds(5), (k, e) -> {
            seen.add(k.fd());
            try {
                sel.unregister(k.fd() == a ? b : a);
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        });
        assertThat(n).isEqualTo(1);
        assertThat(seen).hasSize(1);
        assertThat(sel.getMap()).containsOnlyKeys(seen.get(0));
    }

    /** The accept pattern: a handler registers new files while its select is still handing out others. */
    @Test
    void aHandlerMayRegisterManyNewFiles() throws IOException {
        int a = fds.eventfd(1), b = fds.eventfd(1);
        SelectorKey ka = sel.register(a, EVENT_READ, "a");
        SelectorKey kb = sel.register(b, EVENT_READ, "b");
        List<Integer> added = new ArrayList<>();
        List<ReadyEvent> seen = new ArrayList<>();
        int n = sel.select(Duration.ofSeconds(5), (k, e) -> {
            seen.add(new ReadyEvent(k, e));
            if (added.isEmpty()) {
                try {
                    for (int i = 0; i < 200; i++) {
                        int fd = fds.eventfd(1);
                        sel.register(fd, EVENT_READ, "new");
                        added.add(fd);
                    }
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            }
        });
        assertThat(n).isEqualTo(2);
        assertThat(seen).containsExactlyInAnyOrder(new ReadyEvent(ka, EVENT_READ), new ReadyEvent(kb, EVENT_READ));
        List<ReadyEvent> next = sel.select(Duration.ofSeconds(5));
        assertThat(next).hasSize(202);
        assertThat(next).extracting(e -> e.key().fd()).containsAll(added).contains(a, b);
    }

    @Test
    void aHandlerMayCloseTheSelector() throws IOException {
        for (int i = 0; i < 3; i++) {
            sel.register(fds.eventfd(1), EVENT_READ);
        }
        int n = sel.select(Duration.ofSeconds(5), (k, e) -> {
            try {
                sel.close();
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        });
        assertThat(n).isEqualTo(1);
        assertThatThrownBy(() -> sel.select(Duration.ZERO)).isInstanceOf(ClosedSelectorException.class);
    }

    /** "a select timeout never returns empty before the timeout has elapsed": many sizes, each variant. */
    @Test
    void timeoutsNeverEndEarly() throws IOException {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        long[] nanos = {1, 999, 1_000, 999_999, 1_000_000, 1_000_001, 1_500_000, 2_000_000, 3_333_333, 10_000_001, 25_000_000};
        for (long n : nanos) {
            Duration d = Duration.ofNanos(n);
            for (int variant = 0; variant < 2; variant++) {
                long t0 = System.nanoTime();
                if (variant == 0) {
                    assertThat(sel.select(d)).as("select(%s)", d).isEmpty();
                } else {
                    assertThat(sel.select(d, (k, e) -> fail("nothing is ready"))).isZero();
                }
                assertElapsedAtLeast(t0, d);
            }
        }
    }

    /** Durations too large for the OS call are as good as blocking: no overflow, no error. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hugeTimeoutsAreAccepted() throws Exception {
        int[] sp = fds.socketpair();
        Duration[] huge = {
            Duration.ofDays(365L * 1000), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofMillis(Integer.MAX_VALUE + 1L)
        };
        SelectorKey key = sel.register(sp[1], EVENT_WRITE);
        for (Duration d : huge) {
            assertThat(sel.select(d)).as("select(%s)", d).containsExactly(new ReadyEvent(key, EVENT_WRITE));
        }
        // With nothing ready the OS really waits (no EINVAL), until a wakeup.
        sel.unregister(sp[1]);
        sel.register(sp[0], EVENT_READ);
        for (Duration d : huge) {
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
                sel.wakeup();
            });
            long t0 = System.nanoTime();
            assertThat(sel.select(d)).as("select(%s)", d).isEmpty();
            long took = System.nanoTime() - t0;
            waker.join();
            assertThat(took).as("select(%s) waited for the wakeup", d).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** "any method but close(), wakeup() and backend() after close(): ClosedSelectorException". */
    @Test
    void everyMethodButCloseWakeupAndBackendThrowsAfterClose() throws IOException {
        int[] p = fds.pipe();
        Fds.Handle h = fds.handle(p[0], "h");
        sel.register(p[1], EVENT_WRITE);
        Map<Integer, SelectorKey> before = sel.getMap();
        sel.close();

        List<ThrowingRunnable> calls = List.of(
                () -> sel.register(p[0], EVENT_READ),
                () -> sel.register(p[0], EVENT_READ, "d"),
                () -> sel.register(h, EVENT_READ),
                () -> sel.register(h, EVENT_READ, "d"),
                () -> sel.unregister(p[1]),
                () -> sel.unregister(h),
                () -> sel.modify(p[1], EVENT_READ, null),
                () -> sel.modify(h, EVENT_READ, null),
                () -> sel.select(),
                () -> sel.select(Duration.ZERO),
                () -> sel.select(null),
                () -> sel.select(Duration.ZERO, (k, e) -> {}),
                () -> sel.getKey(p[1]),
                () -> sel.getKey(h),
                () -> sel.getMap(),
                // bad arguments too: the closed selector is the first thing reported
                () -> sel.register(p[0], 0),
                () -> sel.register(-1, EVENT_READ),
                () -> sel.getKey(-1));
        for (int i = 0; i < calls.size(); i++) {
            assertThatThrownBy(calls.get(i)::run).as("call #%d", i).isInstanceOf(ClosedSelectorException.class);
        }
        assertThat(before).isEmpty();
        sel.wakeup(); // does nothing
        assertThat(sel.backend()).isEqualTo(backendName());
        sel.close(); // idempotent
        sel.close();
    }

    @Test
    void backendNamesItself() {
        assertThat(sel.backend()).isEqualTo(backendName());
    }

    /** Opening and closing many selectors leaks no descriptor (checked after each test too). */
    @Test
    void openAndCloseLeakNothing() throws IOException {
        int before = Fds.openCount();
        for (int i = 0; i < 200; i++) {
            try (Selector s = openSelector()) {
                s.register(fds.eventfd(0), EVENT_READ);
                s.wakeup();
                s.select(Duration.ZERO);
            }
        }
        fds.close();
        fds = new Fds();
        assertThat(Fds.openCount()).isEqualTo(before);
    }

    // ---- wakeup --------------------------------------------------------------------------------

    @Test
    void wakeupBeforeSelectMakesTheNextSelectReturnAtOnceAndOnlyThatOne() throws IOException {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        for (int i = 0; i < 100; i++) {
            sel.wakeup();
        }
        long t0 = System.nanoTime();
        assertThat(sel.select(Duration.ofSeconds(10))).isEmpty();
        assertThat(System.nanoTime() - t0).as("woken select time").isLessThan(TimeUnit.SECONDS.toNanos(2));

        Duration timeout = Duration.ofMillis(100);
        t0 = System.nanoTime();
        assertThat(sel.select(timeout)).isEmpty();
        assertElapsedAtLeast(t0, timeout);
    }

    /** "wakeup() from another thread while select() blocks: select returns promptly (well under 10 ms)". */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wakeupFromAnotherThreadIsPrompt() throws Exception {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        int trials = 21;
        long[] latency = new long[trials];
        for (int i = 0; i < trials; i++) {
            AtomicLong wokenAt = new AtomicLong();
            CountDownLatch selecting = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().name("waker").start(() -> {
                try {
                    selecting.await();
                    Thread.sleep(15); // let the selector block in the OS call
                } catch (InterruptedException e) {
                    return;
                }
                wokenAt.set(System.nanoTime());
                sel.wakeup();
            });
            selecting.countDown();
            List<ReadyEvent> ready = i % 2 == 0 ? sel.select() : sel.select(Duration.ofSeconds(20));
            long returned = System.nanoTime();
            waker.join();
            assertThat(ready).isEmpty();
            latency[i] = returned - wokenAt.get();
            assertThat(latency[i]).as("trial %d: select returned before wakeup()", i).isPositive();
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        long median = sorted[trials / 2];
        System.out.printf("[%s] wakeup latency µs: median %d, max %d%n", backendName(), median / 1000, sorted[trials - 1] / 1000);
        assertThat(median).as("median wakeup latency (ns)").isLessThan(TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(sorted[trials - 1]).as("slowest wakeup latency (ns)").isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    }

    /**
     * Many wakeups racing with the selector draining them must never leave the selector deaf: after the
     * storm, a wakeup still ends a blocked select.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wakeupsRacingWithTheDrainAreNeverLost() throws Exception {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        AtomicBoolean stop = new AtomicBoolean();
        Thread storm = Thread.ofPlatform().name("wakeup-storm").start(() -> {
            while (!stop.get()) {
                sel.wakeup();
            }
        });
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        int rounds = 0;
        try {
            while (System.nanoTime() < end) {
                sel.select(Duration.ofMillis(20));
                rounds++;
            }
        } finally {
            stop.set(true);
            storm.join();
        }
        sel.select(Duration.ZERO); // consume what the storm left
        for (int i = 0; i < 5; i++) {
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                sel.wakeup();
            });
            long t0 = System.nanoTime();
            List<ReadyEvent> ready = sel.select(Duration.ofSeconds(5));
            long took = System.nanoTime() - t0;
            waker.join();
            assertThat(ready).isEmpty();
            assertThat(took)
                    .as("after %d racing rounds, wakeup #%d must end the wait", rounds, i)
                    .isLessThan(TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** The lost-wakeup race above, for 10 s and with a blocking select. */
    @Test
    @Tag("soak")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wakeupStormSoak() throws Exception {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong wakeups = new AtomicLong();
        Thread storm = Thread.ofPlatform().name("wakeup-storm").start(() -> {
            while (!stop.get()) {
                sel.wakeup();
                wakeups.incrementAndGet();
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long rounds = 0;
        try {
            while (System.nanoTime() < end) {
                // blocking: with a lost wakeup this would hang, and the timeout above would fail the test
                sel.select();
                rounds++;
            }
        } finally {
            stop.set(true);
            storm.join();
        }
        System.out.printf("[%s] wakeup storm: %d blocking selects ended by %d wakeup() calls%n", backendName(), rounds, wakeups.get());
        assertThat(rounds).isPositive();
    }

    // ---- EINTR ---------------------------------------------------------------------------------

    /**
     * test_select_interrupt_noraise, and the contract's "an interrupted wait (EINTR) is retried with the
     * time that remains; never surfaces". SIGWINCH is sent to this very thread every 25 ms.
     */
    @Test
    @SuppressWarnings("try") // the Signals resource works by existing: it installs the handler
    void signalsDuringATimedSelectAreRetriedWithTheRemainingTime() throws Exception {
        int[] p = fds.pipe();
        sel.register(p[0], EVENT_READ);
        Duration timeout = Duration.ofMillis(400);
        try (Signals signals = new Signals()) {
            assertThat(signals.delivered).hasValue(0);
            Signals.Pelter pelter = Signals.pelt(Signals.self(), 25);
            long t0;
            List<ReadyEvent> ready;
            int handled;
            try (pelter) {
                t0 = System.nanoTime();
                ready = sel.select(timeout);
            }
            assertElapsedAtLeast(t0, timeout);
            assertThat(ready).isEmpty();
            handled = sel.select(timeout, (k, e) -> fail("nothing is ready"));
            assertThat(handled).isZero();
            assertThat(pelter.sent.get()).as("signals sent during the wait").isGreaterThanOrEqualTo(5);
        }
    }

    /** A blocking select() interrupted by signals keeps blocking until a file is ready. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @SuppressWarnings("try") // the Signals resource works by existing: it installs the handler
    void signalsDuringABlockingSelectDoNotEndIt() throws Exception {
        int[] p = fds.pipe();
        SelectorKey key = sel.register(p[0], EVENT_READ);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        try (Signals signals = new Signals()) {
            assertThat(signals.delivered).hasValue(0);
            long t0 = System.nanoTime();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                    fds.write(p[1], "x");
                } catch (Exception e) {
                    writerError.set(e);
                }
            });
            Signals.Pelter pelter = Signals.pelt(Signals.self(), 20);
            List<ReadyEvent> ready;
            try (pelter) {
                ready = sel.select();
            }
            writer.join();
            assertThat(writerError.get()).isNull();
            assertThat(ready).containsExactly(new ReadyEvent(key, EVENT_READ));
            assertElapsedAtLeast(t0, Duration.ofMillis(300));
            assertThat(pelter.sent.get()).isGreaterThanOrEqualTo(5);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static void assertElapsedAtLeast(long t0, Duration timeout) {
        long elapsed = System.nanoTime() - t0;
        assertThat(elapsed)
                .as("elapsed ns for a timeout of %s (never early)", timeout)
                .isGreaterThanOrEqualTo(timeout.toNanos());
        assertThat(elapsed)
                .as("elapsed ns for a timeout of %s (generous upper bound)", timeout)
                .isLessThan(timeout.toNanos() + SLACK_NANOS);
    }

    private static List<Integer> matching(List<ReadyEvent> ready, int flag) {
        List<Integer> fds = new ArrayList<>();
        for (ReadyEvent e : ready) {
            if ((e.events() & flag) != 0) {
                fds.add(e.key().fd());
            }
        }
        return fds;
    }
}
