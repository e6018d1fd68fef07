package io.jasyncio.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one {@link ClientSession} request adds to its session's settings (aiohttp's keyword arguments of
 * {@code session.request}): headers, query parameters, a body, a timeout, redirect handling, a proxy,
 * credentials. Set what you need; unset means the session's setting.
 *
 * <p>Threading: build it in one task; not thread-safe.
 */
public final class RequestOptions {
    final Headers headers = new Headers();
    final Map<String, Object> params = new LinkedHashMap<>();
    RequestBody body;
    ClientTimeout timeout;
    Boolean allowRedirects;
    Integer maxRedirects;
    String proxy;
    BasicAuth proxyAuth;
    BasicAuth auth;
    Boolean raiseForStatus;

    public static RequestOptions of() {
        return new RequestOptions();
    }

    public RequestOptions header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    public RequestOptions headers(Headers h) {
        for (String n : h.names()) for (String v : h.getAll(n)) headers.add(n, v);
        return this;
    }

    /** A query parameter, percent-encoded and added to the URL's query (repeat the name for several values). */
    public RequestOptions param(String name, String value) {
        params.merge(name, java.util.List.of(value), (a, b) -> {
            java.util.List<Object> all = new java.util.ArrayList<>((java.util.List<?>) a);
            all.addAll((java.util.List<?>) b);
            return all;
        });
        return this;
    }

    public RequestOptions body(RequestBody b) {
        body = b;
        return this;
    }

    public RequestOptions data(byte[] data, String contentType) {
        return body(RequestBody.of(data, contentType));
    }

    /** Already-serialized JSON. */
    public RequestOptions json(String json) {
        return body(RequestBody.json(json));
    }

    public RequestOptions form(FormData form) {
        return body(form.body());
    }

    public RequestOptions timeout(ClientTimeout t) {
        timeout = t;
        return this;
    }

    public RequestOptions allowRedirects(boolean on) {
        allowRedirects = on;
        return this;
    }

    public RequestOptions maxRedirects(int n) {
        if (n < 0) throw new IllegalArgumentException("maxRedirects must be >= 0, got " + n);
        maxRedirects = n;
        return this;
    }

    /** An {@code http://} proxy for this request. */
    public RequestOptions proxy(String url, BasicAuth auth) {
        proxy = url;
        proxyAuth = auth;
        return this;
    }

    /** Basic credentials sent as {@code Authorization} (not to another host after a redirect). */
    public RequestOptions auth(BasicAuth a) {
        auth = a;
        return this;
    }

    public RequestOptions raiseForStatus(boolean on) {
        raiseForStatus = on;
        return this;
    }
}
