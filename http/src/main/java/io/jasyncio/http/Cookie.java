package io.jasyncio.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A cookie to set on the client (RFC 6265's {@code Set-Cookie}; aiohttp's {@code response.set_cookie(name,
 * value, expires=, domain=, max_age=, path='/', secure=, httponly=, samesite=)}): build it with
 * {@link #of(String, String)} and the attribute methods, then {@link Response#setCookie(Cookie)}. The path is
 * {@code /} unless set, as in aiohttp.
 *
 * <p>Everything is checked when it is given, with an {@link IllegalArgumentException} naming the part that is
 * wrong: the name is a token; the value is made of RFC 6265's cookie-octets (no space, {@code "}, {@code ,},
 * {@code ;}, {@code \}, control or non-ASCII character: percent-encode or base64 it); a domain is a host name;
 * a path has no {@code ;} or control character; SameSite is {@code Strict}, {@code Lax} or {@code None}, and
 * {@code None} needs {@link #secure()} (browsers drop it otherwise). Name plus value may not exceed 4096 bytes,
 * the size every browser is required to store (RFC 6265 section 6.1).
 *
 * <p>Threading: not thread-safe; build it in the handler.
 */
public final class Cookie {
    /** RFC 6265 section 6.1: what a browser must be able to store for one cookie's name and value. */
    public static final int MAX_NAME_AND_VALUE = 4096;
    private static final DateTimeFormatter EXPIRES =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final String name;
    private final String value;
    private Instant expires;
    private Long maxAge;
    private String domain;
    private String path = "/";
    private boolean secure;
    private boolean httpOnly;
    private String sameSite;

    private Cookie(String name, String value) {
        checkName(name);
        checkValue(name, value);
        if (name.length() + value.length() > MAX_NAME_AND_VALUE) {
            throw new IllegalArgumentException("cookie " + name + " is " + (name.length() + value.length())
                    + " bytes long, more than the " + MAX_NAME_AND_VALUE + " a browser is bound to keep");
        }
        this.name = name;
        this.value = value;
    }

    /**
     * A cookie {@code name=value}, path {@code /}, no other attribute.
     *
     * @param name the cookie's name, a token
     * @param value the cookie's value, without controls, spaces, {@code "}, {@code ,}, {@code ;} or {@code \}
     * @return a new cookie, to refine with the other methods
     * @throws IllegalArgumentException if the name or value is invalid, or both together exceed
     *     {@link #MAX_NAME_AND_VALUE} characters
     */
    public static Cookie of(String name, String value) {
        return new Cookie(name, value);
    }

    /** {@return the cookie's name} */
    public String name() {
        return name;
    }

    /** {@return the cookie's value} */
    public String value() {
        return value;
    }

    /**
     * {@code Expires}: when the browser drops it.
     *
     * @param when the expiry time
     * @return this cookie
     * @throws NullPointerException if {@code when} is null
     */
    public Cookie expires(Instant when) {
        if (when == null) throw new NullPointerException("expires of cookie " + name);
        this.expires = when;
        return this;
    }

    /**
     * {@code Max-Age}, in seconds (0 or less: drop it now); browsers prefer it to {@code Expires}.
     *
     * @param seconds the lifetime in seconds
     * @return this cookie
     */
    public Cookie maxAge(long seconds) {
        this.maxAge = seconds;
        return this;
    }

    /**
     * {@code Domain}: the host and its subdomains (null: this host only).
     *
     * @param domain the domain, or null
     * @return this cookie
     * @throws IllegalArgumentException if {@code domain} holds a character not allowed in a domain
     */
    public Cookie domain(String domain) {
        if (domain != null) {
            String d = domain.startsWith(".") ? domain.substring(1) : domain;
            if (d.isEmpty() || d.length() > 253 || !d.matches("[A-Za-z0-9.-]+") || d.contains("..")) {
                throw new IllegalArgumentException("invalid Domain for cookie " + name + ": " + printable(domain));
            }
        }
        this.domain = domain;
        return this;
    }

    /**
     * {@code Path}: the paths it is sent with (default {@code /}; null: the browser's default).
     *
     * @param path the path, or null
     * @return this cookie
     * @throws IllegalArgumentException if {@code path} holds a {@code ;} or a control character
     */
    public Cookie path(String path) {
        if (path != null) {
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c < 0x20 || c == 0x7F || c == ';' || c > 0x7E) {
                    throw new IllegalArgumentException("invalid Path for cookie " + name + " (a ';', control or"
                            + " non-ASCII character at index " + i + "): " + printable(path));
                }
            }
        }
        this.path = path;
        return this;
    }

    /**
     * {@code Secure}: sent over HTTPS only.
     *
     * @return this cookie
     */
    public Cookie secure() {
        this.secure = true;
        return this;
    }

    /**
     * {@code HttpOnly}: not readable by the page's scripts.
     *
     * @return this cookie
     */
    public Cookie httpOnly() {
        this.httpOnly = true;
        return this;
    }

    /**
     * {@code SameSite}: {@code Strict}, {@code Lax} or {@code None} (which needs {@link #secure()}).
     *
     * @param mode {@code Strict}, {@code Lax} or {@code None}, in any case
     * @return this cookie
     * @throws IllegalArgumentException for another mode
     */
    public Cookie sameSite(String mode) {
        String m = switch (mode == null ? "" : mode.toLowerCase(Locale.ROOT)) {
            case "strict" -> "Strict";
            case "lax" -> "Lax";
            case "none" -> "None";
            default -> throw new IllegalArgumentException("SameSite of cookie " + name + " must be Strict, Lax or None, got "
                    + (mode == null ? null : printable(mode)));
        };
        this.sameSite = m;
        return this;
    }

    /**
     * The {@code Set-Cookie} field's value.
     *
     * @return the value, attributes included
     */
    public String headerValue() {
        if ("None".equals(sameSite) && !secure) {
            throw new IllegalArgumentException("cookie " + name + " has SameSite=None without Secure: browsers refuse it; add secure()");
        }
        StringBuilder sb = new StringBuilder(name.length() + value.length() + 32).append(name).append('=').append(value);
        if (domain != null) sb.append("; Domain=").append(domain);
        if (expires != null) sb.append("; Expires=").append(EXPIRES.format(expires));
        if (httpOnly) sb.append("; HttpOnly");
        if (maxAge != null) sb.append("; Max-Age=").append(maxAge);
        if (path != null) sb.append("; Path=").append(path);
        if (sameSite != null) sb.append("; SameSite=").append(sameSite);
        if (secure) sb.append("; Secure");
        return sb.toString();
    }

    @Override
    public String toString() {
        return "<Cookie " + headerValue() + ">";
    }

    /** A cookie that deletes {@code name} on the client (aiohttp's {@code del_cookie}): empty, expired. */
    static Cookie deletion(String name, String domain, String path) {
        return of(name, "").expires(Instant.EPOCH).maxAge(0).domain(domain).path(path);
    }

    /** Adds {@code cookie} to {@code headers}, replacing a {@code Set-Cookie} of the same name (as aiohttp does). */
    static void set(Headers headers, Cookie cookie) {
        String v = cookie.headerValue();
        java.util.List<String> kept = new java.util.ArrayList<>();
        String prefix = cookie.name + "=";
        for (String old : headers.getAll("Set-Cookie")) {
            if (!old.startsWith(prefix)) kept.add(old);
        }
        headers.remove("Set-Cookie");
        for (String old : kept) headers.add("Set-Cookie", old);
        headers.add("Set-Cookie", v);
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a cookie needs a name");
        for (int i = 0; i < name.length(); i++) {
            if (!RequestParser.isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("invalid cookie name " + printable(name) + ": character at index " + i
                        + " is not allowed in a token (RFC 6265)");
            }
        }
    }

    private static void checkValue(String name, String value) {
        if (value == null) throw new NullPointerException("value of cookie " + name);
        String v = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean octet = c == 0x21 || c >= 0x23 && c <= 0x2B || c >= 0x2D && c <= 0x3A || c >= 0x3C && c <= 0x5B
                    || c >= 0x5D && c <= 0x7E;
            if (!octet) {
                throw new IllegalArgumentException("invalid value for cookie " + name + ": " + String.format("U+%04X", (int) c)
                        + " is not a cookie-octet (RFC 6265: no space, \", comma, ;, \\, control or non-ASCII);"
                        + " percent-encode or base64 the value");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) sb.append(String.format("\\x%02x", (int) c)); else sb.append(c);
        }
        return s.length() > 64 ? sb + "..." : sb.toString();
    }
}
