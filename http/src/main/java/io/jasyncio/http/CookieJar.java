package io.jasyncio.http;

import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The cookies a {@link ClientSession} got, sent back where RFC 6265 says (aiohttp's {@code CookieJar}):
 * domain matching ({@code Domain=example.com} covers its subdomains; without it the cookie is host-only),
 * path matching (the default path is the request's directory), {@code Secure} cookies only over https,
 * expiry by {@code Max-Age} (which wins) or {@code Expires}, and a {@code Domain} the request's host is not
 * inside refused. Cookies from a host given as an IP address are refused unless the jar is {@code unsafe}
 * (as aiohttp). Bounded: a cookie's name and value together at most {@value #MAX_COOKIE_SIZE} bytes, at most
 * {@value #MAX_PER_DOMAIN} cookies per domain and {@value #MAX_TOTAL} in all (the oldest go first).
 *
 * <p>Threading: the session's loop thread.
 */
public final class CookieJar implements AbstractCookieJar {
    /** The most characters a cookie's name and value may have together; a larger cookie is not kept. */
    public static final int MAX_COOKIE_SIZE = 4096;
    /** The most cookies kept per domain; the oldest goes first. */
    public static final int MAX_PER_DOMAIN = 50;
    /** The most cookies kept in all; the oldest goes first. */
    public static final int MAX_TOTAL = 3000;

    /**
     * A kept cookie. {@code expiresAtMillis} is wall-clock milliseconds, or {@link Long#MAX_VALUE} for a
     * session cookie.
     *
     * <p>Threading: immutable.
     *
     * @param name the cookie's name
     * @param value the cookie's value
     * @param domain the domain it is sent to (the request's host when {@code hostOnly})
     * @param path the path it is sent under
     * @param hostOnly whether it is sent to {@code domain} only, not to its subdomains (no {@code Domain} attribute was
     *     given)
     * @param secure whether it is sent over HTTPS only
     * @param httpOnly whether the server marked it {@code HttpOnly}
     * @param expiresAtMillis when it expires, or {@link Long#MAX_VALUE}
     */
    public record Cookie(String name, String value, String domain, String path, boolean hostOnly, boolean secure,
            boolean httpOnly, long expiresAtMillis) {}

    private final boolean unsafe;
    private final LongSupplier clock;
    /** Key: domain, path, name. Insertion order is age order, for eviction. */
    private final LinkedHashMap<String, Cookie> cookies = new LinkedHashMap<>();

    /** A jar that refuses cookies from hosts given as IP addresses (aiohttp's {@code CookieJar()}). */
    public CookieJar() {
        this(false);
    }

    /**
     * {@code unsafe}: also keep cookies from hosts given as IP addresses.
     *
     * @param unsafe whether to keep cookies from hosts given as IP addresses too (aiohttp's {@code unsafe=True})
     */
    public CookieJar(boolean unsafe) {
        this(unsafe, System::currentTimeMillis);
    }

    CookieJar(boolean unsafe, LongSupplier clock) {
        this.unsafe = unsafe;
        this.clock = clock;
    }

    @Override
    public void updateCookies(List<String> setCookie, URI url) {
        String host = host(url);
        if (host == null) return;
        if (!unsafe && isIp(host)) return;
        for (String header : setCookie) {
            Cookie c = parse(header, host, url);
            if (c == null) continue;
            String key = c.domain + ";" + c.path + ";" + c.name;
            cookies.remove(key); // a replaced cookie goes to the back: its age restarts
            if (c.expiresAtMillis <= clock.getAsLong()) continue; // an expiry in the past deletes it
            cookies.put(key, c);
            bound(c.domain);
        }
    }

    /** RFC 6265 section 5.2, the parts that matter; null for a cookie to ignore. */
    private Cookie parse(String header, String host, URI url) {
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) return null;
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        if (name.isEmpty() || name.length() + value.length() > MAX_COOKIE_SIZE) return null;
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
        String domain = null, path = null;
        boolean secure = false, httpOnly = false;
        Long maxAge = null, expires = null;
        for (int i = 1; i < parts.length; i++) {
            String a = parts[i].trim();
            int e = a.indexOf('=');
            String an = (e < 0 ? a : a.substring(0, e)).trim().toLowerCase(Locale.ROOT);
            String av = e < 0 ? "" : a.substring(e + 1).trim();
            switch (an) {
                case "domain" -> {
                    String d = av.startsWith(".") ? av.substring(1) : av;
                    if (!d.isEmpty()) domain = d.toLowerCase(Locale.ROOT);
                }
                case "path" -> path = av.startsWith("/") ? av : null;
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "max-age" -> {
                    try {
                        maxAge = Long.parseLong(av);
                    } catch (NumberFormatException ignored) {
                        // RFC 6265 5.2.2: an unparsable Max-Age is ignored
                    }
                }
                case "expires" -> expires = parseDate(av);
                default -> {
                    // SameSite, Priority, ...: not used by a client jar
                }
            }
        }
        boolean hostOnly = domain == null;
        if (hostOnly) {
            domain = host;
        } else if (!domainMatch(host, domain) || domain.indexOf('.') < 0 && !domain.equals(host)) {
            return null; // a Domain outside the host, or a top-level one ("com"): refused
        }
        if (path == null) path = defaultPath(url);
        long now = clock.getAsLong();
        long at = Long.MAX_VALUE;
        if (maxAge != null) at = maxAge <= 0 ? Long.MIN_VALUE : now + Math.min(maxAge, Long.MAX_VALUE / 2000) * 1000;
        else if (expires != null) at = expires;
        return new Cookie(name, value, domain, path, hostOnly, secure, httpOnly, at);
    }

    private static final DateTimeFormatter[] DATES = {
        DateTimeFormatter.RFC_1123_DATE_TIME,
        DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.ROOT),
        DateTimeFormatter.ofPattern("EEE, dd-MMM-yyyy HH:mm:ss zzz", Locale.ROOT),
    };

    private static Long parseDate(String s) {
        for (DateTimeFormatter f : DATES) {
            try {
                return ZonedDateTime.parse(s, f).toInstant().toEpochMilli();
            } catch (DateTimeParseException ignored) {
                // try the next format
            }
        }
        return null; // RFC 6265 5.2.1: an unparsable Expires is ignored
    }

    /** Drops the oldest cookies past the bounds, expired ones first. */
    private void bound(String domain) {
        removeExpired();
        int inDomain = 0;
        for (Cookie c : cookies.values()) if (c.domain.equals(domain)) inDomain++;
        for (Iterator<Cookie> it = cookies.values().iterator(); inDomain > MAX_PER_DOMAIN && it.hasNext(); ) {
            if (it.next().domain.equals(domain)) {
                it.remove();
                inDomain--;
            }
        }
        for (Iterator<Cookie> it = cookies.values().iterator(); cookies.size() > MAX_TOTAL && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    private void removeExpired() {
        long now = clock.getAsLong();
        cookies.values().removeIf(c -> c.expiresAtMillis <= now);
    }

    @Override
    public String cookieHeader(URI url) {
        if (cookies.isEmpty()) return null; // before host(url): most sessions hold no cookies
        String host = host(url);
        if (host == null) return null;
        removeExpired();
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        List<Cookie> out = new ArrayList<>();
        for (Cookie c : cookies.values()) {
            if (c.hostOnly ? !host.equals(c.domain) : !domainMatch(host, c.domain)) continue;
            if (!pathMatch(path, c.path)) continue;
            if (c.secure && !https) continue;
            out.add(c);
        }
        if (out.isEmpty()) return null;
        out.sort(Comparator.comparingInt((Cookie c) -> -c.path.length())); // longer paths first (RFC 6265 5.4)
        StringBuilder sb = new StringBuilder();
        for (Cookie c : out) {
            if (!sb.isEmpty()) sb.append("; ");
            sb.append(c.name).append('=').append(c.value);
        }
        return sb.toString();
    }

    @Override
    public List<Cookie> cookies() {
        removeExpired();
        return List.copyOf(cookies.values());
    }

    @Override
    public void clear() {
        cookies.clear();
    }

    /**
     * The cookies a request to {@code url} would send, name → value, in the order they would be sent.
     *
     * @param url the request's URL
     * @return an ordered map of the cookies' names to their values
     */
    public Map<String, String> valuesFor(URI url) {
        Map<String, String> m = new LinkedHashMap<>();
        String h = cookieHeader(url);
        if (h != null) {
            for (String p : h.split("; ")) {
                int e = p.indexOf('=');
                m.putIfAbsent(p.substring(0, e), p.substring(e + 1));
            }
        }
        return m;
    }

    private static String host(URI url) {
        String h = url.getHost();
        if (h == null) return null;
        if (h.startsWith("[")) h = h.substring(1, h.length() - 1);
        return h.toLowerCase(Locale.ROOT);
    }

    private static boolean isIp(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** RFC 6265 5.1.3. */
    static boolean domainMatch(String host, String domain) {
        if (host.equals(domain)) return true;
        return host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.' && !isIp(host);
    }

    /** RFC 6265 5.1.4. */
    static boolean pathMatch(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath)) return true;
        if (!requestPath.startsWith(cookiePath)) return false;
        return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/';
    }

    /** RFC 6265 5.1.4: the request path up to its last '/', or "/". */
    private static String defaultPath(URI url) {
        String p = url.getRawPath();
        if (p == null || !p.startsWith("/")) return "/";
        int last = p.lastIndexOf('/');
        return last <= 0 ? "/" : p.substring(0, last);
    }
}
