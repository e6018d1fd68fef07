package io.jasyncio.loadtest.scenario;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.loadtest.target.Connector;
import io.jasyncio.loadtest.target.HttpResponseParser;
import io.jasyncio.loadtest.target.HttpTarget;
import io.jasyncio.loadtest.target.ProtocolViolation;
import io.jasyncio.loadtest.target.ResponseSink;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual user's HTTP/1.1 client: keep-alive connections per origin (any host; a relative URL is resolved
 * against the run's base URL), the answer's headers and body kept for checks and correlation. Requests wait
 * for their answer as coroutines; a request that is cancelled (its step timed out) closes its connection, so a
 * late answer is never taken for the next one's. Bodies of answers are limited to {@code maxBody} bytes.
 *
 * <p>Threading: the event loop's thread, in the user's tasks.
 */
public final class HttpClient implements AutoCloseable {
    private final String baseUrl;
    private final int maxBody;
    private final Connector connector;
    private final int index;   // the user's: which source address its connections use
    private final List<String> defaultHeaders;
    private final Map<String, ArrayDeque<Conn>> idle = new HashMap<>();
    private final List<Conn> all = new ArrayList<>();
    private boolean closed;

    HttpClient(String baseUrl, List<String> defaultHeaders, int maxBody, Connector connector, int index) {
        this.baseUrl = baseUrl;
        this.connector = connector;
        this.index = index;
        this.defaultHeaders = List.copyOf(defaultHeaders);
        this.maxBody = maxBody;
    }

    /**
     * GET {@code url}.
     *
     * @param url an absolute URL, or a path resolved against the run's base URL
     * @return the answer, whatever its status
     * @throws IOException the connection failed or was lost
     */
    public HttpResponse get(String url) throws IOException {
        return send("GET", url, List.of(), null);
    }

    /**
     * POST {@code body} (UTF-8) to {@code url} with {@code contentType}.
     *
     * @param url an absolute URL, or a path resolved against the run's base URL
     * @param body the body, sent as UTF-8
     * @param contentType the Content-Type header's value
     * @return the answer, whatever its status
     * @throws IOException the connection failed or was lost
     */
    public HttpResponse post(String url, String body, String contentType) throws IOException {
        return send("POST", url, List.of("Content-Type: " + contentType), body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code method url} with {@code headers} ("Name: value") and {@code body} (null: none) and returns the
     * answer, whatever its status. Fails with the JDK's {@link java.net.ConnectException} (refused), an
     * {@link IOException} (the connection was lost), or a {@link ProtocolViolation} (not HTTP, or a body over the
     * limit).
     *
     * @param method the HTTP method
     * @param url an absolute URL, or a path resolved against the run's base URL
     * @param headers header fields, each "Name: value", after the run's own
     * @param body the body, or null
     * @return the answer
     * @throws IOException the connection failed or was lost
     */
    public HttpResponse send(String method, String url, List<String> headers, byte[] body) throws IOException {
        if (closed) throw new IllegalStateException("this virtual user's HTTP client is closed");
        HttpTarget.Url u = HttpTarget.Url.parse(resolve(url));
        List<String> h = headers;
        if (!defaultHeaders.isEmpty()) {
            h = new ArrayList<>(defaultHeaders);
            h.addAll(headers);
        }
        byte[] request = requestBytes(u, method, h, body);
        Conn c = take(u);
        Future<HttpResponseParser.Response> answer = c.send(request, method.equalsIgnoreCase("HEAD"));
        HttpResponseParser.Response r;
        try {
            r = Asyncio.await(answer);
        } catch (CancelledError e) {
            c.abort(); // the step gave up: a late answer must not be read as the next request's
            throw e;
        } catch (RuntimeException e) {
            c.abort();
            throw e;
        }
        if (c.reusable()) idle.computeIfAbsent(c.origin, k -> new ArrayDeque<>()).push(c);
        return HttpResponse.of(r);
    }

    private static byte[] requestBytes(HttpTarget.Url u, String method, List<String> headers, byte[] body) {
        if (body != null && body.length > HttpTarget.MAX_BODY) {
            throw new IllegalArgumentException("a request body of " + body.length + " bytes; the most is " + HttpTarget.MAX_BODY);
        }
        return HttpTarget.requestBytes(u, method.toUpperCase(java.util.Locale.ROOT), headers, body);
    }

    private String resolve(String url) {
        if (url.startsWith("http://") || url.startsWith("https://")) return url;
        if (baseUrl == null) throw new IllegalArgumentException("'" + url + "' is relative, and the run has no base URL");
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + (url.startsWith("/") ? url : "/" + url);
    }

    private Conn take(HttpTarget.Url u) throws IOException {
        String origin = u.origin();
        ArrayDeque<Conn> q = idle.get(origin);
        while (q != null && !q.isEmpty()) {
            Conn c = q.pop();
            if (c.reusable()) return c;
        }
        Conn c = new Conn(origin, Asyncio.getRunningLoop(), maxBody);
        connector.connect(() -> c, u.tls(), u.host(), u.port(), index);
        all.add(c);
        if (all.size() > 64) all.removeIf(x -> x.transport == null);
        return c;
    }

    /** Closes every connection. */
    @Override
    public void close() {
        closed = true;
        for (Conn c : all) c.abort();
        all.clear();
        idle.clear();
    }

    /** One keep-alive connection: one request at a time. */
    private static final class Conn implements Protocol, ResponseSink {
        final String origin;
        final EventLoop loop;
        final HttpResponseParser parser;
        Transport transport;
        Future<HttpResponseParser.Response> pending;
        boolean keepAlive = true;

        Conn(String origin, EventLoop loop, int maxBody) {
            this.origin = origin;
            this.loop = loop;
            this.parser = new HttpResponseParser(true, maxBody, false);
        }

        boolean reusable() {
            return transport != null && keepAlive && pending == null && !transport.isClosing();
        }

        Future<HttpResponseParser.Response> send(byte[] request, boolean head) {
            parser.headRequest(head);
            pending = loop.createFuture();
            if (transport == null) {
                pending.setException(new EOFException("the connection to " + origin + " closed before the request was sent"));
            } else {
                transport.write(ByteBuffer.wrap(request));
            }
            return pending;
        }

        void abort() {
            keepAlive = false;
            if (transport != null) transport.abort();
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            try {
                parser.feed(data, this);
            } catch (ProtocolViolation e) {
                fail(e);
                abort();
            }
        }

        @Override
        public void response(String failureKind, int status, boolean keepAlive) {
            Future<HttpResponseParser.Response> f = pending;
            if (f == null) throw new ProtocolViolation("an answer to no request from " + origin);
            pending = null;
            this.keepAlive = keepAlive;
            if (!keepAlive) transport.close();
            if (!f.done()) f.setResult(parser.last());
        }

        private void fail(Throwable e) {
            Future<HttpResponseParser.Response> f = pending;
            pending = null;
            if (f != null && !f.done()) f.setException(e);
        }

        @Override
        public void connectionLost(Throwable exc) {
            try {
                parser.eof(this);
            } catch (ProtocolViolation e) {
                fail(e);
            }
            transport = null;
            keepAlive = false;
            if (pending != null) {
                IOException e = new IOException(exc == null
                        ? "the connection to " + origin + " was closed before the answer was complete"
                        : "the connection to " + origin + " was lost: " + exc.getMessage());
                fail(e);
            }
        }
    }
}
