package io.jasyncio.pg.types;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.protocol.Bytes;
import io.jasyncio.pg.protocol.MessageBuffer;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Arrays in binary: ndim, has-nulls flag, element type OID, (length, lower bound) per dimension, then each
 * element as a length (-1 for NULL) and its bytes. They read as (nested, for several dimensions) unmodifiable
 * Lists that may hold nulls, as asyncpg's lists; lower bounds are not kept. Arguments may be Lists, Object arrays
 * or primitive arrays, nested for several dimensions (rectangular).
 *
 * <p>Threading: immutable.
 */
public final class ArrayCodec extends Codecs.Binary {
    /** PostgreSQL's MAXDIM. */
    static final int MAX_DIMS = 6;

    private final int elementOid;

    public ArrayCodec(int elementOid) {
        this.elementOid = elementOid;
    }

    @Override
    public Object decode(byte[] b, int off, int len, Types t) {
        if (len < 12) throw new DataError("invalid array value: " + len + " bytes");
        int ndim = Bytes.getInt(b, off);
        int elemOid = Bytes.getInt(b, off + 8);
        if (ndim == 0) return List.of();
        if (ndim < 0 || ndim > MAX_DIMS || len < 12 + 8 * ndim) throw new DataError("invalid array: " + ndim + " dimensions");
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            dims[i] = Bytes.getInt(b, off + 12 + 8 * i);
            // PostgreSQL sends an empty array as ndim 0, so a zero length is malformed (and {65536, 65536, 0} would
            // make 2^32 empty lists); each element takes at least its 4-byte length, so a count the bytes cannot
            // hold is malformed too — checked per dimension, before the product can overflow.
            if (dims[i] <= 0) throw new DataError("invalid array dimension " + dims[i]);
            total *= dims[i];
            if (total * 4 > len) throw new DataError("invalid array: " + dims.length + " dimensions too large for " + len + " bytes");
        }
        Codec elem = t.codec(elemOid);
        if (!elem.binary()) elem = Codecs.TEXT_FALLBACK; // an unknown element type's binary form: read as text bytes
        int[] pos = {off + 12 + 8 * ndim};
        return read(b, off + len, dims, 0, elem, t, pos);
    }

    private static List<Object> read(byte[] b, int end, int[] dims, int d, Codec elem, Types t, int[] pos) {
        int n = dims[d];
        Object[] items = new Object[n];
        for (int i = 0; i < n; i++) {
            if (d + 1 < dims.length) {
                items[i] = read(b, end, dims, d + 1, elem, t, pos);
                continue;
            }
            int p = pos[0];
            if (p + 4 > end) throw new DataError("invalid array: truncated");
            int l = Bytes.getInt(b, p);
            p += 4;
            if (l >= 0) {
                if (l > end - p) throw new DataError("invalid array: element longer than the value");
                items[i] = elem.decode(b, p, l, t);
                p += l;
            }
            pos[0] = p;
        }
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    @Override
    public void encode(Object v, MessageBuffer out, Types t) {
        List<Integer> dims = new ArrayList<>();
        shape(v, dims, 0);
        Codec elem = t.codec(elementOid);
        if (!elem.binary()) throw new DataError("arrays of " + Oid.name(elementOid) + " are sent as text: pass the array's text form");
        int flagsAt;
        out.putInt(dims.size());
        flagsAt = out.size();
        out.putInt(0);
        out.putInt(elementOid);
        for (int d : dims) {
            out.putInt(d);
            out.putInt(1);
        }
        boolean[] hasNull = {false};
        if (!dims.isEmpty()) write(v, 0, dims.stream().mapToInt(Integer::intValue).toArray(), elem, out, t, hasNull);
        if (hasNull[0]) out.putIntAt(flagsAt, 1);
    }

    /** Records the length of each dimension of {@code v} (from its first elements). */
    private static void shape(Object v, List<Integer> dims, int depth) {
        int n = length(v);
        if (n < 0) return;
        if (depth >= MAX_DIMS) throw new DataError("an array argument has more than " + MAX_DIMS + " dimensions");
        if (n == 0 && depth == 0) return; // an empty array: zero dimensions
        dims.add(n);
        if (n > 0) {
            Object first = element(v, 0);
            if (first != null && length(first) >= 0 && !(first instanceof byte[])) shape(first, dims, depth + 1);
        }
    }

    /** The length of a List or array (byte[] counts as a value: bytea), or -1 if {@code v} is a scalar. */
    private static int length(Object v) {
        if (v instanceof List<?> l) return l.size();
        if (v != null && v.getClass().isArray() && !(v instanceof byte[])) return Array.getLength(v);
        return -1;
    }

    private static Object element(Object v, int i) {
        return v instanceof List<?> l ? l.get(i) : Array.get(v, i);
    }

    private static void write(Object v, int depth, int[] dims, Codec elem, MessageBuffer out, Types t, boolean[] hasNull) {
        int ndim = dims.length;
        int n = length(v);
        if (n < 0) throw new DataError("an array argument is not rectangular: a scalar where a sub-array was expected");
        if (n != dims[depth]) {
            throw new DataError("an array argument is not rectangular: sub-arrays of " + dims[depth] + " and " + n + " elements");
        }
        for (int i = 0; i < n; i++) {
            Object e = element(v, i);
            if (depth + 1 < ndim) {
                write(e, depth + 1, dims, elem, out, t, hasNull);
            } else if (e == null) {
                hasNull[0] = true;
                out.putInt(-1);
            } else {
                if (length(e) >= 0) throw new DataError("an array argument is not rectangular: a sub-array where an element was expected");
                int at = out.beginValue();
                elem.encode(e, out, t);
                out.endValue(at);
            }
        }
    }
}
