/**
 * jasyncio's aiohttp-style HTTP/1.1 and HTTP/2 server and HTTP/1.1 client ({@code Application}, {@code Router}, {@code AppRunner},
 * {@code TcpSite}, {@code ClientSession}). Start at {@link io.jasyncio.http.Web}.
 */
module io.jasyncio.http {
    // Handlers and sessions are coroutines of the core; its types appear in this module's API.
    requires transitive io.jasyncio;

    exports io.jasyncio.http;
    exports io.jasyncio.http.ws;
    exports io.jasyncio.http.h2;
}
