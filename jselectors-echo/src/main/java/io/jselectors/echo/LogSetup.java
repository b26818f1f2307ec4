package io.jselectors.echo;

import java.util.HashMap;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the server prints what the libraries under it log (the event loop warns, for example, when it runs
 * out of descriptors and pauses accepting): one line on stderr, "jselectors-echo: warning: ...", and the
 * same message at most once per {@link #REPEAT_MILLIS} ms so that a server at its fd limit does not flood
 * the terminal.
 *
 * <p>Everything the logging path needs is loaded at startup. The JDK's default formatter reads the time-zone
 * database on its first record; a server that first logs when it is out of descriptors could not open that
 * file, and the error would kill the event loop thread that logged.
 */
final class LogSetup {
    static final long REPEAT_MILLIS = 10_000;

    private LogSetup() {}

    static void install() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.INFO);
        handler.setFormatter(new OneLine());
        Map<String, Long> lastPrinted = new HashMap<>();
        handler.setFilter(record -> {
            String key = record.getLoggerName() + " " + record.getMessage();
            long now = System.currentTimeMillis();
            synchronized (lastPrinted) {
                Long last = lastPrinted.get(key);
                if (last != null && now - last < REPEAT_MILLIS) {
                    return false;
                }
                if (lastPrinted.size() > 1000) {
                    lastPrinted.clear();
                }
                lastPrinted.put(key, now);
                return true;
            }
        });
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Load the whole path now: the System.Logger bridge, the filter and the formatter.
        System.getLogger("io.jselectors.loop").log(System.Logger.Level.TRACE, "logging ready");
        handler.getFormatter().format(new LogRecord(Level.WARNING, "warm-up"));
        handler.isLoggable(new LogRecord(Level.FINEST, "warm-up"));
    }

    /** "jselectors-echo: warning: message" (plus the exception's one-line description, if any). */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String level = r.getLevel() == Level.SEVERE ? "error" : r.getLevel() == Level.WARNING ? "warning" : "info";
            String msg = formatMessage(r);
            if (r.getThrown() != null) {
                msg += ": " + r.getThrown();
            }
            return "jselectors-echo: " + level + ": " + msg + System.lineSeparator();
        }
    }
}
