package io.jasyncio.http.h2;

import java.util.HashMap;
import java.util.Map;

/**
 * HPACK's index space (RFC 7541 §2.3): the static table (indexes 1..61, Appendix A) followed by a dynamic table
 * of the fields most recently added, evicted oldest first to keep its size (each field's {@link HeaderField#size()})
 * within the maximum.
 *
 * <p>Threading: one encoder's or decoder's, on the connection's thread.
 */
final class HpackTable {
    static final HeaderField[] STATIC = {
        null,
        f(":authority", ""), f(":method", "GET"), f(":method", "POST"), f(":path", "/"), f(":path", "/index.html"),
        f(":scheme", "http"), f(":scheme", "https"), f(":status", "200"), f(":status", "204"), f(":status", "206"),
        f(":status", "304"), f(":status", "400"), f(":status", "404"), f(":status", "500"), f("accept-charset", ""),
        f("accept-encoding", "gzip, deflate"), f("accept-language", ""), f("accept-ranges", ""), f("accept", ""),
        f("access-control-allow-origin", ""), f("age", ""), f("allow", ""), f("authorization", ""),
        f("cache-control", ""), f("content-disposition", ""), f("content-encoding", ""), f("content-language", ""),
        f("content-length", ""), f("content-location", ""), f("content-range", ""), f("content-type", ""),
        f("cookie", ""), f("date", ""), f("etag", ""), f("expect", ""), f("expires", ""), f("from", ""), f("host", ""),
        f("if-match", ""), f("if-modified-since", ""), f("if-none-match", ""), f("if-range", ""),
        f("if-unmodified-since", ""), f("last-modified", ""), f("link", ""), f("location", ""), f("max-forwards", ""),
        f("proxy-authenticate", ""), f("proxy-authorization", ""), f("range", ""), f("referer", ""), f("refresh", ""),
        f("retry-after", ""), f("server", ""), f("set-cookie", ""), f("strict-transport-security", ""),
        f("transfer-encoding", ""), f("user-agent", ""), f("vary", ""), f("via", ""), f("www-authenticate", ""),
    };
    static final int STATIC_SIZE = STATIC.length - 1;
    /** Static index of each name (its first entry) and of each name-value pair. */
    private static final Map<String, Integer> STATIC_NAMES = new HashMap<>();
    private static final Map<HeaderField, Integer> STATIC_FIELDS = new HashMap<>();

    static {
        for (int i = STATIC_SIZE; i >= 1; i--) {
            STATIC_NAMES.put(STATIC[i].name(), i);
            STATIC_FIELDS.put(STATIC[i], i);
        }
    }

    private static HeaderField f(String n, String v) {
        return new HeaderField(n, v);
    }

    // The dynamic table as a ring: entries[(head + i) % length] is dynamic index i + 1 (newest first).
    private HeaderField[] ring = new HeaderField[16];
    private int head;
    private int count;
    private int size;
    private int maxSize;
    /** Counts the changes to the dynamic table (adds, evictions, resizes): equal counts, equal tables. */
    private long version;

    HpackTable(int maxSize) {
        this.maxSize = maxSize;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    long version() {
        return version;
    }

    int dynamicCount() {
        return count;
    }

    /** The field at HPACK index {@code index} (1-based, static first); COMPRESSION_ERROR when there is none. */
    HeaderField get(int index) {
        if (index >= 1 && index <= STATIC_SIZE) return STATIC[index];
        int d = index - STATIC_SIZE - 1;
        if (index < 1 || d >= count) {
            throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, "HPACK index " + index + " is not in the table ("
                    + (STATIC_SIZE + count) + " entries)");
        }
        return ring[(head + d) % ring.length];
    }

    /** Adds {@code f} as the newest entry, evicting to make room; a field larger than the table empties it. */
    void add(HeaderField f) {
        version++;
        int s = f.size();
        while (count > 0 && size + s > maxSize) evictOldest();
        if (s > maxSize) return;
        if (count == ring.length) {
            HeaderField[] r = new HeaderField[ring.length * 2];
            for (int i = 0; i < count; i++) r[i] = ring[(head + i) % ring.length];
            ring = r;
            head = 0;
        }
        head = (head - 1 + ring.length) % ring.length;
        ring[head] = f;
        count++;
        size += s;
    }

    void setMaxSize(int max) {
        version++;
        maxSize = max;
        while (count > 0 && size > maxSize) evictOldest();
    }

    private void evictOldest() {
        int last = (head + count - 1) % ring.length;
        size -= ring[last].size();
        ring[last] = null;
        count--;
    }

    /** The index of {@code f} exactly (static first), or 0. */
    int indexOf(HeaderField f) {
        Integer s = STATIC_FIELDS.get(f);
        if (s != null) return s;
        for (int i = 0; i < count; i++) if (ring[(head + i) % ring.length].equals(f)) return STATIC_SIZE + 1 + i;
        return 0;
    }

    /** An index of a field named {@code name} (static first), or 0. */
    int indexOfName(String name) {
        Integer s = STATIC_NAMES.get(name);
        if (s != null) return s;
        for (int i = 0; i < count; i++) if (ring[(head + i) % ring.length].name().equals(name)) return STATIC_SIZE + 1 + i;
        return 0;
    }
}
