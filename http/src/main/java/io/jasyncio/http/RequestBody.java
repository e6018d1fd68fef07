package io.jasyncio.http;

import io.jasyncio.streams.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The body of a client request (aiohttp's {@code data=} / {@code json=} payloads): its bytes as a
 * {@link ByteSource}, its length when known (else it is sent chunked) and its {@code Content-Type}.
 * A body made from bytes, a file or a {@link FormData} without streams can be sent again (a 307/308 redirect,
 * a retry); one made from a stream cannot ({@link #replayable()}).
 *
 * <p>Threading: used by the requesting task; a replayable body may be given to several requests in turn.
 */
public final class RequestBody {
    /** Opens the bytes anew for each sending. */
    @FunctionalInterface
    interface Opener {
        ByteSource open() throws IOException;
    }

    private final Opener opener;
    private final long length;
    private final String contentType;
    private final boolean replayable;
    private boolean opened;

    RequestBody(Opener opener, long length, String contentType, boolean replayable) {
        this.opener = opener;
        this.length = length;
        this.contentType = contentType;
        this.replayable = replayable;
    }

    /**
     * {@code data} as it is, with {@code contentType} (may be null: none sent).
     *
     * @param data the bytes, copied
     * @param contentType the {@code Content-Type}, or null
     * @return a replayable body of known length
     */
    public static RequestBody of(byte[] data, String contentType) {
        byte[] copy = data.clone();
        return new RequestBody(() -> ByteSource.of(copy), copy.length, contentType, true);
    }

    /**
     * {@code text} as UTF-8 {@code text/plain}.
     *
     * @param text the text
     * @return a replayable body of known length
     */
    public static RequestBody text(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * Already-serialized JSON as {@code application/json} (the library has no JSON codec of its own).
     *
     * @param json the JSON text
     * @return a replayable body of known length
     */
    public static RequestBody json(String json) {
        return of(json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /**
     * A file, streamed; {@code contentType} defaults to {@code application/octet-stream}.
     *
     * @param file the file, read when the request is sent
     * @param contentType the {@code Content-Type}, or null
     * @return a replayable body of the file's size now
     * @throws IOException if the file's size cannot be read
     */
    public static RequestBody file(Path file, String contentType) throws IOException {
        long size = Files.size(file);
        return new RequestBody(() -> ByteSource.of(file), size, contentType == null ? "application/octet-stream" : contentType, true);
    }

    /**
     * Pieces from {@code source}, sent chunked (once: a stream cannot be replayed).
     *
     * @param source the pieces
     * @param contentType the {@code Content-Type}, or null
     * @return a body that can be sent once
     */
    public static RequestBody stream(ByteSource source, String contentType) {
        return new RequestBody(() -> source, -1, contentType, false);
    }

    /**
     * A {@link StreamReader}'s bytes until its end, sent chunked.
     *
     * @param reader the stream to drain
     * @param contentType the {@code Content-Type}, or null
     * @return a body that can be sent once
     */
    public static RequestBody stream(StreamReader reader, String contentType) {
        return stream(ByteSource.of(reader), contentType);
    }

    /**
     * {@code application/x-www-form-urlencoded} fields, in order.
     *
     * @param fields the fields, each name and value percent-encoded
     * @return a replayable body of known length
     */
    public static RequestBody form(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(UrlCodec.encode(e.getKey(), true)).append('=').append(UrlCodec.encode(e.getValue(), true));
        }
        return of(sb.toString().getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded");
    }

    /**
     * Length in bytes, or -1 when unknown (sent chunked).
     *
     * @return the length, or -1
     */
    public long length() {
        return length;
    }

    /** {@return the {@code Content-Type} sent, or null for none} */
    public String contentType() {
        return contentType;
    }

    /**
     * Whether the body can be sent more than once.
     *
     * @return true unless the body is a stream (then a 307 or 308 redirect cannot resend it)
     */
    public boolean replayable() {
        return replayable;
    }

    /** A fresh source of the bytes. */
    ByteSource open() throws IOException {
        if (!replayable && opened) throw new IOException("a streamed request body cannot be sent twice");
        opened = true;
        return opener.open();
    }

}
