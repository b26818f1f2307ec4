package io.jselectors.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of a process from {@code /proc/PID/stat} and {@code /proc/PID/status} (Linux).
 * A process counts with all of its descendants, so a server started through a shell script or a
 * launcher is measured whole.
 */
public final class ProcStat {
    /** Kernel clock ticks per second (USER_HZ): 100 on every Linux ABI in use. */
    public static final long TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /**
     * CPU times in clock ticks.
     *
     * @param userTicks   time in user mode
     * @param systemTicks time in the kernel on the process's behalf
     */
    public record Cpu(long userTicks, long systemTicks) {
        /** @return user + system, in seconds */
        public double totalSeconds() {
            return (userTicks + systemTicks) / (double) TICKS_PER_SECOND;
        }

        /** @return user time in seconds */
        public double userSeconds() {
            return userTicks / (double) TICKS_PER_SECOND;
        }

        /**
         * @param earlier a snapshot taken before this one
         * @return the time spent between the two
         */
        public Cpu minus(Cpu earlier) {
            return new Cpu(userTicks - earlier.userTicks, systemTicks - earlier.systemTicks);
        }

        Cpu plus(Cpu other) {
            return new Cpu(userTicks + other.userTicks, systemTicks + other.systemTicks);
        }
    }

    /**
     * Parses the text of {@code /proc/PID/stat}. The command name (field 2) is in parentheses and may
     * itself hold spaces and parentheses, so fields are counted from the last ')'.
     *
     * @param stat the file's text
     * @return utime (field 14) and stime (field 15)
     * @throws IllegalArgumentException if the text is not a stat line
     */
    public static Cpu parseStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line (no ')'): " + abbreviate(stat));
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field k is f[k - 3].
        if (f.length < 13) {
            throw new IllegalArgumentException("not a /proc/PID/stat line (" + f.length + " fields after the name): "
                    + abbreviate(stat));
        }
        try {
            return new Cpu(Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a /proc/PID/stat line (utime/stime not numbers): " + abbreviate(stat), e);
        }
    }

    /**
     * Parses {@code VmRSS} from the text of {@code /proc/PID/status}.
     *
     * @param status the file's text
     * @return the resident set in bytes, or 0 when absent (a zombie)
     */
    public static long parseRssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] f = line.substring(6).trim().split("\\s+");
                return Long.parseLong(f[0]) * 1024; // the kernel reports kB
            }
        }
        return 0;
    }

    /**
     * CPU time of a process and all its living descendants.
     *
     * @param pid the process
     * @return the summed times
     * @throws IOException if the process is gone
     */
    public static Cpu treeCpu(long pid) throws IOException {
        Cpu sum = new Cpu(0, 0);
        for (long p : tree(pid)) {
            try {
                sum = sum.plus(parseStat(Files.readString(Path.of("/proc", Long.toString(p), "stat"))));
            } catch (IOException e) {
                if (p == pid) {
                    throw new IOException("process " + pid + " is gone (" + e.getMessage() + ")", e);
                }
                // a descendant that just exited: its time is lost, as with any sampling
            }
        }
        return sum;
    }

    /**
     * CPU time of one process alone (all its threads, not its children).
     *
     * @param pid the process
     * @return its times
     * @throws IOException if the process is gone
     */
    public static Cpu processCpu(long pid) throws IOException {
        return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * Resident memory of a process and all its living descendants.
     *
     * @param pid the process
     * @return bytes
     * @throws IOException if the process is gone
     */
    public static long treeRssBytes(long pid) throws IOException {
        long sum = 0;
        for (long p : tree(pid)) {
            try {
                sum += parseRssBytes(Files.readString(Path.of("/proc", Long.toString(p), "status")));
            } catch (IOException e) {
                if (p == pid) {
                    throw new IOException("process " + pid + " is gone (" + e.getMessage() + ")", e);
                }
            }
        }
        return sum;
    }

    /**
     * CPU time of each thread of a process, by thread id, with the thread's name.
     *
     * @param pid the process
     * @return thread id to (name, times); threads that exit while this runs are left out
     */
    public static java.util.Map<Long, java.util.Map.Entry<String, Cpu>> threadCpu(long pid) {
        java.util.Map<Long, java.util.Map.Entry<String, Cpu>> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    out.put(Long.parseLong(t.getFileName().toString()),
                            java.util.Map.entry(name, parseStat(Files.readString(t.resolve("stat")))));
                } catch (IOException | RuntimeException e) {
                    // the thread exited meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone: nothing to report
        }
        return out;
    }

    private static List<Long> tree(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        return pids;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
