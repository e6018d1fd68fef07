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
    /**
     * Takes the {@code Set-Cookie} values of a response to {@code url}.
     *
     * @param setCookie the response's {@code Set-Cookie} header values
     * @param url the URL the response came from
     */
    void updateCookies(List<String> setCookie, URI url);

    /**
     * The {@code Cookie} header value for a request to {@code url}, or null when no cookie applies.
     *
     * @param url the request's URL
     * @return the header value, or null
     */
    String cookieHeader(URI url);

    /**
     * The cookies kept (not expired).
     *
     * @return the kept cookies
     */
    List<CookieJar.Cookie> cookies();

    /** Forgets every cookie. */
    void clear();
}
