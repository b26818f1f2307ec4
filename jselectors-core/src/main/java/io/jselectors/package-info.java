/**
 * Python's {@code selectors} for Java: wait for I/O readiness on many file descriptors at once, on the
 * operating system's own event notification API. Start with {@link io.jselectors.Selector#open()}, which
 * picks the best backend here; the backends are {@link io.jselectors.EpollSelector} (Linux),
 * {@link io.jselectors.PollSelector} and {@link io.jselectors.SelectSelector} (every POSIX system), and
 * {@link io.jselectors.KqueueSelector} (not implemented yet). Anything with a descriptor can be registered: a
 * plain {@code int}, or a {@link io.jselectors.Selectable} such as the sockets of {@code io.jselectors.net}
 * and the descriptors of {@code io.jselectors.fd}. Errors from the OS are
 * {@link io.jselectors.ErrnoException}s naming the call, the fd and the errno.
 */
package io.jselectors;
