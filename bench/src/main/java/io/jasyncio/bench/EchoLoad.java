package io.jasyncio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * An echo load client, same protocol as uvloop's benchmark client and the C {@code echoload}: each of
 * {@code conns} connections sends a message of {@code msize} bytes ending in {@code '\n'}, waits for the
 * whole echo, records the round trip, and repeats until {@code seconds} have passed. One thread and one
 * selector, so it costs at most one core. Loopback only by design: the caller chooses the address.
 *
 * <p>Threading: {@link #run()} blocks the calling thread; an instance is used once.
 */
public final class EchoLoad {
    /** What a run measured. Latencies are round trips in microseconds. */
    public record Result(long requests, double seconds, double p50us, double p90us, double p99us, double maxUs) {
        public double requestsPerSecond() {
            return requests / seconds;
        }

        public String summary() {
            return String.format("%,.0f req/s  (%d requests in %.2f s)  latency p50 %.0f us  p90 %.0f us  p99 %.0f us  max %.0f us",
                    requestsPerSecond(), requests, seconds, p50us, p90us, p99us, maxUs);
        }
    }

    private final InetSocketAddress address;
    private final int conns;
    private final int msize;
    private final double seconds;

    public EchoLoad(InetSocketAddress address, int conns, int msize, double seconds) {
        if (conns < 1) throw new IllegalArgumentException("--conns must be at least 1, got " + conns);
        if (msize < 1) throw new IllegalArgumentException("--msize must be at least 1 byte, got " + msize);
        if (!(seconds > 0)) throw new IllegalArgumentException("--duration must be positive, got " + seconds);
        this.address = address;
        this.conns = conns;
        this.msize = msize;
        this.seconds = seconds;
    }

    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer out;
        int received;
        long sentAt;

        Conn(SocketChannel ch, ByteBuffer message) {
            this.ch = ch;
            this.out = message.duplicate();
            out.position(out.limit()); // "previous message fully sent": the first send() starts a new one
        }
    }

    public Result run() {
        byte[] message = new byte[msize];
        Arrays.fill(message, (byte) 'x');
        message[msize - 1] = '\n';
        ByteBuffer template = ByteBuffer.allocateDirect(msize).put(message).flip();
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        LatencyHistogram latencies = new LatencyHistogram();
        long requests = 0;
        try (Selector selector = Selector.open()) {
            Conn[] all = new Conn[conns];
            for (int i = 0; i < conns; i++) {
                SocketChannel ch;
                try {
                    ch = SocketChannel.open(address);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot connect to " + address + ": " + e.getMessage()
                            + " (is the echo server running there?)", e);
                }
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                all[i] = new Conn(ch, template);
                ch.register(selector, SelectionKey.OP_READ, all[i]);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            for (Conn c : all) send(c, selector);
            while (true) {
                long now = System.nanoTime();
                if (now >= end) break;
                selector.select(Math.max(1, (end - now) / 1_000_000));
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    if (key.isWritable()) send(c, selector);
                    if (key.isReadable()) {
                        in.clear();
                        int n = c.ch.read(in);
                        if (n < 0) throw new IOException("the server closed connection " + c.ch.getLocalAddress());
                        c.received += n;
                        if (c.received > msize) {
                            throw new IOException("the server sent " + c.received + " bytes for a " + msize
                                    + "-byte message: not an echo server?");
                        }
                        if (c.received == msize) {
                            latencies.record((System.nanoTime() - c.sentAt) / 1000);
                            requests++;
                            send(c, selector);
                        }
                    }
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            for (Conn c : all) c.ch.close();
            return new Result(requests, elapsed, latencies.percentile(50), latencies.percentile(90),
                    latencies.percentile(99), latencies.max());
        } catch (IOException e) {
            throw new UncheckedIOException("echo load against " + address + " failed: " + e.getMessage(), e);
        }
    }

    private void send(Conn c, Selector selector) throws IOException {
        if (c.out.remaining() == 0) {
            c.out.rewind();
            c.received = 0;
            c.sentAt = System.nanoTime();
        }
        c.ch.write(c.out);
        SelectionKey key = c.ch.keyFor(selector);
        key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Microsecond latencies in log-linear buckets (about 1% precision), without storing every sample. */
    static final class LatencyHistogram {
        private static final int BUCKETS = 64 * 64;
        private final long[] counts = new long[BUCKETS];
        private long total;
        private long max;

        private static int bucket(long us) {
            if (us < 64) return (int) Math.max(0, us);
            int exp = 63 - Long.numberOfLeadingZeros(us); // >= 6
            int mantissa = (int) ((us >>> (exp - 6)) & 63);
            return Math.min(BUCKETS - 1, (exp - 5) * 64 + mantissa);
        }

        private static long lowerBound(int bucket) {
            if (bucket < 64) return bucket;
            int exp = bucket / 64 + 5;
            long mantissa = bucket % 64;
            return (64L + mantissa) << (exp - 6);
        }

        void record(long us) {
            counts[bucket(us)]++;
            total++;
            max = Math.max(max, us);
        }

        double percentile(double p) {
            if (total == 0) return 0;
            long rank = (long) Math.ceil(p / 100.0 * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) return lowerBound(i);
            }
            return max;
        }

        double max() {
            return max;
        }
    }
}
