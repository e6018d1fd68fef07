package io.jasyncio.pg.types;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.Record;
import io.jasyncio.pg.protocol.Bytes;
import io.jasyncio.pg.protocol.MessageBuffer;
import io.jasyncio.pg.protocol.RowDescription;
import java.util.List;

/**
 * Composite values (records) in binary: a field count, then per field its type OID, length (-1 for NULL) and bytes.
 * The format names each field's type, so any record whose field types are known reads without a catalog lookup;
 * values read as {@link Record}s over a copy of their bytes. An anonymous record's fields are named {@code f1, f2, ...};
 * a named composite type's, after its attributes (learnt from the catalog). Named composite types are also sent in
 * binary; PostgreSQL cannot take an anonymous record as an argument.
 *
 * <p>Threading: immutable.
 */
public final class RecordCodec extends Codecs.Binary {
    /** The pseudo-type {@code record}. */
    static final RecordCodec ANONYMOUS = new RecordCodec(null, null);

    private final String[] names;
    private final int[] fieldOids;

    /** A named composite type with these attribute names and types (null for an anonymous record). */
    public RecordCodec(List<String> names, int[] fieldOids) {
        this.names = names == null ? null : names.toArray(String[]::new);
        this.fieldOids = fieldOids;
    }

    @Override
    public Object decode(byte[] buf, int from, int len, Types t) {
        if (len < 4) throw new DataError("invalid record value: " + len + " bytes");
        // The record keeps its bytes: a copy, since they may lie in the connection's reused read buffer.
        byte[] b = java.util.Arrays.copyOfRange(buf, from, from + len);
        int off = 0;
        int n = Bytes.getInt(b, off);
        if (n < 0 || (long) n * 8 > len - 4) throw new DataError("invalid record value: " + n + " fields in " + len + " bytes");
        int end = off + len;
        int[] oids = new int[n];
        int[] offsets = new int[n];
        int p = off + 4;
        for (int i = 0; i < n; i++) {
            if (p + 8 > end) throw new DataError("invalid record value: truncated");
            oids[i] = Bytes.getInt(b, p);
            int l = Bytes.getInt(b, p + 4);
            p += 8;
            if (l < 0) {
                offsets[i] = -1;
            } else {
                if (l > end - p) throw new DataError("invalid record value: field longer than the value");
                offsets[i] = p;
                p += l;
            }
        }
        String[] fieldNames = new String[n];
        Codec[] codecs = new Codec[n];
        for (int i = 0; i < n; i++) {
            fieldNames[i] = names != null && i < names.length ? names[i] : "f" + (i + 1);
            Codec c = t.codec(oids[i]);
            codecs[i] = c.binary() ? c : Codecs.TEXT_FALLBACK; // a type without a binary codec: its binary bytes as text
        }
        return new Record(new RowDescription(fieldNames, oids, codecs, t), b, offsets, 0);
    }

    @Override
    public void encode(Object v, MessageBuffer out, Types t) {
        if (fieldOids == null) {
            throw new DataError("PostgreSQL cannot take an anonymous record as an argument: cast the parameter to a composite type");
        }
        List<?> values;
        if (v instanceof Record r) values = r.values();
        else if (v instanceof List<?> l) values = l;
        else if (v instanceof Object[] a) values = java.util.Arrays.asList(a);
        else throw Codecs.expected("Record, List or Object[] of the type's fields", v);
        if (values.size() != fieldOids.length) {
            throw new DataError("the composite type has " + fieldOids.length + " fields, got " + values.size() + " values");
        }
        out.putInt(fieldOids.length);
        for (int i = 0; i < fieldOids.length; i++) {
            out.putInt(fieldOids[i]);
            Object x = values.get(i);
            if (x == null) {
                out.putInt(-1);
                continue;
            }
            Codec c = t.codec(fieldOids[i]);
            if (!c.binary()) throw new DataError("field " + (i + 1) + " of type " + Oid.name(fieldOids[i]) + " has no binary form");
            int at = out.beginValue();
            c.encode(x, out, t);
            out.endValue(at);
        }
    }
}
