package io.jasyncio.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Where a client request goes: a parsed {@code http} or {@code https} URL. Bad input is an
 * {@link InvalidUrlError} naming it.
 *
 * <p>Threading: immutable.
 */
record ClientUrl(URI uri, boolean tls, String host, int port, String target, String hostHeader) {
    /** Parses {@code url}, resolved against {@code base} when it is relative (base may be null). */
    static ClientUrl parse(String base, String url) {
        if (url == null) throw new InvalidUrlError("null", "no URL given");
        URI u;
        try {
            u = base == null ? new URI(url) : new URI(base).resolve(new URI(url));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidUrlError(url, "malformed (" + (e instanceof URISyntaxException s ? s.getReason() : e.getMessage()) + ")");
        }
        return of(u, url);
    }

    static ClientUrl of(URI u, String asGiven) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.isEmpty()) throw new InvalidUrlError(asGiven, "no scheme (give http:// or https://, or a base URL to the session)");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidUrlError(asGiven, "unsupported scheme " + scheme + " (only http and https)");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) throw new InvalidUrlError(asGiven, "no host");
        boolean tls = scheme.equals("https");
        int port = u.getPort() >= 0 ? u.getPort() : tls ? 443 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        String host = u.getHost();
        boolean defaultPort = u.getPort() < 0 || u.getPort() == (tls ? 443 : 80);
        String hostHeader = host + (defaultPort ? "" : ":" + u.getPort());
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        return new ClientUrl(u, tls, host.toLowerCase(Locale.ROOT), port, target, hostHeader);
    }

    /** This URL with {@code params} appended to its query, percent-encoded. */
    ClientUrl withParams(Map<String, ?> params) {
        if (params == null || params.isEmpty()) return this;
        StringBuilder q = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
        for (Map.Entry<String, ?> e : params.entrySet()) {
            Iterable<?> values = e.getValue() instanceof Iterable<?> it ? it : java.util.List.of(String.valueOf(e.getValue()));
            for (Object v : values) {
                if (!q.isEmpty()) q.append('&');
                q.append(UrlCodec.encode(e.getKey(), false)).append('=').append(UrlCodec.encode(String.valueOf(v), false));
            }
        }
        String s = uri.toString();
        int cut = s.indexOf('#');
        if (cut >= 0) s = s.substring(0, cut);
        int qi = s.indexOf('?');
        if (qi >= 0) s = s.substring(0, qi);
        return parse(null, s + "?" + q);
    }

    /** {@code Location} resolved against this URL. */
    ClientUrl resolve(String location) {
        try {
            return of(uri.resolve(new URI(location)), location);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidUrlError(location, "malformed redirect Location (" + e.getMessage() + ")");
        }
    }

    /** scheme://host:port, the pool's key. */
    String origin() {
        return (tls ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
