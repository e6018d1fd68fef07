package io.jasyncio.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One line per answered request (aiohttp's {@code AccessLogger}), in aiohttp's (and Apache's) format language:
 * <ul>
 * <li>{@code %a} the client's IP address; {@code %t} when the request started, {@code [06/Dec/2026:09:01:29 +0000]};
 * {@code %P} the process id, {@code <1234>}; {@code %r} the request line, {@code GET /path?q HTTP/1.1};
 * {@code %s} the status; {@code %b} the bytes of the answer as sent, head and framing included (over HTTP/2 the
 * stream's HEADERS, CONTINUATION and DATA frames; a WebSocket's: all its stream carried);
 * <li>{@code %T} the time taken in whole seconds, {@code %Tf} in seconds with six decimals, {@code %D} in
 * microseconds (from the handler's start to the answer handed to the socket);
 * <li>{@code %{Name}i} a request header, {@code %{Name}o} a response header ({@code -} when absent);
 * {@code %%} a percent sign; anything else is copied.
 * </ul>
 * The format is compiled once, when the log is made; an unknown directive is an {@link IllegalArgumentException}
 * naming it. Header values are written as received, with control characters escaped ({@code \x0b}), so a client
 * cannot forge log lines; a value is cut at 1024 characters.
 *
 * <p>Lines go to a {@link System.Logger} named {@value #LOGGER_NAME} at INFO (the project logs through
 * {@code System.Logger}, which is {@code java.util.logging} unless another backend is installed), to an output
 * stream ({@link #toStream}: the lines of one loop iteration in one write, the fast way), or to a sink of your
 * own. Turn it on with {@link AppRunner#accessLog(AccessLog)}; it is off by default.
 *
 * <p>Threading: a line is formatted and handed to the sink on the loop's thread, so a sink that blocks holds up
 * the loop (the JDK's console handler writes and flushes each record synchronously, as aiohttp's logging does:
 * a system call per request). Give each runner its own {@code AccessLog} made by {@link #toStream}; the others
 * are immutable and may be shared.
 */
public final class AccessLog {
    /** aiohttp's default format. */
    public static final String DEFAULT_FORMAT = "%a %t \"%r\" %s %b \"%{Referer}i\" \"%{User-Agent}i\"";
    /** The logger of {@link #toLogger(String)} (aiohttp's is {@code aiohttp.access}). */
    public static final String LOGGER_NAME = "io.jasyncio.http.access";
    private static final int MAX_VALUE = 1024;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss' +0000]'", Locale.US).withZone(ZoneOffset.UTC);

    /** One directive or literal of the format. */
    private sealed interface Part permits Literal, Field, Header {}

    private record Literal(String text) implements Part {}

    private record Field(char what, boolean frac) implements Part {}

    private record Header(String name, boolean request) implements Part {}

    private final String format;
    private final List<Part> parts;
    private final Consumer<String> sink;

    private AccessLog(String format, Consumer<String> sink) {
        if (sink == null) throw new NullPointerException("sink");
        this.format = format;
        this.parts = compile(format);
        this.sink = sink;
    }

    /** Lines in {@code format} to the {@value #LOGGER_NAME} System.Logger at INFO. */
    public static AccessLog toLogger(String format) {
        System.Logger log = System.getLogger(LOGGER_NAME);
        return new AccessLog(format, line -> log.log(System.Logger.Level.INFO, line));
    }

    /**
     * Lines in {@code format} to {@code out}, buffered: the lines written during one iteration of the loop go out
     * in one write at its end (or when 64 KiB are waiting), so logging costs no system call per request. If
     * {@code out} fails, the error is reported once to the {@value #LOGGER_NAME} logger and the lines after it
     * are dropped (a full disk must not stop the server).
     */
    public static AccessLog toStream(String format, java.io.OutputStream out) {
        return new AccessLog(format, new BatchedSink(out));
    }

    /** Lines in {@code format} to {@code sink} (for example {@code System.out::println}). */
    public static AccessLog to(String format, Consumer<String> sink) {
        return new AccessLog(format, sink);
    }

    public String format() {
        return format;
    }

    private static List<Part> compile(String f) {
        if (f == null) throw new NullPointerException("format");
        List<Part> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (i + 1 >= f.length()) throw new IllegalArgumentException("the access log format ends with a lone %: " + f);
            char d = f.charAt(++i);
            Part p;
            switch (d) {
                case '%' -> {
                    lit.append('%');
                    continue;
                }
                case 'a', 't', 'P', 'r', 's', 'b', 'D' -> p = new Field(d, false);
                case 'T' -> {
                    boolean frac = i + 1 < f.length() && f.charAt(i + 1) == 'f';
                    if (frac) i++;
                    p = new Field('T', frac);
                }
                case '{' -> {
                    int close = f.indexOf('}', i);
                    if (close < 0 || close + 1 >= f.length()) {
                        throw new IllegalArgumentException("access log format: %{ without }i or }o at " + (i - 1) + ": " + f);
                    }
                    String name = f.substring(i + 1, close);
                    char io = f.charAt(close + 1);
                    if (name.isEmpty() || !name.matches("[A-Za-z0-9_-]+") || (io != 'i' && io != 'o')) {
                        throw new IllegalArgumentException("access log format: %{" + name + "}" + io
                                + " is not %{Header}i or %{Header}o: " + f);
                    }
                    p = new Header(name, io == 'i');
                    i = close + 1;
                }
                default -> throw new IllegalArgumentException("access log format: unknown directive %" + d + " in " + f
                        + " (known: %a %t %P %r %s %b %T %Tf %D %{Header}i %{Header}o %%)");
            }
            if (!lit.isEmpty()) {
                out.add(new Literal(lit.toString()));
                lit.setLength(0);
            }
            out.add(p);
        }
        if (!lit.isEmpty()) out.add(new Literal(lit.toString()));
        return List.copyOf(out);
    }

    /** Writes the line for {@code r}, answered {@code status} in {@code bytes} after {@code nanos}. */
    void log(Request r, int status, long bytes, Headers responseHeaders, long nanos) {
        sink.accept(line(r, status, bytes, responseHeaders, nanos, Instant.ofEpochMilli(System.currentTimeMillis())));
    }

    String line(Request r, int status, long bytes, Headers responseHeaders, long nanos, Instant end) {
        StringBuilder sb = new StringBuilder(128);
        for (Part p : parts) {
            switch (p) {
                case Literal l -> sb.append(l.text);
                case Header h -> {
                    String v = h.request ? r.header(h.name) : responseHeaders.get(h.name);
                    if (v == null) sb.append('-'); else escaped(sb, v);
                }
                case Field f -> {
                    switch (f.what) {
                        case 'a' -> sb.append(ip(r.remoteAddress()));
                        case 't' -> sb.append(startTime(end.minusNanos(nanos).getEpochSecond()));
                        case 'P' -> sb.append('<').append(ProcessHandle.current().pid()).append('>');
                        case 'r' -> {
                            sb.append(r.method()).append(' ');
                            escaped(sb, r.rawPath());
                            if (!r.rawQuery().isEmpty()) escaped(sb.append('?'), r.rawQuery());
                            sb.append(' ').append(r.version());
                        }
                        case 's' -> sb.append(status);
                        case 'b' -> sb.append(bytes);
                        case 'T' -> {
                            if (f.frac) sb.append(String.format(Locale.ROOT, "%.6f", nanos / 1e9));
                            else sb.append(Math.round(nanos / 1e9));
                        }
                        case 'D' -> sb.append(Math.round(nanos / 1e3));
                        default -> throw new AssertionError(f);
                    }
                }
            }
        }
        return sb.toString();
    }

    private record Stamp(long second, String text) {}

    private static volatile Stamp lastStart = new Stamp(Long.MIN_VALUE, "");

    /** {@code %t}, formatted at most once per second (requests of the same second share it). */
    private static String startTime(long second) {
        Stamp st = lastStart;
        if (st.second != second) lastStart = st = new Stamp(second, TIME.format(Instant.ofEpochSecond(second)));
        return st.text;
    }

    /** {@link #toStream}'s sink: lines gathered during a loop iteration, written at its end. */
    private static final class BatchedSink implements Consumer<String> {
        private static final int MAX_BUFFERED = 64 * 1024;
        private final java.io.OutputStream out;
        private final StringBuilder buf = new StringBuilder();
        private boolean scheduled;
        private boolean failed;

        BatchedSink(java.io.OutputStream out) {
            if (out == null) throw new NullPointerException("out");
            this.out = out;
        }

        @Override
        public synchronized void accept(String line) {
            if (failed) return;
            buf.append(line).append('\n');
            if (buf.length() >= MAX_BUFFERED) {
                flush();
            } else if (!scheduled) {
                io.jasyncio.EventLoop loop;
                try {
                    loop = io.jasyncio.Asyncio.getRunningLoop();
                } catch (IllegalStateException none) {
                    loop = null; // not on a loop's thread: written at once
                }
                if (loop == null) {
                    flush();
                } else {
                    scheduled = true;
                    loop.callSoon(this::flush); // after the callbacks already queued: the rest of this iteration
                }
            }
        }

        private synchronized void flush() {
            scheduled = false;
            if (buf.isEmpty() || failed) return;
            try {
                out.write(buf.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
            } catch (java.io.IOException e) {
                failed = true;
                System.getLogger(LOGGER_NAME).log(System.Logger.Level.ERROR,
                        "the access log cannot be written; no more lines will be: " + e, e);
            } finally {
                buf.setLength(0);
            }
        }
    }

    private static String ip(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return a == null ? "-" : a.toString();
    }

    private static void escaped(StringBuilder sb, String v) {
        int n = Math.min(v.length(), MAX_VALUE);
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        if (v.length() > MAX_VALUE) sb.append("...");
    }

    @Override
    public String toString() {
        return "<AccessLog " + format + ">";
    }
}
