package io.jselectors;

/**
 * This JVM does not let jselectors call C (native access is denied, as with
 * {@code --illegal-native-access=deny}), so no selector, socket or descriptor of this library can work. The
 * message names the flag to add: {@code --enable-native-access=io.jselectors} when the library is on the
 * module path, {@code --enable-native-access=ALL-UNNAMED} on the class path, or the manifest line
 * {@code Enable-Native-Access: ALL-UNNAMED} for an executable jar run with {@code java -jar}.
 *
 * <p>Every call that would reach C throws a new one, every time; nothing of the library is left half
 * initialized, so the same call works in a JVM started with the flag.
 */
public final class NativeAccessDeniedException extends IllegalCallerException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception, naming the flag for the way the library was loaded.
     *
     * @param namedModule whether the library runs as the named module {@code io.jselectors} (module path)
     * @param call        the C function that was to be called, for the message
     */
    public NativeAccessDeniedException(boolean namedModule, String call) {
        super("jselectors cannot call " + call + ": this JVM denies native access to "
                + (namedModule ? "the module io.jselectors" : "code on the class path")
                + " (--illegal-native-access=deny). Add "
                + (namedModule
                        ? "--enable-native-access=io.jselectors to the java command (module path)"
                        : "--enable-native-access=ALL-UNNAMED to the java command (class path)")
                + "; for an executable jar run with java -jar, put the line 'Enable-Native-Access: ALL-UNNAMED' in its"
                + " manifest instead.");
    }
}
