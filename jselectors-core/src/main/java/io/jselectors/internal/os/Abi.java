package io.jselectors.internal.os;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Chooses the OS table: {@link #CURRENT} for the platform this JVM runs on, selected once; {@link #of}
 * for any profile, whatever the running OS (for {@link AbiDump} and tests).
 *
 * <p>Bindings read what they need at class initialisation into {@code static final} fields, e.g.
 * {@code static final int AF_INET6 = Abi.CURRENT.constant("AF_INET6");}. No other class holds an OS
 * number.
 */
public final class Abi {
    /** Test hook, not for users: the system property naming the profile to use instead of the running one. */
    static final String PROFILE_PROPERTY = "jselectors.internal.abi.profile";

    private static final Map<String, Supplier<AbiTable>> PROFILES = registry();

    /** The running platform's table; {@code null}-free: an unsupported platform fails here, naming it. */
    public static final AbiTable CURRENT = selectCurrent();

    /**
     * The kqueue facts the kqueue binding uses: the running platform's on macOS and FreeBSD, libkqueue's
     * ({@link LibkqueueTables}) on Linux.
     */
    public static final AbiTable KQUEUE =
            CURRENT.has("EVFILT_USER") ? CURRENT : LibkqueueTables.linux();

    private Abi() {}

    /** @return the platform profiles, e.g. {@code linux-x86_64}, in a fixed order */
    public static List<String> profiles() {
        return List.copyOf(PROFILES.keySet());
    }

    /**
     * Builds the table of any profile, or of the {@code libkqueue-linux} fact set.
     *
     * @param profile a name from {@link #profiles()} or {@code libkqueue-linux}
     * @return its table
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static AbiTable of(String profile) {
        if (LibkqueueTables.NAME.equals(profile)) {
            return LibkqueueTables.linux();
        }
        Supplier<AbiTable> s = PROFILES.get(profile);
        if (s == null) {
            throw new IllegalArgumentException("unknown profile '" + profile + "'; the profiles are "
                    + String.join(", ", PROFILES.keySet()) + " (and the fact set " + LibkqueueTables.NAME + ")");
        }
        return s.get();
    }

    /**
     * @param osName  {@code os.name}
     * @param osArch  {@code os.arch}
     * @return the profile for that platform, or {@code null} when there is none
     */
    static String profileFor(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        String family = os.startsWith("linux") ? "linux"
                : os.startsWith("mac") || os.startsWith("darwin") ? "macos"
                : os.startsWith("freebsd") ? "freebsd" : null;
        if (cpu == null || family == null) {
            return null;
        }
        String name = family + "-" + cpu;
        return PROFILES.containsKey(name) ? name : null;
    }

    private static AbiTable selectCurrent() {
        return of(runningProfile());
    }

    /**
     * @return the profile of the running platform (or the one the test hook names)
     * @throws UnsupportedOperationException on a platform without a table, naming it and the profiles
     */
    static String runningProfile() {
        String forced = System.getProperty(PROFILE_PROPERTY);
        if (forced != null) {
            return forced;
        }
        String name = profileFor(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (name == null) {
            throw new UnsupportedOperationException("jselectors has no OS table for " + Platform.describe()
                    + "; it runs on " + String.join(", ", PROFILES.keySet()));
        }
        return name;
    }

    private static Map<String, Supplier<AbiTable>> registry() {
        Map<String, Supplier<AbiTable>> m = new LinkedHashMap<>();
        m.put("linux-x86_64", LinuxTables::x86_64);
        m.put("linux-aarch64", LinuxTables::aarch64);
        m.put("macos-x86_64", MacosTables::x86_64);
        m.put("macos-aarch64", MacosTables::aarch64);
        m.put("freebsd-x86_64", FreeBsdTables::x86_64);
        return m;
    }
}
