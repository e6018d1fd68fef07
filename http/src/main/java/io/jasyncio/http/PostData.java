package io.jasyncio.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A submitted form (aiohttp's {@code await request.post()}): the fields of an
 * {@code application/x-www-form-urlencoded} or {@code multipart/form-data} body, each name with its values in
 * order. A multipart file comes with its file name and content type ({@link Field#filename()}); its bytes are
 * held in memory, within the request's {@link Request#clientMaxSize()} for the whole body: stream large uploads
 * with {@link Request#multipart()} instead.
 *
 * <p>Bounds: at most {@link #MAX_FIELDS} fields (more: 400; Django's {@code DATA_UPLOAD_MAX_NUMBER_FIELDS}), the
 * body within {@link Request#clientMaxSize()} (413), and {@link MultipartReader}'s bounds on each part.
 *
 * <p>Threading: immutable once made.
 */
public final class PostData {
    /** The most fields a form may have. */
    public static final int MAX_FIELDS = 1000;

    /**
     * One field: its name and value, or for an uploaded file also its file name and content type.
     *
     * <p>Threading: immutable (the array is the field's own: do not change it).
     *
     * @param name the field's name
     * @param data the value's bytes
     * @param filename the uploaded file's name as the client gave it, or null for a plain field
     * @param contentType the part's {@code Content-Type}, or null
     */
    public record Field(String name, byte[] data, String filename, String contentType) {
        /**
         * The value as text: UTF-8, or the part's charset.
         *
         * @return the value, decoded
         * @throws HttpError 415 when the part names a charset the JVM does not have
         */
        public String text() {
            Charset cs = StandardCharsets.UTF_8;
            if (contentType != null) {
                String c = HeaderParams.parse(contentType).get("charset");
                try {
                    if (c != null) cs = Charset.forName(c);
                } catch (IllegalArgumentException e) {
                    throw new HttpError(415, "unsupported charset " + c + " in a form field");
                }
            }
            return new String(data, cs);
        }

        /** {@return whether the field is an uploaded file (it has a file name; aiohttp's {@code FileField})} */
        public boolean isFile() {
            return filename != null;
        }
    }

    private final Map<String, List<Field>> fields;

    private PostData(Map<String, List<Field>> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    static PostData of(Request r) {
        String type = r.header("Content-Type");
        String main = type == null ? "" : HeaderParams.mainValue(type);
        if (main.equals("application/x-www-form-urlencoded")) return urlencoded(r.text());
        if (main.equals("multipart/form-data")) return multipart(r);
        return new PostData(new LinkedHashMap<>());
    }

    static PostData urlencoded(String body) {
        Map<String, List<Field>> out = new LinkedHashMap<>();
        int n = 0;
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            if (++n > MAX_FIELDS) throw new HttpError(400, "the form has more than " + MAX_FIELDS + " fields");
            int eq = pair.indexOf('=');
            String name = UrlCodec.decode(eq < 0 ? pair : pair.substring(0, eq), true, "form");
            String value = eq < 0 ? "" : UrlCodec.decode(pair.substring(eq + 1), true, "form");
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new Field(name, value.getBytes(StandardCharsets.UTF_8), null, null));
        }
        return new PostData(out);
    }

    private static PostData multipart(Request r) {
        Map<String, List<Field>> out = new LinkedHashMap<>();
        long limit = r.clientMaxSize(), total = 0;
        int n = 0;
        try {
            MultipartReader reader = r.multipart();
            for (MultipartReader.Part p; (p = reader.next()) != null; ) {
                if (++n > MAX_FIELDS) throw new HttpError(400, "the form has more than " + MAX_FIELDS + " fields");
                String name = p.name();
                if (name == null) throw new HttpError(400, "a form-data part has no name (Content-Disposition: form-data; name=...)");
                byte[] data = p.readAll(limit - total);
                total += data.length;
                out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new Field(name, data, p.filename(), p.contentType()));
            }
        } catch (HttpError e) {
            if (e.status() == 413) {
                throw new HttpError(413, Request.tooLarge(limit));
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PostData(out);
    }

    /**
     * The first value of {@code name} as text, or null.
     *
     * @param name the field's name
     * @return the value, or null when there is no such field
     */
    public String get(String name) {
        List<Field> v = fields.get(name);
        return v == null ? null : v.get(0).text();
    }

    /**
     * Every value of {@code name} as text, in order.
     *
     * @param name the field's name
     * @return a new list, empty when there is no such field
     */
    public List<String> getAll(String name) {
        List<Field> v = fields.get(name);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>(v.size());
        for (Field f : v) out.add(f.text());
        return out;
    }

    /**
     * The first field named {@code name} (a file's too), or null.
     *
     * @param name the field's name
     * @return the field, or null
     */
    public Field field(String name) {
        List<Field> v = fields.get(name);
        return v == null ? null : v.get(0);
    }

    /**
     * Every field, by name, in the order given.
     *
     * @return an unmodifiable map of names to their fields
     */
    public Map<String, List<Field>> asMap() {
        return fields;
    }

    /** {@return how many fields there are, counting each value of a repeated name} */
    public int size() {
        int n = 0;
        for (List<Field> v : fields.values()) n += v.size();
        return n;
    }

    @Override
    public String toString() {
        return "<PostData " + fields.keySet() + ">";
    }
}
