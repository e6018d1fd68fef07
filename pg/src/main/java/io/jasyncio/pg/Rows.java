package io.jasyncio.pg;

import java.util.Collection;

/**
 * Turns the rows a caller passes (to executemany, COPY) into argument arrays.
 *
 * <p>Threading: stateless.
 */
final class Rows {
    private Rows() {}

    /** A row as an argument array: an Object[], a Collection (a List, a tuple-like record's values) or a Record. */
    static Object[] toArgs(Object row) {
        if (row instanceof Object[] a) return a;
        if (row instanceof Collection<?> c) return c.toArray();
        if (row instanceof Record r) return r.values().toArray();
        if (row == null) throw new DataError("a row is null: each row must be a List, an Object[] or a Record");
        throw new DataError("a row must be a List, an Object[] or a Record, got " + row.getClass().getName());
    }
}
