package io.jasyncio.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A file sent from disk as the answer (aiohttp's {@code web.FileResponse}): a handler returns
 * {@code new FileResponse(path)}. On a plain TCP or Unix connection the body goes from the file to the socket
 * without being copied through the heap ({@code sendfile(2)}, through the core's {@code sendfile}); over TLS it
 * is read and encrypted in chunks. Either way memory stays bounded whatever the file's size.
 *
 * <p>What the server does with it, for a status of 200 (another status sends the file as it is):
 * <ul>
 * <li>{@code Content-Type} by extension (see the built-in table, then {@link Files#probeContentType}) unless the
 * handler set one; {@code ETag} ({@code "mtime-size"} in hex, as aiohttp's), {@code Last-Modified} and
 * {@code Accept-Ranges: bytes}.
 * <li>Conditionals in RFC 9110's order: {@code If-Match} / {@code If-Unmodified-Since} failing → 412;
 * {@code If-None-Match} matching (weak comparison) or, without it, {@code If-Modified-Since} not older than the
 * file → 304 for GET and HEAD (412 for other methods).
 * <li>{@code Range} on GET: one range → 206 with {@code Content-Range}; several → 206
 * {@code multipart/byteranges} (RFC 9110 section 14.6), overlapping ones coalesced; more than
 * 64 ranges, or ranges asking together for more bytes than the file has (overlaps) → the whole file, 200, as
 * nginx does; every range starting past the end → 416 with {@code Content-Range: bytes *}{@code /size}.
 * {@code If-Range} that does not match (strong ETag or exact date) → the whole file. A malformed Range is ignored.
 * <li>HEAD: the same headers, no body. A missing file or a directory → 404; a file the process may not read → 403.
 * </ul>
 *
 * <p>Threading: built by one handler and handed to the server; not thread-safe.
 */
public final class FileResponse extends Response {
    private final Path path;
    /** What the static route read of the file just before (saves a stat per request); null: read it in prepare. */
    private BasicFileAttributes known;

    /** The file at {@code path}, answered 200 (with ranges and conditionals). */
    public FileResponse(Path path) {
        this(path, 200);
    }

    /** The file at {@code path} with {@code status}; only 200 gets ranges and conditionals. */
    public FileResponse(Path path, int status) {
        super(status);
        if (path == null) throw new NullPointerException("path");
        if (HttpStatus.bodyless(status)) throw new IllegalArgumentException("a " + status + " response cannot have a body");
        this.path = path;
    }

    /** The file at {@code path}, whose attributes the caller has just read (a static route). */
    FileResponse(Path path, BasicFileAttributes known) {
        this(path, 200);
        this.known = known;
    }

    public Path path() {
        return path;
    }

    @Override
    public FileResponse header(String name, String value) {
        super.header(name, value);
        return this;
    }

    @Override
    public String toString() {
        return "<FileResponse " + status() + " " + path + ">";
    }

    /**
     * What the server sends: either {@code answer} (a 304, 412 or 416 without the file), or {@code status} and
     * {@code headers} with a body of {@code length} bytes: each of {@code parts} (a part's head, then a region of
     * {@code channel}), then {@code end}. One part with an empty head for the whole file or one range; several for
     * {@code multipart/byteranges}. The caller closes the channel.
     */
    record Prepared(Response answer, int status, Headers headers, FileChannel channel, List<Part> parts, byte[] end,
            long length) {}

    /** A piece of a file's answer: {@code head} (a multipart part's boundary and headers), then {@code length} bytes from {@code offset}. */
    record Part(byte[] head, long offset, long length) {}

    private static final byte[] NOTHING = new byte[0];

    /** Opens the file and decides the answer to {@code r} (its conditionals and Range). */
    Prepared prepare(Request r) throws IOException {
        BasicFileAttributes a = known != null ? known : attributes();
        known = null; // a second answer from the same response reads them afresh
        if (!a.isRegularFile()) throw new HttpError(404);
        long size = a.size();
        long mtimeSeconds = a.lastModifiedTime().to(TimeUnit.SECONDS);
        String etag = "\"" + Long.toHexString(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "-" + Long.toHexString(size) + "\"";
        String lastModified = HttpDate.format(a.lastModifiedTime().toInstant());

        Headers h = new Headers();
        for (String name : headers().names()) {
            for (String v : headers().getAll(name)) h.add(name, v);
        }
        if (!h.contains("Content-Type")) h.set("Content-Type", MimeTypes.of(path));
        long offset = 0, length = size;
        int status = status();
        if (status == 200) {
            h.set("ETag", etag).set("Last-Modified", lastModified).set("Accept-Ranges", "bytes");
            Response notNow = conditional(r, etag, mtimeSeconds, h);
            if (notNow != null) return new Prepared(notNow, 0, null, null, null, null, 0);
            long[][] ranges = r.method().equals("GET") && ifRange(r, etag, lastModified) ? ByteRanges.parse(r.header("Range"), size) : null;
            if (ranges == ByteRanges.UNSATISFIABLE) {
                Response e = Response.text(416, "416: Range Not Satisfiable: the file has " + size + " bytes");
                e.headers().set("Content-Range", "bytes */" + size);
                return new Prepared(e, 0, null, null, null, null, 0);
            }
            if (ranges != null && ranges.length == 1) {
                status = 206;
                offset = ranges[0][0];
                length = ranges[0][1] - ranges[0][0] + 1;
                h.set("Content-Range", "bytes " + ranges[0][0] + "-" + ranges[0][1] + "/" + size);
            } else if (ranges != null) {
                return open(206, multipart(h, ranges, size));
            }
        }
        return open(status, new Prepared(null, status, h, null, List.of(new Part(NOTHING, offset, length)), NOTHING, length));
    }

    private BasicFileAttributes attributes() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new HttpError(404);
        } catch (AccessDeniedException e) {
            throw new HttpError(403);
        }
    }

    /**
     * A {@code multipart/byteranges} answer (RFC 9110 section 14.6): each range a part with the file's
     * {@code Content-Type} and its {@code Content-Range}, between boundaries; the answer's type names the boundary.
     */
    private static Prepared multipart(Headers h, long[][] ranges, long size) {
        String boundary = "jasyncio-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE)
                + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        String type = h.get("Content-Type");
        List<Part> parts = new ArrayList<>(ranges.length);
        long length = 0;
        for (int i = 0; i < ranges.length; i++) {
            long[] r = ranges[i];
            String head = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + type
                    + "\r\nContent-Range: bytes " + r[0] + "-" + r[1] + "/" + size + "\r\n\r\n";
            Part p = new Part(head.getBytes(StandardCharsets.ISO_8859_1), r[0], r[1] - r[0] + 1);
            parts.add(p);
            length += p.head().length + p.length();
        }
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        h.set("Content-Type", "multipart/byteranges; boundary=" + boundary);
        return new Prepared(null, 206, h, null, List.copyOf(parts), end, length + end.length);
    }

    /** {@code p} with the file opened. */
    private Prepared open(int status, Prepared p) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new HttpError(404);
        } catch (AccessDeniedException e) {
            throw new HttpError(403);
        }
        return new Prepared(null, status, p.headers(), ch, p.parts(), p.end(), p.length());
    }

    /** A 304 or 412 when the request's conditionals say so (RFC 9110 section 13.2.2); else null. */
    private static Response conditional(Request r, String etag, long mtimeSeconds, Headers h) {
        String ifMatch = r.header("If-Match");
        if (ifMatch != null ? !matches(ifMatch, etag, false) : modifiedSince(r.header("If-Unmodified-Since"), mtimeSeconds, true)) {
            return Response.text(412, "412: Precondition Failed");
        }
        String ifNoneMatch = r.header("If-None-Match");
        boolean getOrHead = r.method().equals("GET") || r.method().equals("HEAD");
        boolean unchanged = ifNoneMatch != null ? matches(ifNoneMatch, etag, true)
                : getOrHead && r.header("If-Modified-Since") != null && !modifiedSince(r.header("If-Modified-Since"), mtimeSeconds, false);
        if (!unchanged) return null;
        if (!getOrHead) return Response.text(412, "412: Precondition Failed");
        Response nm = new Response(304);
        for (String name : new String[] {"ETag", "Last-Modified"}) nm.headers().set(name, h.get(name));
        return nm;
    }

    /**
     * Whether the file changed after the date in {@code header}. A missing or invalid date is ignored (RFC 9110
     * section 13.1.3): for If-Unmodified-Since the precondition passes (false), for If-Modified-Since the file is sent
     * (true).
     */
    private static boolean modifiedSince(String header, long mtimeSeconds, boolean forUnmodified) {
        long since = HttpDate.parseSeconds(header);
        if (since < 0) return !forUnmodified; // absent or invalid: If-Modified-Since sends the file, If-Unmodified-Since passes
        return mtimeSeconds > since;
    }

    /** Whether a list of entity tags ({@code *}, {@code "a", W/"b"}) holds {@code etag}; weak comparison or strong. */
    private static boolean matches(String list, String etag, boolean weak) {
        for (String t : list.split(",")) {
            String tag = t.trim();
            if (tag.equals("*")) return true;
            if (tag.startsWith("W/")) {
                if (!weak) continue; // a weak tag never matches strongly
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) return true;
        }
        return false;
    }

    /** Whether a Range may be honoured: no If-Range, or one that matches the file exactly (strong tag or date). */
    private static boolean ifRange(Request r, String etag, String lastModified) {
        String v = r.header("If-Range");
        if (v == null) return true;
        v = v.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) return v.equals(etag);
        return v.equals(lastModified);
    }
}
