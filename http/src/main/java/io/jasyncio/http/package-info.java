/**
 * aiohttp's web server and client over jasyncio: an {@link io.jasyncio.http.Application} with its
 * {@link io.jasyncio.http.Router}, run by an {@link io.jasyncio.http.AppRunner} on sites
 * ({@link io.jasyncio.http.TcpSite}, {@link io.jasyncio.http.UnixSite}) or by {@link io.jasyncio.http.Web#runApp};
 * the client is {@link io.jasyncio.http.ClientSession} with its {@link io.jasyncio.http.TcpConnector} pool.
 *
 * <p>Threading: each request's handler runs in a task of its own on the server's loop; sessions, runners and
 * responses belong to the loop that made them; values (headers of a sent response, options, cookies) say so.
 * Start reading at {@link io.jasyncio.http.Web} (server) and {@link io.jasyncio.http.ClientSession} (client).
 */
package io.jasyncio.http;
