/**
 * A single-threaded event loop on any {@link io.jselectors.Selector} backend, in the shape of
 * Python's asyncio: ready callbacks for descriptors, timers, tasks from other threads, and stream
 * {@linkplain io.jselectors.loop.Transport transports} driving your {@linkplain io.jselectors.loop.Protocol
 * protocols} over TCP (IPv4, IPv6) and Unix sockets. Start with {@link io.jselectors.loop.EventLoop#open()};
 * the guide is {@code docs/loop.md}.
 */
package io.jselectors.loop;
