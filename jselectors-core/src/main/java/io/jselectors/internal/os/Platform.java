package io.jselectors.internal.os;

import java.util.Locale;

/** Which operating system and CPU this JVM runs on, for choosing backends and struct layouts. */
public final class Platform {
    private static final String OS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);

    private Platform() {}

    /** @return true on Linux */
    public static boolean isLinux() {
        return OS.startsWith("linux");
    }

    /** @return true on macOS */
    public static boolean isMac() {
        return OS.startsWith("mac") || OS.startsWith("darwin");
    }

    /** @return true on FreeBSD, OpenBSD, NetBSD or DragonFly */
    public static boolean isBsd() {
        return OS.contains("bsd") || OS.contains("dragonfly");
    }

    /** @return true on x86_64 */
    public static boolean isX86_64() {
        return ARCH.equals("amd64") || ARCH.equals("x86_64");
    }

    /** @return true on 64-bit ARM */
    public static boolean isAarch64() {
        return ARCH.equals("aarch64") || ARCH.equals("arm64");
    }

    /** @return e.g. {@code "linux/amd64"}, for error messages */
    public static String describe() {
        return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    }
}
