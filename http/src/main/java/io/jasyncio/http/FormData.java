package io.jasyncio.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A form to send (aiohttp's {@code FormData}): fields and files. With files it is sent as
 * {@code multipart/form-data} (RFC 7578), the files streamed from disk or from a {@link ByteSource} without
 * being held in memory; with fields only, as {@code application/x-www-form-urlencoded} unless
 * {@link #multipart()} asks otherwise. Build it, then give {@link #body()} to a request.
 *
 * <p>Threading: build it in one task; not thread-safe.
 */
public final class FormData {
    private record Part(String name, String filename, String contentType, long length, RequestBody.Opener bytes, boolean replayable) {}

    private final List<Part> parts = new ArrayList<>();
    private final Map<String, String> fields = new LinkedHashMap<>();
    private boolean multipart;
    private final String boundary = "jasyncio-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
            + Long.toHexString(ThreadLocalRandom.current().nextLong());

    /** An empty form. */
    public FormData() {}

    /**
     * A text field.
     *
     * @param name the field's name, not empty
     * @param value the field's value
     * @return this form
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public FormData add(String name, String value) {
        checkName(name);
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        parts.add(new Part(name, null, null, b.length, () -> ByteSource.of(b), true));
        fields.put(name, value);
        return this;
    }

    /**
     * A file from disk, streamed; {@code contentType} null means {@code application/octet-stream}.
     *
     * @param name the field's name, not empty
     * @param file the file; its name is sent as the part's file name
     * @param contentType the part's content type, or null
     * @return this form
     * @throws IOException if the file's size cannot be read (it does not exist, for example)
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public FormData addFile(String name, Path file, String contentType) throws IOException {
        checkName(name);
        long size = Files.size(file);
        parts.add(new Part(name, file.getFileName().toString(), contentType, size, () -> ByteSource.of(file), true));
        multipart = true;
        return this;
    }

    /**
     * A file given as bytes.
     *
     * @param name the field's name, not empty
     * @param filename the file name sent
     * @param data the file's bytes
     * @param contentType the part's content type, or null for {@code application/octet-stream}
     * @return this form
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public FormData addFile(String name, String filename, byte[] data, String contentType) {
        checkName(name);
        byte[] b = data.clone();
        parts.add(new Part(name, filename, contentType, b.length, () -> ByteSource.of(b), true));
        multipart = true;
        return this;
    }

    /**
     * A file streamed from {@code source} (the form is then sent chunked, once).
     *
     * @param name the field's name, not empty
     * @param filename the file name sent
     * @param source the file's bytes, read once while the form is sent
     * @param contentType the part's content type, or null for {@code application/octet-stream}
     * @return this form
     * @throws IllegalArgumentException if {@code name} is null or empty
     */
    public FormData addFile(String name, String filename, ByteSource source, String contentType) {
        checkName(name);
        parts.add(new Part(name, filename, contentType, -1, () -> source, false));
        multipart = true;
        return this;
    }

    /**
     * Sends the form as {@code multipart/form-data} even without files.
     *
     * @return this form
     */
    public FormData multipart() {
        multipart = true;
        return this;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a form field needs a name");
    }

    /**
     * The request body: multipart or URL-encoded, as said in the class comment.
     *
     * @return a body to send (aiohttp's {@code FormData()} called)
     */
    public RequestBody body() {
        if (!multipart) return RequestBody.form(fields);
        List<byte[]> heads = new ArrayList<>();
        long length = 0;
        boolean replayable = true;
        for (Part p : parts) {
            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
                    .append(quote(p.name)).append('"');
            if (p.filename != null) h.append("; filename=\"").append(quote(p.filename)).append('"');
            h.append("\r\n");
            if (p.filename != null) h.append("Content-Type: ").append(p.contentType == null ? "application/octet-stream" : p.contentType).append("\r\n");
            h.append("\r\n");
            byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
            heads.add(head);
            length = length < 0 || p.length < 0 ? -1 : length + head.length + p.length + 2;
            replayable &= p.replayable;
        }
        byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        if (length >= 0) length += end.length;
        List<Part> snapshot = List.copyOf(parts);
        return new RequestBody(() -> source(snapshot, heads, end), length, "multipart/form-data; boundary=" + boundary, replayable);
    }

    /** Each part's head, its bytes piece by piece, CRLF; then the closing boundary. */
    private static ByteSource source(List<Part> parts, List<byte[]> heads, byte[] end) {
        ArrayDeque<Object> todo = new ArrayDeque<>(); // byte[] to send, or a Part whose bytes come next
        for (int i = 0; i < parts.size(); i++) {
            todo.add(heads.get(i));
            todo.add(parts.get(i));
            todo.add(new byte[] {'\r', '\n'});
        }
        todo.add(end);
        ByteSource[] current = {null};
        return () -> {
            while (true) {
                if (current[0] != null) {
                    byte[] b = current[0].next();
                    if (b != null && b.length > 0) return b;
                    if (b == null) current[0] = null;
                    continue;
                }
                Object next = todo.poll();
                if (next == null) return null;
                if (next instanceof byte[] b) return b;
                current[0] = ((Part) next).bytes.open();
            }
        };
    }

    /** RFC 7578 section 4.2: quotes and line breaks percent-encoded, as browsers do. */
    private static String quote(String s) {
        return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }
}
