package io.jasyncio.pg.protocol;

import io.jasyncio.pg.types.Codec;
import io.jasyncio.pg.types.Types;
import java.util.HashMap;
import java.util.Map;

/**
 * The columns of a result (a RowDescription, or a composite value's fields): names, type OIDs and the codec each
 * column's values are read with (whose format, binary or text, the query asked the server for). Shared by every
 * {@link io.jasyncio.pg.Record} of the statement's results.
 *
 * <p>Threading: immutable once made; the name index is built on first use by the loop's thread.
 */
public final class RowDescription {
    public final String[] names;
    public final int[] typeOids;
    public final Codec[] codecs;
    public final Types types;
    private Map<String, Integer> index;

    public RowDescription(String[] names, int[] typeOids, Codec[] codecs, Types types) {
        this.names = names;
        this.typeOids = typeOids;
        this.codecs = codecs;
        this.types = types;
    }

    public int size() {
        return names.length;
    }

    /** The index of the column called {@code name} (the first, if several are), or -1. */
    public int indexOf(String name) {
        Map<String, Integer> m = index;
        if (m == null) {
            m = new HashMap<>(names.length * 2);
            for (int i = names.length - 1; i >= 0; i--) m.put(names[i], i);
            index = m;
        }
        Integer i = m.get(name);
        return i == null ? -1 : i;
    }

    /**
     * Parses a RowDescription's body: a count, then per column name, table OID, column number, type OID, type size,
     * type modifier and format. Codecs come from {@code types}; formats are chosen later, at Bind.
     */
    public static RowDescription parse(byte[] b, int off, int len, Types types) {
        int end = off + len;
        if (len < 2) throw new ProtocolViolation("RowDescription too short");
        int n = Bytes.getShort(b, off) & 0xffff;
        String[] names = new String[n];
        int[] oids = new int[n];
        Codec[] codecs = new Codec[n];
        int p = off + 2;
        for (int i = 0; i < n; i++) {
            int z = Bytes.indexOfNul(b, p, end);
            names[i] = Bytes.utf8(b, p, z - p);
            p = z + 1;
            if (p + 18 > end) throw new ProtocolViolation("RowDescription truncated");
            oids[i] = Bytes.getInt(b, p + 6);
            codecs[i] = types.codec(oids[i]);
            p += 18;
        }
        return new RowDescription(names, oids, codecs, types);
    }
}
