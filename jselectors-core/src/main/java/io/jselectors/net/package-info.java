/**
 * Native non-blocking sockets and pipes to register with a {@link io.jselectors.Selector}: TCP over IPv4
 * and IPv6 ({@link io.jselectors.net.StreamSocket#connect}, {@link io.jselectors.net.ListeningSocket#bind}),
 * Unix stream sockets, socket pairs, pipes ({@link io.jselectors.net.Pipe}), and
 * {@link io.jselectors.net.NativeStream#adopt(int)} for any other descriptor. Reads and writes take
 * {@link java.nio.ByteBuffer}s or {@link java.lang.foreign.MemorySegment}s and never block: a read that
 * would block returns 0, end of stream -1. The guide is {@code docs/net.md}.
 */
package io.jselectors.net;
