package io.jasyncio.examples;

import java.io.IOException;
import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Seed 002's test client for its echo servers: N clients connect at once; each sends "你好" after 0.5 s and
 * "世界！" after another 0.5 s, waits for each echo, and disconnects. Every event is printed as one
 * timestamped line, indented by eight spaces per client, in Chinese as in the seed or in English:
 * <pre>
 * [0.000000] 客户端 0 正在尝试连接。
 *         [0.000000] 客户端 1 正在尝试连接。
 * [0.500000] 客户端 0 发送消息 "你好"。
 * </pre>
 * Against a concurrent server every client is done after ≈ 1 s and their lines interleave; against the
 * sequential one each waits for the previous to leave. (The seed's run shows the waiting clients as not yet
 * connected; here the kernel completes their connections at once and they wait for their first echo instead.)
 * Delays are multiplied by {@code scale}; times are printed divided by it, in the seed's seconds.
 *
 * <p>Threading: configure it on any thread; {@link #run} is a coroutine (call it from a task's code), and
 * prints from the loop thread.
 */
public final class EchoClients {
    /** The seed's two messages. */
    public static final List<String> MESSAGES = List.of("你好", "世界！");

    /** Language of the printed lines. */
    public enum Lang { EN, ZH }

    /** What happened to a client. */
    public enum Kind { CONNECTING, CONNECTED, SENT, RECEIVED, DISCONNECTED }

    /** One event: when (seconds since the start, unscaled), which client, what, and the message if any. */
    public record Event(double time, int client, Kind kind, String message) {
        /** The seed's line for this event. */
        public String format(Lang lang) {
            String what = switch (lang) {
                case ZH -> "客户端 " + client + switch (kind) {
                    case CONNECTING -> " 正在尝试连接。";
                    case CONNECTED -> " 已连接。";
                    case SENT -> " 发送消息 \"" + message + "\"。";
                    case RECEIVED -> " 收到回应 \"" + message + "\"。";
                    case DISCONNECTED -> " 断开连接。";
                };
                case EN -> "client " + client + switch (kind) {
                    case CONNECTING -> " is trying to connect.";
                    case CONNECTED -> " connected.";
                    case SENT -> " sent \"" + message + "\".";
                    case RECEIVED -> " received \"" + message + "\".";
                    case DISCONNECTED -> " disconnected.";
                };
            };
            return " ".repeat(8 * client) + String.format(Locale.ROOT, "[%.6f] ", time) + what;
        }
    }

    private final String host;
    private final int port;
    private int clients = 3;
    private double scale = 1;
    private Lang lang = Lang.EN;
    private Consumer<String> out = line -> {};
    private EchoConnector connector;

    /** Clients of the echo server at {@code host:port}. */
    public EchoClients(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** How many clients (default 3). */
    public EchoClients clients(int n) {
        if (n < 1) throw new IllegalArgumentException("the number of clients must be at least 1, got " + n);
        this.clients = n;
        return this;
    }

    /** Multiplies the 0.5 s delays (default 1). */
    public EchoClients scale(double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        this.scale = scale;
        return this;
    }

    /** Where each formatted line goes (default nowhere), and in which language. */
    public EchoClients printTo(Consumer<String> out, Lang lang) {
        this.out = out;
        this.lang = lang;
        return this;
    }

    /**
     * The I/O to use (default: a {@link BlockingSocketConnector} opened and closed by {@link #run}; the CLI
     * uses {@link StreamsConnector}).
     */
    public EchoClients connector(EchoConnector connector) {
        this.connector = connector;
        return this;
    }

    /**
     * Runs the clients as concurrent tasks and returns every event in the order they happened. Fails with the
     * first client's error (for instance an echo that differs from what was sent), after stopping the others.
     */
    public List<Event> run() {
        EventLoop loop = Asyncio.getRunningLoop();
        double t0 = loop.time();
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        Consumer<Event> record = e -> {
            events.add(e);
            out.accept(e.format(lang));
        };
        BlockingSocketConnector own = connector == null ? new BlockingSocketConnector() : null;
        EchoConnector io = own != null ? own : connector;
        List<Task<Void>> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                int id = i;
                tasks.add(Asyncio.createTask(() -> client(id, io, loop, t0, record), "echo-client-" + id));
            }
            for (Task<Void> t : tasks) Asyncio.await(t);
        } finally {
            stopAll(tasks);
            if (own != null) own.close();
        }
        return List.copyOf(events);
    }

    /**
     * After a failure: cancels the clients still running and waits until they have closed their connections
     * (which ends their blocking calls, so the connector can close). Their own errors are secondary to the one
     * already propagating and are dropped here on purpose.
     */
    private static void stopAll(List<Task<Void>> tasks) {
        for (Task<Void> t : tasks) t.cancel();
        for (Task<Void> t : tasks) {
            while (!t.done()) {
                try {
                    Asyncio.await(t);
                } catch (Exception secondary) {
                    // the cancellation just asked for, or a failure caused by the first one
                }
            }
        }
    }

    private Void client(int id, EchoConnector io, EventLoop loop, double t0, Consumer<Event> record) throws IOException {
        record.accept(new Event(now(loop, t0), id, Kind.CONNECTING, null));
        try (EchoConnector.Connection conn = io.connect(host, port)) {
            record.accept(new Event(now(loop, t0), id, Kind.CONNECTED, null));
            for (String message : MESSAGES) {
                Asyncio.sleep(0.5 * scale);
                byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
                conn.send(bytes);
                record.accept(new Event(now(loop, t0), id, Kind.SENT, message));
                String echo = new String(conn.receive(bytes.length), StandardCharsets.UTF_8);
                record.accept(new Event(now(loop, t0), id, Kind.RECEIVED, echo));
                if (!echo.equals(message)) {
                    throw new IllegalStateException("client " + id + " sent \"" + message + "\" but got back \""
                            + echo + "\": is port " + port + " an echo server?");
                }
            }
        }
        record.accept(new Event(now(loop, t0), id, Kind.DISCONNECTED, null));
        return null;
    }

    private double now(EventLoop loop, double t0) {
        return (loop.time() - t0) / scale;
    }
}
