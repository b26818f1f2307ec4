/**
 * The descriptors NIO cannot give you, ready to register with a {@link io.jselectors.Selector}: counters
 * ({@link io.jselectors.fd.EventFd}), timers ({@link io.jselectors.fd.TimerFd}), file-system events
 * ({@link io.jselectors.fd.Inotify}), signals ({@link io.jselectors.fd.SignalFd}), process exits
 * ({@link io.jselectors.fd.PidFd}) and pseudo-terminals ({@link io.jselectors.fd.Pty}).
 *
 * <p>Each is a {@link io.jselectors.Selectable} that is non-blocking and close-on-exec, and reads return
 * decoded values (a count, a list of events, a signal's details) or say there was nothing to read. All but
 * {@code Pty} are Linux facilities: each class's {@code isAvailable()} says whether this platform has it, and
 * its Javadoc names the kqueue filter that does the job on macOS and the BSDs. The guide is
 * {@code docs/fds.md}.
 */
package io.jselectors.fd;
