package io.jasyncio.http;

import java.net.URI;
import java.util.List;

/**
 * What a {@link ClientSession} keeps cookies in (aiohttp's {@code AbstractCookieJar}): {@link CookieJar} follows
 * RFC 6265; {@link DummyCookieJar} keeps none.
 *
 * <p>Threading: used by the session's loop thread.
 */
public interface AbstractCookieJar {
    /** Takes the {@code Set-Cookie} values of a response to {@code url}. */
    void updateCookies(List<String> setCookie, URI url);

    /** The {@code Cookie} header value for a request to {@code url}, or null when no cookie applies. */
    String cookieHeader(URI url);

    /** The cookies kept (not expired). */
    List<CookieJar.Cookie> cookies();

    /** Forgets every cookie. */
    void clear();
}
