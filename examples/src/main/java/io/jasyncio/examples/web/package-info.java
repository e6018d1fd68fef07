/**
 * Seed 004's web server, for real: {@link io.jasyncio.examples.web.WebApp} is an aiohttp-style application on
 * {@code io.jasyncio.http} (the CLI's {@code web-server}), with {@link io.jasyncio.examples.web.ServerTls} for
 * {@code --https}.
 *
 * <p>Threading: the application's handlers run as tasks on the server's loop(s).
 */
package io.jasyncio.examples.web;
