package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.TimerHandle;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The output side of one {@link HttpConnection}: writes response heads and bodies (whole, streamed, or a file
 * through the core's sendfile), never holding more than a slice of a large body in the transport's buffer, and
 * closes the connection once its client has taken what was sent.
 *
 * <p>The send timeout bounds every wait on the client (nginx's {@code send_timeout}): an answer, or a closing
 * connection's last bytes, of which the client takes no byte for that long is dropped with the connection. A
 * wait ends at once when the client goes away. Both end the answer (the methods return false) and are
 * reported to the connection through {@link HttpConnection#dropClient}.
 *
 * <p>Threading: the loop's thread only; the waits ({@link #waitDrained}) run in the connection's worker task.
 */
final class ResponseWriter {
    /** A body larger than this is sent in slices of this size, each once the client has taken the last. */
    static final int WRITE_SLICE = 64 * 1024;
    /**
     * While a file is sent, the client's progress is looked at this many times per send timeout: a client that
     * took no byte of it for that long is dropped within a send timeout and a quarter.
     */
    static final int FILE_WATCHES_PER_TIMEOUT = 4;
    /**
     * A file up to this size is read and sent with its head in one write: for a small file, setting up a
     * sendfile costs more than copying it (measured: a 4 KiB file 5x slower through sendfile than a hello).
     */
    static final int SMALL_FILE = 16 * 1024;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpConnection connection;
    private final Transport transport;
    private final EventLoop loop;
    private final AppRunner runner;
    /** The transport's buffer is over its high-water mark (its {@code pauseWriting}). */
    private boolean paused;
    private Future<Void> drained;
    /** While a close waits for the client to take what is still buffered: the send timeout's clock. */
    private TimerHandle closeTimer;
    /** The bytes of the current answer handed to the transport (head, framing and body): the access log's %b. */
    private long answerBytes;

    ResponseWriter(HttpConnection connection, Transport transport, AppRunner runner) {
        this.connection = connection;
        this.transport = transport;
        this.runner = runner;
        this.loop = runner.loop();
    }

    /** Starts counting the bytes of a new answer. */
    void startAnswer() {
        answerBytes = 0;
    }

    long answerBytes() {
        return answerBytes;
    }

    /** Whether the client is owed more than the transport's high-water mark. */
    boolean paused() {
        return paused;
    }

    /** What the transport holds that the client has not taken. */
    long unsentBytes() {
        return transport.getWriteBufferSize();
    }

    void writeContinue() {
        transport.write(ByteBuffer.wrap(CONTINUE));
    }

    // ---------------------------------------------------------------- whole answers (Response)

    /**
     * Sends a response: head and a small body in one write, a larger body in slices. False if the client went
     * away or stopped taking bytes meanwhile (the connection is then being closed).
     */
    boolean send(Response resp, boolean head, String version, boolean keepAlive) {
        byte[] body = resp.body();
        StringBuilder sb = head(resp.status(), resp.headers(), version, keepAlive);
        if (!HttpStatus.bodyless(resp.status())) sb.insert(sb.length() - 2, "Content-Length: " + body.length + "\r\n");
        int headLen = sb.length();
        boolean withBody = !head && body.length > 0;
        answerBytes += headLen + (withBody ? body.length : 0);
        if (withBody && body.length > WRITE_SLICE) {
            transport.write(ByteBuffer.wrap(ascii(sb, headLen, 0)));
            return sendBody(body);
        }
        byte[] out = ascii(sb, headLen, withBody ? body.length : 0);
        if (withBody) System.arraycopy(body, 0, out, headLen, body.length);
        transport.write(ByteBuffer.wrap(out));
        return true;
    }

    /**
     * Writes {@code data} in slices of {@link #WRITE_SLICE}, each once the client has taken enough of what came
     * before (the transport copies only what the socket does not take at once, so a large body held by the
     * handler is not copied whole into the write buffer). False if the client went away or stopped taking bytes.
     */
    private boolean sendBody(byte[] data) {
        for (int off = 0; off < data.length; off += WRITE_SLICE) {
            if (paused && !waitDrained() || connection.lost()) return false;
            transport.write(ByteBuffer.wrap(data, off, Math.min(WRITE_SLICE, data.length - off)));
        }
        return true;
    }

    // ---------------------------------------------------------------- streamed answers (StreamResponse)

    /** Sends a streamed answer's head, with the framing its body will have. */
    void streamHead(StreamResponse s, String version, boolean keepAlive) {
        StringBuilder sb = head(s.status(), s.sentHeaders(), version, keepAlive);
        if (s.chunked()) sb.insert(sb.length() - 2, "Transfer-Encoding: chunked\r\n");
        else if (s.announcedLength() >= 0) sb.insert(sb.length() - 2, "Content-Length: " + s.announcedLength() + "\r\n");
        answerBytes += sb.length();
        transport.write(ByteBuffer.wrap(ascii(sb, sb.length(), 0)));
    }

    /** Sends a piece of a streamed answer (already framed); throws once the client has gone or stopped reading. */
    void streamWrite(byte[] data) throws IOException {
        if (connection.lost()) throw new IOException("the client has gone");
        answerBytes += data.length;
        if (!sendBody(data) || paused && !waitDrained()) {
            throw new IOException(connection.lost() && !connection.closing()
                    ? "the client has gone" : "the client has gone or stopped reading");
        }
    }

    // ---------------------------------------------------------------- files (FileResponse)

    /**
     * Sends the head, then the file's bytes (a {@code multipart/byteranges} body: each part's head, then its
     * bytes): through the core's sendfile (zero-copy on a plain socket, chunks read and encrypted on TLS), the
     * whole of each part in one call, while a {@link ProgressWatch} drops a client that takes nothing for the send
     * timeout. A small answer is read into one write with its head.
     * False if the client went away or stopped taking bytes (the connection is aborted then), or if the file
     * shrank while being sent (the announced length cannot be kept: the connection is aborted, which is how the
     * client learns of it).
     */
    boolean sendFile(FileResponse.Prepared f, boolean head, String version, boolean keepAlive) {
        try (FileChannel ch = f.channel()) {
            StringBuilder sb = head(f.status(), f.headers(), version, keepAlive);
            sb.insert(sb.length() - 2, "Content-Length: " + f.length() + "\r\n");
            if (!head && f.length() <= SMALL_FILE) {
                int headLen = sb.length();
                byte[] out = ascii(sb, headLen, (int) f.length());
                int at = headLen;
                for (FileResponse.Part p : f.parts()) {
                    System.arraycopy(p.head(), 0, out, at, p.head().length);
                    at += p.head().length;
                    ByteBuffer b = ByteBuffer.wrap(out, at, (int) p.length());
                    while (b.hasRemaining()) {
                        if (ch.read(b, p.offset() + (b.position() - at)) < 0) break; // shrank: caught below
                    }
                    if (b.hasRemaining()) throw new EOFException("the file " + ch + " shrank while it was read");
                    at += (int) p.length();
                }
                System.arraycopy(f.end(), 0, out, at, f.end().length);
                transport.write(ByteBuffer.wrap(out));
                answerBytes += out.length;
                return true;
            }
            transport.write(ByteBuffer.wrap(ascii(sb, sb.length(), 0)));
            answerBytes += sb.length();
            if (head) return true;
            for (FileResponse.Part p : f.parts()) {
                if (p.head().length > 0) write(p.head());
                if (!sendFileBytes(ch, p.offset(), p.length())) return false;
            }
            if (f.end().length > 0) write(f.end());
            return true;
        } catch (CancelledError e) {
            throw e;
        } catch (Exception e) {
            if (!connection.lost()) { // a read error of the file (a client going away is no error of the server's)
                loop.callExceptionHandler(ExceptionContext.builder("Error sending a file").exception(e)
                        .put("transport", transport).build());
                connection.dropClient(false);
            }
            return false;
        }
    }

    private void write(byte[] b) {
        transport.write(ByteBuffer.wrap(b));
        answerBytes += b.length;
    }

    /**
     * Sends {@code length} bytes of {@code ch} from {@code offset} through one sendfile (a second only when the
     * first ends early, which means the file shrank), watched by a {@link ProgressWatch}: the transfer itself pays
     * nothing for the send timeout, however large the file.
     */
    private boolean sendFileBytes(FileChannel ch, long offset, long length) throws Exception {
        if (paused && !waitDrained() || connection.lost() || transport.isClosing()) return false;
        CountedFileChannel counted = new CountedFileChannel(ch);
        double timeout = runner.sendTimeout();
        ProgressWatch watch = timeout > 0 ? new ProgressWatch(counted, timeout / FILE_WATCHES_PER_TIMEOUT) : null;
        try {
            long left = length;
            while (left > 0) {
                long sent = Net.sendfile(transport, counted, offset, left);
                if (sent <= 0) {
                    loop.callExceptionHandler(ExceptionContext.builder("A file shrank while it was being sent")
                            .put("transport", transport).build());
                    connection.dropClient(false);
                    return false;
                }
                offset += sent;
                left -= sent;
                answerBytes += sent;
            }
            return true;
        } finally {
            if (watch != null) watch.stop();
        }
    }

    /**
     * The send timeout over a file being sent (nginx's {@code send_timeout}): every quarter of it, whether the
     * client took any byte since the last look; after {@link #FILE_WATCHES_PER_TIMEOUT} looks in a row without
     * progress the client is dropped, which fails the sendfile under way (the connection is lost).
     */
    private final class ProgressWatch implements Runnable {
        private final CountedFileChannel file;
        private final double every;
        private long seen;
        private int still;
        private TimerHandle timer;

        ProgressWatch(CountedFileChannel file, double every) {
            this.file = file;
            this.every = every;
            this.timer = loop.callLater(every, this);
        }

        @Override
        public void run() {
            timer = null;
            if (connection.lost()) return;
            long now = file.taken();
            still = now == seen ? still + 1 : 0;
            seen = now;
            if (still >= FILE_WATCHES_PER_TIMEOUT) {
                connection.dropClient(true);
                return;
            }
            timer = loop.callLater(every, this);
        }

        void stop() {
            if (timer != null) timer.cancel();
            timer = null;
        }
    }

    // ---------------------------------------------------------------- heads

    /** The status line and headers, ending with the empty line; the caller adds the body's framing. */
    static StringBuilder head(int status, Headers h, String version, boolean keepAlive) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(version).append(' ').append(status).append(' ').append(HttpStatus.reason(status)).append("\r\n");
        for (Map.Entry<String, List<String>> e : h.fields().entrySet()) {
            String name = e.getKey();
            // The server frames the body itself: a handler's own framing headers would contradict it.
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Connection")) continue;
            for (String v : e.getValue()) sb.append(name).append(": ").append(v).append("\r\n");
        }
        if (!h.contains("Date")) sb.append("Date: ").append(HttpDate.now()).append("\r\n");
        if (!h.contains("Server")) sb.append("Server: jasyncio\r\n");
        if (!keepAlive) sb.append("Connection: close\r\n");
        else if (version.equals("HTTP/1.0")) sb.append("Connection: keep-alive\r\n");
        sb.append("\r\n");
        return sb;
    }

    /** The head's characters as bytes (ISO-8859-1), with {@code extra} bytes of room after them. */
    static byte[] ascii(CharSequence sb, int len, int extra) {
        byte[] out = new byte[len + extra];
        for (int i = 0; i < len; i++) out[i] = (byte) sb.charAt(i);
        return out;
    }

    // ---------------------------------------------------------------- the client's pace

    /**
     * Waits, in the worker's task, until the client has taken what is buffered down to the low-water mark. False
     * if the client went away, or took no byte for the runner's send timeout: then the connection is aborted
     * (nginx's {@code send_timeout}: a client that stops reading must not hold its answer for ever).
     */
    boolean waitDrained() {
        double timeout = runner.sendTimeout();
        while (paused && !connection.lost()) {
            if (drained == null || drained.done()) drained = loop.createFuture();
            if (timeout <= 0) {
                Asyncio.await(drained);
                continue;
            }
            long before = transport.getWriteBufferSize();
            try {
                Asyncio.waitFor(drained, timeout);
            } catch (TimeoutError e) {
                if (transport.getWriteBufferSize() < before) continue; // it reads, slowly: wait on
                connection.dropClient(true);
                return false;
            }
        }
        return !connection.lost();
    }

    /** The transport's {@code pauseWriting} / {@code resumeWriting}. */
    void setPaused(boolean pause) {
        paused = pause;
        if (!pause && drained != null && !drained.done()) drained.setResult(null);
    }

    /** The connection is lost: the waits end (the worker sees it lost), the close needs no watching. */
    void connectionLost() {
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
        if (drained != null && !drained.done()) drained.setResult(null);
    }

    /**
     * Closes the transport once the client has taken what it holds. A transport's close waits for its buffer to
     * drain for as long as that takes, so a client that stops reading would keep a closing connection (and its
     * place under maxConnections) for ever: the send timeout applies here too, and the connection is aborted when
     * the client takes no byte for that long (nginx's {@code send_timeout} covers the lingering close as well).
     */
    void close() {
        transport.close();
        if (!connection.lost() && closeTimer == null) watchClose(transport.getWriteBufferSize());
    }

    private void watchClose(long before) {
        double timeout = runner.sendTimeout();
        if (before == 0 || timeout <= 0) return;
        closeTimer = loop.callLater(timeout, () -> {
            closeTimer = null;
            if (connection.lost()) return;
            long now = transport.getWriteBufferSize();
            if (now > 0 && now < before) watchClose(now); // it reads, slowly: wait on
            else if (now > 0) transport.abort();
        });
    }
}
