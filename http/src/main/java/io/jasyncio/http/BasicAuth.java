package io.jasyncio.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic credentials (aiohttp's {@code BasicAuth}), for {@code Authorization} or {@code Proxy-Authorization}.
 * A login may not contain {@code :}.
 *
 * <p>Threading: immutable.
 *
 * @param login the user name; may not contain {@code :}
 * @param password the password; null means {@code ""}
 */
public record BasicAuth(String login, String password) {
    /**
     * Checks the login and replaces a null password with {@code ""}.
     *
     * @throws IllegalArgumentException if {@code login} is null or contains {@code :}
     */
    public BasicAuth {
        if (login == null || login.indexOf(':') >= 0) throw new IllegalArgumentException("a Basic login may not be null or contain ':'");
        if (password == null) password = "";
    }

    /**
     * The header value: {@code Basic base64(login:password)} (UTF-8).
     *
     * @return the {@code Authorization} header value
     */
    public String encode() {
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
