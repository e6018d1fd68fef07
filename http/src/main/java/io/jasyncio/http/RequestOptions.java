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

    /** Options adding nothing to the session's; {@link #of()} says the same. */
    public RequestOptions() {}

    /** {@return new options adding nothing to the session's} */
    public static RequestOptions of() {
        return new RequestOptions();
    }

    /**
     * Adds a header to the request (aiohttp's {@code headers=}).
     *
     * @param name the header's name, a token
     * @param value the header's value
     * @return these options
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or a character above
     *     U+00FF
     */
    public RequestOptions header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * Adds every header of {@code h} (aiohttp's {@code headers=}).
     *
     * @param h the headers
     * @return these options
     */
    public RequestOptions headers(Headers h) {
        for (String n : h.names()) for (String v : h.getAll(n)) headers.add(n, v);
        return this;
    }

    /**
     * A query parameter, percent-encoded and added to the URL's query (repeat the name for several values).
     *
     * @param name the parameter's name
     * @param value the parameter's value
     * @return these options
     */
    public RequestOptions param(String name, String value) {
        params.merge(name, java.util.List.of(value), (a, b) -> {
            java.util.List<Object> all = new java.util.ArrayList<>((java.util.List<?>) a);
            all.addAll((java.util.List<?>) b);
            return all;
        });
        return this;
    }

    /**
     * The request's body (aiohttp's {@code data=} with a payload).
     *
     * @param b the body, or null for none
     * @return these options
     */
    public RequestOptions body(RequestBody b) {
        body = b;
        return this;
    }

    /**
     * Bytes as the body (aiohttp's {@code data=bytes}).
     *
     * @param data the bytes, copied
     * @param contentType the {@code Content-Type}, or null
     * @return these options
     */
    public RequestOptions data(byte[] data, String contentType) {
        return body(RequestBody.of(data, contentType));
    }

    /**
     * Already-serialized JSON.
     *
     * @param json the JSON text, sent as {@code application/json} (aiohttp's {@code json=} once dumped)
     * @return these options
     */
    public RequestOptions json(String json) {
        return body(RequestBody.json(json));
    }

    /**
     * A form as the body (aiohttp's {@code data=FormData(...)}).
     *
     * @param form the form
     * @return these options
     */
    public RequestOptions form(FormData form) {
        return body(form.body());
    }

    /**
     * This request's timeout instead of the session's (aiohttp's {@code timeout=}).
     *
     * @param t the timeout
     * @return these options
     */
    public RequestOptions timeout(ClientTimeout t) {
        timeout = t;
        return this;
    }

    /**
     * Whether to follow redirects (aiohttp's {@code allow_redirects=}; the session's default is to follow).
     *
     * @param on false to get the 3xx response itself
     * @return these options
     */
    public RequestOptions allowRedirects(boolean on) {
        allowRedirects = on;
        return this;
    }

    /**
     * How many redirects to follow before a {@link TooManyRedirects} (aiohttp's {@code max_redirects=}).
     *
     * @param n the limit, 0 or more
     * @return these options
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public RequestOptions maxRedirects(int n) {
        if (n < 0) throw new IllegalArgumentException("maxRedirects must be >= 0, got " + n);
        maxRedirects = n;
        return this;
    }

    /**
     * An {@code http://} proxy for this request.
     *
     * @param url the proxy's URL (aiohttp's {@code proxy=})
     * @param auth its credentials, sent as {@code Proxy-Authorization}, or null (aiohttp's {@code proxy_auth=})
     * @return these options
     */
    public RequestOptions proxy(String url, BasicAuth auth) {
        proxy = url;
        proxyAuth = auth;
        return this;
    }

    /**
     * Basic credentials sent as {@code Authorization} (not to another host after a redirect).
     *
     * @param a the credentials (aiohttp's {@code auth=})
     * @return these options
     */
    public RequestOptions auth(BasicAuth a) {
        auth = a;
        return this;
    }

    /**
     * Whether a status of 400 or more throws a {@link ClientResponseError} (aiohttp's {@code raise_for_status=}).
     *
     * @param on true to throw
     * @return these options
     */
    public RequestOptions raiseForStatus(boolean on) {
        raiseForStatus = on;
        return this;
    }
}
