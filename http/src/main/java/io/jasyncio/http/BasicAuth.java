package io.jasyncio.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic credentials (aiohttp's {@code BasicAuth}), for {@code Authorization} or {@code Proxy-Authorization}.
 * A login may not contain {@code :}.
 *
 * <p>Threading: immutable.
 */
public record BasicAuth(String login, String password) {
    public BasicAuth {
        if (login == null || login.indexOf(':') >= 0) throw new IllegalArgumentException("a Basic login may not be null or contain ':'");
        if (password == null) password = "";
    }

    /** The header value: {@code Basic base64(login:password)} (UTF-8). */
    public String encode() {
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
