package io.jasyncio.loadtest.target;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request, as the one-request form sends it over and over: a URL ({@code http://host[:port]/path?query};
 * any host, the loopback address is only the tests' default), a method, header lines and a body. The request's
 * bytes are made once here; each send writes them as they are.
 *
 * <p>Threading: immutable.
 */
public final class HttpTarget implements Wire {
    /** The longest header line (name and value) a user may give. */
    public static final int MAX_HEADER_LINE = 8192;
    /** The largest body a user may give. */
    public static final int MAX_BODY = 16 * 1024 * 1024;

    private final Url url;
    private final String method;
    private final boolean head;
    private final ByteBuffer request;

    /**
     * A URL split into what a request needs.
     *
     * <p>Threading: immutable.
     *
     * @param scheme {@code http} or {@code https}, lower case
     * @param host the host name or address (an IPv6 address without brackets)
     * @param port the port (80 or 443 when the URL gives none)
     * @param pathAndQuery the raw path and query, {@code /} at least
     */
    public record Url(String scheme, String host, int port, String pathAndQuery) {
        /**
         * {@code http[s]://host[:port][/path][?query]} (no fragment, no user info).
         *
         * @param text the URL
         * @return its parts
         * @throws IllegalArgumentException not an http(s) URL, no host, or user info
         */
        public static Url parse(String text) {
            URI u;
            try {
                u = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("'" + text + "' is not an http:// or https:// URL (for raw TCP write tcp://host:port)");
            }
            if (u.getHost() == null) throw new IllegalArgumentException("'" + text + "' names no host");
            if (u.getRawUserInfo() != null) throw new IllegalArgumentException("'" + text + "': user info in the URL is not supported");
            int port = u.getPort() < 0 ? defaultPort(scheme) : u.getPort();
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            if (u.getRawQuery() != null) path += "?" + u.getRawQuery();
            String host = u.getHost();
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return new Url(scheme, host, port, path);
        }

        private static int defaultPort(String scheme) {
            return scheme.equals("https") ? 443 : 80;
        }

        /**
         * Whether the URL is https: the connection is TLS.
         *
         * @return true for https
         */
        public boolean tls() {
            return scheme.equals("https");
        }

        /**
         * The Host header's value.
         *
         * @return the host, bracketed if IPv6, with the port unless it is the scheme's default
         */
        public String hostHeader() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return port == defaultPort(scheme) ? h : h + ":" + port;
        }

        /**
         * The origin: scheme, host and port.
         *
         * @return {@code scheme://host[:port]}
         */
        public String origin() {
            return scheme + "://" + hostHeader();
        }

        @Override
        public String toString() {
            return origin() + pathAndQuery;
        }
    }

    /**
     * The request {@code method} of {@code url} with {@code headers} ("Name: value" lines) and {@code body}
     * (null: none); Host, Content-Length (when there is a body or the method usually has one) and a User-Agent
     * are added unless given.
     *
     * @param url an {@code http(s)://} URL
     * @param method the method (null: GET)
     * @param headers header lines, each "Name: value"
     * @param body the body, or null
     * @throws IllegalArgumentException a bad URL, method or header, a Content-Length or Transfer-Encoding header, or a
     *     body over {@value #MAX_BODY} bytes
     */
    public HttpTarget(String url, String method, List<String> headers, byte[] body) {
        this(Url.parse(url), method, headers, body);
    }

    /**
     * {@link #HttpTarget(String, String, List, byte[])} with the URL parsed already.
     *
     * @param url the URL
     * @param method the method (null: GET)
     * @param headers header lines, each "Name: value"
     * @param body the body, or null
     * @throws IllegalArgumentException a bad method or header, or a body over {@value #MAX_BODY} bytes
     */
    public HttpTarget(Url url, String method, List<String> headers, byte[] body) {
        this.url = url;
        this.method = requireToken(method == null ? "GET" : method.toUpperCase(Locale.ROOT));
        this.head = this.method.equals("HEAD");
        if (body != null && body.length > MAX_BODY) {
            throw new IllegalArgumentException("the request body is " + body.length + " bytes; the most is " + MAX_BODY);
        }
        this.request = Wire.direct(requestBytes(url, this.method, headers, body));
    }

    /**
     * The bytes of one request ({@code method} in upper case), checked as the constructor checks them.
     *
     * @param url the URL
     * @param method the method, in upper case
     * @param headers header lines, each "Name: value"
     * @param body the body, or null
     * @return the request's bytes, head and body
     * @throws IllegalArgumentException a bad method or header, or a Content-Length or Transfer-Encoding header
     */
    public static byte[] requestBytes(Url url, String method, List<String> headers, byte[] body) {
        requireToken(method);
        StringBuilder sb = new StringBuilder(128);
        sb.append(method).append(' ').append(url.pathAndQuery()).append(" HTTP/1.1\r\n");
        boolean host = false, length = false, agent = false;
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon < 1) throw new IllegalArgumentException("a header is 'Name: value', got '" + h + "'");
            String name = h.substring(0, colon).strip();
            String value = h.substring(colon + 1).strip();
            requireToken(name);
            if (h.length() > MAX_HEADER_LINE) throw new IllegalArgumentException("header '" + name + "' is longer than " + MAX_HEADER_LINE);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xFF) {
                    throw new IllegalArgumentException("header '" + name + "' has a character a header value cannot hold (CR, LF, NUL or above U+00FF)");
                }
            }
            String lower = name.toLowerCase(Locale.ROOT);
            host |= lower.equals("host");
            agent |= lower.equals("user-agent");
            if (lower.equals("content-length") || lower.equals("transfer-encoding")) {
                throw new IllegalArgumentException("the load tester frames the body itself: leave out " + name);
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        }
        if (!host) sb.append("Host: ").append(url.hostHeader()).append("\r\n");
        if (!agent) sb.append("User-Agent: jasyncio-loadtest\r\n");
        int n = body == null ? 0 : body.length;
        if (n > 0 || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            sb.append("Content-Length: ").append(n).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (n == 0) return head;
        byte[] all = new byte[head.length + n];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, n);
        return all;
    }

    static String requireToken(String s) {
        if (s.isEmpty()) throw new IllegalArgumentException("an HTTP method or header name cannot be empty");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
            if (!ok) throw new IllegalArgumentException("'" + s + "' is not an HTTP token (method or header name)");
        }
        return s;
    }

    /**
     * The request's URL.
     *
     * @return the URL
     */
    public Url url() {
        return url;
    }

    /**
     * The request's method, in upper case.
     *
     * @return the method
     */
    public String method() {
        return method;
    }

    @Override
    public ByteBuffer request() {
        return request.duplicate();
    }

    @Override
    public ResponseReader newReader() {
        return new HttpResponseParser(false, 0, head); // bodies are skipped, never kept: no limit to apply
    }

    @Override
    public String host() {
        return url.host();
    }

    @Override
    public boolean tls() {
        return url.tls();
    }

    @Override
    public int port() {
        return url.port();
    }

    @Override
    public String name() {
        return method + " " + url;
    }
}
