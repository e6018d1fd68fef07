package io.jasyncio.http;

import java.net.URI;
import java.util.List;

/**
 * A jar that keeps no cookie (aiohttp's {@code DummyCookieJar}): give it to a {@link ClientSession} to turn
 * cookies off.
 *
 * <p>Threading: stateless.
 */
public final class DummyCookieJar implements AbstractCookieJar {
    /** A jar that keeps nothing. */
    public DummyCookieJar() {}

    @Override
    public void updateCookies(List<String> setCookie, URI url) {}

    @Override
    public String cookieHeader(URI url) {
        return null;
    }

    @Override
    public List<CookieJar.Cookie> cookies() {
        return List.of();
    }

    @Override
    public void clear() {}
}
