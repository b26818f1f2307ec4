/**
 * Framing for stream connections of the {@linkplain io.jselectors.loop event loop}: a
 * {@link io.jselectors.loop.Protocol} that cuts the byte stream into lines
 * ({@link io.jselectors.loop.framing.Framing#lines(int)}) or length-prefixed frames
 * ({@link io.jselectors.loop.framing.Framing#lengthPrefixed(int, java.nio.ByteOrder, int)}) and hands each
 * whole frame to your {@link io.jselectors.loop.framing.FrameHandler}, with a maximum frame size that
 * bounds the memory one connection can make the loop hold; asyncio's {@code readline}/{@code readexactly}
 * and Netty's {@code LineBasedFrameDecoder}/{@code LengthFieldBasedFrameDecoder} with their encoders.
 *
 * <p>This package uses only the loop's public API ({@code Protocol}, {@code Transport}): framing is a
 * protocol wrapper, nothing inside the loop knows of it. The guide is the section "Framing" of
 * {@code docs/loop.md}.
 */
package io.jselectors.loop.framing;
