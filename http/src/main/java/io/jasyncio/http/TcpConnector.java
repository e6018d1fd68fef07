package io.jasyncio.http;

import io.jasyncio.transport.ConnectOptions;
import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.streams.IncompleteReadError;
import io.jasyncio.streams.LimitOverrunError;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.http.h2.Http2ClientConnection;
import io.jasyncio.http.h2.Http2ClientOptions;
import io.jasyncio.tls.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The connection pool of a {@link ClientSession} (aiohttp's {@code TCPConnector}): at most {@code limit}
 * connections in use at once (0: no limit) and {@code limitPerHost} per scheme, host and port (0: no limit);
 * a request that finds the limit reached waits its turn in a queue (first come, first served), for as long as
 * its {@link ClientTimeout#connect()} allows. A connection released with its response fully read waits idle
 * for the next request to the same place, {@code keepaliveTimeout} seconds at most, then is closed; one the
 * server closed meanwhile is noticed before reuse and dropped. Idle connections count against {@code limit}
 * too when a new one must be opened (the oldest idle one of another host is closed to make room), so the
 * sockets a pool holds stay bounded. {@link #close()} closes every connection, in use or idle, and fails the
 * waiters.
 *
 * <p>https goes through the library's TLS with {@link #tls(TlsOptions)} (default: the JDK's trust store and
 * host-name checking). Through an HTTP proxy, http:// requests are sent to the proxy in absolute form and
 * https:// ones through a {@code CONNECT} tunnel, TLS running end to end over it (h2 offered by ALPN to the origin:
 * the tunnel then carries one shared HTTP/2 connection per proxy, credentials and origin).
 *
 * <p>Threading: the loop's thread; one connector serves one loop.
 */
public final class TcpConnector implements AutoCloseable {
    /** aiohttp's defaults. */
    public static final int DEFAULT_LIMIT = 100;
    /** aiohttp's default {@code keepalive_timeout}: 15 seconds. */
    public static final double DEFAULT_KEEPALIVE_TIMEOUT = 15.0;

    private int limit = DEFAULT_LIMIT;
    private int limitPerHost;
    private double keepaliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;
    private TlsOptions tls;
    private int readLimit = StreamReader.DEFAULT_LIMIT;

    private final Map<String, ArrayDeque<ClientConnection>> idle = new HashMap<>();
    private final Set<ClientConnection> open = new LinkedHashSet<>();
    private final Map<String, Integer> acquiredPerKey = new HashMap<>();
    private int acquired;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** The HTTP/2 connection of each key, shared by its requests (counted once against the limits while open). */
    private final Map<String, ClientConnection> multiplexed = new HashMap<>();
    /** Keys whose first connection may turn out HTTP/2 and is being made: their requests wait for it. */
    private final Map<String, Future<Object>> opening = new HashMap<>();
    /** Keys whose server answered an {@code Upgrade: h2c} offer with HTTP/1.1: not offered again (bounded, oldest out). */
    private final Set<String> h1Only = new LinkedHashSet<>();
    private static final int MAX_H1_ONLY = 1024;
    private boolean closed;

    private record Waiter(String key, Future<Object> wake) {}

    /** A pool with aiohttp's defaults: limit 100, no limit per host, 15 s keep-alive. */
    public TcpConnector() {}

    /**
     * Connections in use at once, in all (0: no limit).
     *
     * @param n the limit (aiohttp's {@code limit}), 0 for none
     * @return this connector
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public TcpConnector limit(int n) {
        if (n < 0) throw new IllegalArgumentException("limit must be >= 0, got " + n);
        limit = n;
        return this;
    }

    /**
     * Connections in use at once per scheme, host and port (0: no limit).
     *
     * @param n the limit (aiohttp's {@code limit_per_host}), 0 for none
     * @return this connector
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public TcpConnector limitPerHost(int n) {
        if (n < 0) throw new IllegalArgumentException("limitPerHost must be >= 0, got " + n);
        limitPerHost = n;
        return this;
    }

    /**
     * Seconds an idle connection is kept for reuse; 0 closes each connection after its response.
     *
     * @param seconds the time kept (aiohttp's {@code keepalive_timeout}), 0 or more
     * @return this connector
     * @throws IllegalArgumentException if {@code seconds} is negative or NaN
     */
    public TcpConnector keepaliveTimeout(double seconds) {
        if (!(seconds >= 0)) throw new IllegalArgumentException("keepaliveTimeout must be >= 0, got " + seconds);
        keepaliveTimeout = seconds;
        return this;
    }

    /**
     * TLS options for https (a custom trust store, for one); the host name is set per connection.
     *
     * @param options client TLS options, or null for the JDK's trust store (aiohttp's {@code ssl=})
     * @return this connector
     */
    public TcpConnector tls(TlsOptions options) {
        tls = options;
        return this;
    }

    /** The TLS options set with {@link #tls(TlsOptions)}, or null. */
    TlsOptions tlsOptions() {
        return tls;
    }

    /**
     * The largest response head (and chunk-size line) accepted, in bytes (default 64 KiB).
     *
     * @param bytes the limit, 1024 or more
     * @return this connector
     * @throws IllegalArgumentException if {@code bytes} is less than 1024
     */
    public TcpConnector readLimit(int bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("readLimit must be >= 1024, got " + bytes);
        readLimit = bytes;
        return this;
    }

    /** {@return the limit on connections in use at once, 0 for none (aiohttp's {@code limit})} */
    public int limit() {
        return limit;
    }

    /** {@return the limit on connections in use at once per host, 0 for none (aiohttp's {@code limit_per_host})} */
    public int limitPerHost() {
        return limitPerHost;
    }

    /** {@return the seconds an idle connection is kept for reuse} */
    public double keepaliveTimeout() {
        return keepaliveTimeout;
    }

    int readLimit() {
        return readLimit;
    }

    /**
     * Open connections, in use or idle.
     *
     * @return the number of open connections
     */
    public int openConnections() {
        return open.size();
    }

    /**
     * Idle connections kept for reuse.
     *
     * @return the number of idle connections
     */
    public int idleConnections() {
        int n = 0;
        for (ArrayDeque<ClientConnection> q : idle.values()) n += q.size();
        return n;
    }

    /**
     * Requests waiting for a connection.
     *
     * @return the number of waiting requests
     */
    public int waiting() {
        return waiters.size();
    }

    /** {@return whether {@link #close()} was called (aiohttp's {@code closed})} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Where a connection goes and how; {@code h2}: how HTTP/2 may be spoken (through a proxy, only inside an https
     * CONNECT tunnel: a plain proxy takes HTTP/1.1 requests in absolute form).
     */
    record Route(ClientUrl url, ClientUrl proxy, BasicAuth proxyAuth, Http2ClientOptions h2, String key) {
        /** The route, with its pool key built once (a session sending to one origin again reuses the route). */
        static Route of(ClientUrl url, ClientUrl proxy, BasicAuth proxyAuth, Http2ClientOptions h2) {
            // Credentials are part of the key: a connection (a tunnel) made with them serves no request without
            boolean mayBeH2 = h2 != null && (url.tls() ? h2.alpn() : proxy == null && h2.priorKnowledge());
            boolean offersUpgrade = h2 != null && h2.upgrade() && !h2.priorKnowledge() && proxy == null && !url.tls();
            String key = url.origin() + (proxy == null ? "" : " via " + proxy.origin() + (proxyAuth == null ? "" : " as " + proxyAuth.encode()))
                    + (mayBeH2 ? " h2" : offersUpgrade ? " h2c?" : ""); // an Upgrade connection may become HTTP/2
            return new Route(url, proxy, proxyAuth, h2, key);
        }

        /** Whether {@link #of} with these would make this route again (the same URL object, proxy and options). */
        boolean sameAs(ClientUrl url, ClientUrl proxy, BasicAuth proxyAuth, Http2ClientOptions h2) {
            return this.url == url && java.util.Objects.equals(this.proxy, proxy) && this.proxyAuth == proxyAuth && this.h2 == h2;
        }

        /**
         * Whether a connection of this route may speak HTTP/2: TLS offering it by ALPN (directly or through a
         * proxy's tunnel), or h2c by prior knowledge (directly only).
         */
        boolean mayBeH2() {
            return h2 != null && (url.tls() ? h2.alpn() : proxy == null && h2.priorKnowledge());
        }

        /** Whether a new connection of this route offers {@code Upgrade: h2c} with its first request (http://, no proxy). */
        boolean offersUpgrade() {
            return h2 != null && h2.upgrade() && !h2.priorKnowledge() && proxy == null && !url.tls();
        }
    }

    /** The shared HTTP/2 connection of {@code route}'s key when it takes new streams now, else null (then {@link #acquire}). */
    ClientConnection shared(Route route) {
        if (closed || multiplexed.isEmpty()) return null;
        ClientConnection m = multiplexed.get(route.key());
        return m != null && m.h2.acceptsStreams() ? m : null;
    }

    /**
     * A connection for {@code route}: an idle one, or a new one when the limits allow, else after waiting
     * (under {@code d}'s connect timeout, which the caller applies).
     */
    ClientConnection acquire(Route route, Deadlines d) throws IOException {
        String key = route.key();
        boolean waited = false;
        while (true) {
            if (closed) throw new IOException("the connector is closed");
            ClientConnection m = multiplexed.get(key);
            if (m != null && m.h2.acceptsStreams()) return m; // HTTP/2: one connection per origin, its requests as streams
            Future<Object> first = opening.get(key);
            if (first != null) { // its first connection may be HTTP/2: wait to share it rather than open more
                Asyncio.await(Asyncio.shield(first));
                continue;
            }
            ClientConnection c = takeIdle(key);
            if (c != null) {
                take(key);
                return c;
            }
            if (mayOpen(key)) {
                take(key);
                Future<Object> made = null;
                // h2c by Upgrade: the others wait until the first request's answer says which protocol it is
                boolean upgrade = route.offersUpgrade() && !h1Only.contains(key);
                if (route.mayBeH2() || upgrade) {
                    made = Asyncio.getRunningLoop().createFuture();
                    opening.put(key, made);
                }
                boolean connected = false;
                try {
                    makeRoom();
                    c = d.sockConnect(() -> open(route, d));
                    connected = true;
                } catch (Throwable e) {
                    give(key);
                    throw e;
                } finally {
                    if (made != null && !(upgrade && connected && !closed)) {
                        opening.remove(key, made);
                        made.setResult(null);
                    }
                }
                if (closed) {
                    c.abort();
                    give(key);
                    throw new IOException("the connector was closed while connecting");
                }
                open.add(c);
                if (c.h2 != null) share(c);
                if (upgrade) c.upgradeOffer = made; // settled by upgraded() or settled()
                return c;
            }
            Waiter w = new Waiter(key, Asyncio.getRunningLoop().createFuture());
            if (waited) waiters.addFirst(w); // woken, but another task took the place: keep the turn
            else waiters.add(w);
            waited = true;
            try {
                Asyncio.await(w.wake);
            } catch (Throwable e) {
                if (!waiters.remove(w)) wakeNext(); // woken but leaving (a timeout): pass the turn on
                throw e;
            }
        }
    }

    /**
     * Connection {@code c}, which offered {@code Upgrade: h2c} with its first request, was answered {@code 101}: it
     * now speaks HTTP/2 as {@code h2}, shared by its key's requests (it stays counted once, until it ends).
     */
    void upgraded(ClientConnection c, Http2ClientConnection h2) {
        c.h2 = h2;
        if (closed) {
            c.abort();
            return;
        }
        share(c);
        settled(c);
    }

    /**
     * The answer to {@code c}'s {@code Upgrade: h2c} offer is in (or the request failed): the requests waiting to see
     * whether it became HTTP/2 go on. {@code http11}: the server answered in HTTP/1.1, so its key is not offered the
     * upgrade again.
     */
    void settled(ClientConnection c, boolean http11) {
        if (http11) {
            if (h1Only.size() >= MAX_H1_ONLY) h1Only.remove(h1Only.iterator().next());
            h1Only.add(c.key);
        }
        settled(c);
    }

    private void settled(ClientConnection c) {
        Future<Object> f = c.upgradeOffer;
        if (f == null) return;
        c.upgradeOffer = null;
        opening.remove(c.key, f);
        f.setResult(null);
    }

    /** Makes HTTP/2 connection {@code c} its key's shared one until it ends (or gets GOAWAY). */
    private void share(ClientConnection c) {
        multiplexed.put(c.key, c);
        c.h2.onClosed(() -> {
            multiplexed.remove(c.key, c);
            give(c.key); // it no longer counts: another connection may be opened
            wakeNext();
        });
        // once drained after GOAWAY, or failed, it leaves the open set too
        c.h2.onEnded(() -> open.remove(c));
    }

    /**
     * Gives back a connection after its response: kept idle when {@code reusable} (the response read to its
     * end, keep-alive agreed), else closed.
     */
    void release(ClientConnection c, boolean reusable) {
        settled(c);
        give(c.key);
        if (reusable && !closed && keepaliveTimeout > 0 && c.reusable()) {
            c.served++;
            idle.computeIfAbsent(c.key, k -> new ArrayDeque<>()).add(c);
            c.idleTimer = Asyncio.getRunningLoop().callLater(keepaliveTimeout, () -> expire(c));
        } else {
            drop(c, !reusable);
        }
        wakeNext();
    }

    /** Takes an in-use connection out of the pool for good (after a 101): no longer counted, closed or reused. */
    void detach(ClientConnection c) {
        settled(c);
        give(c.key);
        open.remove(c);
        wakeNext();
    }

    private void expire(ClientConnection c) {
        c.idleTimer = null;
        ArrayDeque<ClientConnection> q = idle.get(c.key);
        if (q != null && q.remove(c)) {
            if (q.isEmpty()) idle.remove(c.key);
            drop(c, false);
        }
    }

    private void drop(ClientConnection c, boolean abort) {
        open.remove(c);
        if (abort) c.abort();
        else c.close();
    }

    private boolean mayOpen(String key) {
        return (limit == 0 || acquired < limit) && (limitPerHost == 0 || acquiredPerKey.getOrDefault(key, 0) < limitPerHost);
    }

    private void take(String key) {
        acquired++;
        acquiredPerKey.merge(key, 1, Integer::sum);
    }

    private void give(String key) {
        acquired--;
        acquiredPerKey.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Wakes the first waiter that can go on now. */
    private void wakeNext() {
        for (Waiter w : waiters) {
            ArrayDeque<ClientConnection> q = idle.get(w.key);
            if ((q != null && !q.isEmpty()) || mayOpen(w.key)) {
                waiters.remove(w);
                if (!w.wake.done()) w.wake.setResult(null);
                return;
            }
        }
    }

    private ClientConnection takeIdle(String key) {
        ArrayDeque<ClientConnection> q = idle.get(key);
        ClientConnection c;
        while (q != null && (c = q.pollLast()) != null) {
            c.cancelIdleTimer();
            if (q.isEmpty()) idle.remove(key);
            // The server closed it while idle, or sent bytes no request asked for: out of step, dropped
            if (c.reusable()) return c;
            drop(c, true);
        }
        return null;
    }

    /** Keeps the sockets held under {@code limit}: closes the oldest idle connection when the pool is full. */
    private void makeRoom() {
        if (limit == 0 || open.size() < limit) return;
        for (Iterator<ClientConnection> it = open.iterator(); it.hasNext(); ) {
            ClientConnection c = it.next();
            ArrayDeque<ClientConnection> q = idle.get(c.key);
            if (q != null && q.remove(c)) {
                if (q.isEmpty()) idle.remove(c.key);
                it.remove();
                c.close();
                return;
            }
        }
    }

    /**
     * A failure to connect to {@code what}, named: of the same class for a refused connection or an unknown host
     * (so {@code catch (ConnectException e)} works around a client call), an {@link IOException} otherwise.
     */
    static IOException connectFailed(String what, Exception e) {
        String message = "cannot connect to " + what + ": " + e.getMessage();
        IOException out = e instanceof java.net.ConnectException ? new java.net.ConnectException(message)
                : e instanceof java.net.UnknownHostException ? new java.net.UnknownHostException(message)
                : new IOException(message);
        out.initCause(e);
        return out;
    }

    private ClientConnection open(Route r, Deadlines d) throws IOException {
        ClientUrl target = r.proxy() == null ? r.url() : r.proxy();
        StreamPair io;
        try {
            io = r.proxy() == null && target.tls()
                    ? Streams.openConnection(target.host(), target.port(), readLimit, ConnectOptions.overTls(alpn(tlsFor(target.host()), r)))
                    : Streams.openConnection(target.host(), target.port(), readLimit);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CancelledError || e instanceof io.jasyncio.TimeoutError) throw e;
            throw connectFailed((r.proxy() == null ? "" : "the proxy ") + target.origin(), e);
        }
        if (r.proxy() != null && r.url().tls()) {
            boolean ok = false;
            try {
                tunnel(io, r, d);
                io.writer().startTls(alpn(tlsFor(r.url().host()), r)); // end to end: h2 offered to the origin, not the proxy
                ok = true;
            } catch (RuntimeException e) {
                if (e instanceof CancelledError || e instanceof io.jasyncio.TimeoutError) throw e;
                throw new IOException("TLS through the proxy's tunnel to " + r.url().origin() + " failed: " + e.getMessage(), e);
            } finally {
                if (!ok) io.writer().transport().abort();
            }
        } else if (r.proxy() != null) {
            return new ClientConnection(r.key(), io, true, r.proxyAuth());
        }
        if (r.mayBeH2() && (!r.url().tls() || negotiatedH2(io))) {
            ClientConnection c = new ClientConnection(r.key(), io, false, null);
            try {
                c.h2 = Http2ClientConnection.start(io, r.h2(), r.url().origin(), keepaliveTimeout);
            } catch (Throwable e) {
                c.abort();
                throw e;
            }
            return c;
        }
        return new ClientConnection(r.key(), io, false, null);
    }

    /** {@code tls} offering h2 then http/1.1 by ALPN when the route may speak HTTP/2 (unless it names protocols). */
    private static TlsOptions alpn(TlsOptions tls, Route r) {
        if (!r.mayBeH2()) return tls;
        javax.net.ssl.SSLParameters p = tls.parameters() != null ? tls.parameters() : tls.context().getDefaultSSLParameters();
        if (p.getApplicationProtocols() == null || p.getApplicationProtocols().length == 0) p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        return tls.withParameters(p);
    }

    private static boolean negotiatedH2(StreamPair io) {
        return io.writer().getExtraInfo("ssl_object") instanceof javax.net.ssl.SSLEngine e && "h2".equals(e.getApplicationProtocol());
    }

    private TlsOptions tlsFor(String host) {
        return (tls != null ? tls : TlsOptions.client()).withServerHostname(host);
    }

    /** HTTP CONNECT (RFC 9110 9.3.6): asks the proxy for a tunnel to the target; any 2xx opens it. */
    private void tunnel(StreamPair io, Route r, Deadlines d) throws IOException {
        String authority = r.url().hostHeader().indexOf(':') >= 0 && !r.url().hostHeader().endsWith("]") ? r.url().hostHeader()
                : r.url().hostHeader() + ":" + r.url().port();
        StringBuilder req = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n");
        if (r.proxyAuth() != null) req.append("Proxy-Authorization: ").append(r.proxyAuth().encode()).append("\r\n");
        req.append("\r\n");
        io.writer().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        ResponseHead head;
        try {
            head = d.read(() -> ResponseHead.read(io.reader(), "CONNECT " + authority + " (proxy " + r.proxy().origin() + ")"));
        } catch (IncompleteReadError | LimitOverrunError e) {
            throw new IOException("the proxy " + r.proxy().origin() + " answered CONNECT " + authority + " with no valid response", e);
        }
        if (head.status() / 100 != 2) {
            throw new ClientResponseError(head.status(), head.headers(), "the proxy " + r.proxy().origin() + " refused CONNECT "
                    + authority + ": " + head.status() + " " + head.reason()
                    + (head.status() == 407 ? " (give proxyAuth)" : ""));
        }
    }

    /** Closes every connection, idle or in use, and fails the requests waiting for one. */
    @Override
    public void close() {
        closed = true;
        for (ClientConnection c : java.util.List.copyOf(open)) c.abort();
        open.clear();
        idle.clear();
        multiplexed.clear();
        for (Waiter w : waiters) if (!w.wake.done()) w.wake.setResult(null); // they see closed and fail
        waiters.clear();
    }

    @Override
    public String toString() {
        return "<TcpConnector limit=" + limit + " limitPerHost=" + limitPerHost + " open=" + open.size() + " idle="
                + idleConnections() + " waiting=" + waiters.size() + (closed ? " closed" : "") + ">";
    }
}
