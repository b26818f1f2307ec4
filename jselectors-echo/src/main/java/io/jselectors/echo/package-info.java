/**
 * The echo server, the project's main program: a non-blocking TCP echo server on the jselectors event
 * loop, one loop per thread sharing the port. Run it with {@code bin/jselectors-echo}; {@link
 * io.jselectors.echo.EchoMain} is its entry point. The guide is {@code docs/echo.md}.
 */
package io.jselectors.echo;
