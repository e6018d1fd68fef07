package io.jasyncio.pg;

import io.jasyncio.pg.protocol.Bytes;
import io.jasyncio.pg.protocol.RowDescription;
import io.jasyncio.pg.types.Codecs;
import io.jasyncio.pg.types.Oid;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of a result (asyncpg's {@code Record}): values by column index (0-based) or name, typed getters, and
 * {@link #get(int)} for the value as its type's Java object (see {@link io.jasyncio.pg.types.Codecs} for the
 * mapping). A record keeps its row's bytes and decodes a value when asked, so reading only the columns you need
 * costs only those; the typed getters of fixed-width types read straight from the bytes, without boxing.
 *
 * <p>NULL is null from {@link #get}, {@link #getString} and the other object getters; the primitive getters
 * ({@link #getInt}, {@link #getLong}, {@link #getDouble}, {@link #getBoolean}, ...) throw a NullPointerException
 * naming the column, as unboxing would: test {@link #isNull} first. A getter asked for a type the column does
 * not have throws {@link DataError}.
 *
 * <p>Records of one result share larger arrays that hold their bytes (one allocation per ~16 KiB of rows, not
 * per row): a record kept for long keeps its block alive.
 *
 * <p>Threading: immutable; a record may be read from any thread.
 */
public final class Record {
    private final RowDescription desc;
    private final byte[] data;
    private final int[] offsets;
    private final int base;

    /**
     * A record over {@code data}: column {@code i}'s value starts at {@code offsets[base + i]}, preceded by its
     * 4-byte length, or the offset is -1 for NULL. Made by the driver.
     *
     * @param desc the result's columns
     * @param data the bytes holding the row's values
     * @param offsets where each value starts, -1 for NULL
     * @param base this row's first entry in {@code offsets}
     */
    public Record(RowDescription desc, byte[] data, int[] offsets, int base) {
        this.desc = desc;
        this.data = data;
        this.offsets = offsets;
        this.base = base;
    }

    /**
     * The number of columns.
     *
     * @return how many columns the row has
     */
    public int size() {
        return desc.names.length;
    }

    /**
     * The column names, in order (asyncpg's {@code keys()}).
     *
     * @return the names, one per column
     */
    public List<String> keys() {
        return List.of(desc.names);
    }

    /**
     * Every value, in order (asyncpg's {@code values()}); nulls included.
     *
     * @return the values, decoded, in column order
     */
    public List<Object> values() {
        Object[] v = new Object[size()];
        for (int i = 0; i < v.length; i++) v[i] = get(i);
        return Arrays.asList(v);
    }

    /**
     * The type OID of column {@code i}.
     *
     * @param i the column's index, from 0
     * @return the column's type OID (see {@code pg_type})
     */
    public int typeOid(int i) {
        return desc.typeOids[check(i)];
    }

    /**
     * The index of column {@code name}; a name the result does not have is an IllegalArgumentException.
     *
     * @param name the column's name
     * @return its index, from 0 (the first column of that name)
     * @throws IllegalArgumentException the result has no such column
     */
    public int indexOf(String name) {
        int i = desc.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column \"" + name + "\" in this record; it has " + keys());
        return i;
    }

    private int check(int i) {
        if (i < 0 || i >= desc.names.length) {
            throw new IndexOutOfBoundsException("column index " + i + " out of range: the record has " + desc.names.length + " columns");
        }
        return i;
    }

    /**
     * Whether column {@code i} is NULL.
     *
     * @param i the column's index, from 0
     * @return true if NULL
     */
    public boolean isNull(int i) {
        return offsets[base + check(i)] < 0;
    }

    /**
     * Whether the named column is NULL.
     *
     * @param name the column's name
     * @return true if NULL
     */
    public boolean isNull(String name) {
        return isNull(indexOf(name));
    }

    /**
     * The value of column {@code i} as its type's Java object, or null.
     *
     * @param i the column's index, from 0
     * @return the value, decoded by the column type's codec; null for NULL
     * @throws IndexOutOfBoundsException {@code i} is not a column
     */
    public Object get(int i) {
        int off = offsets[base + check(i)];
        if (off < 0) return null;
        return desc.codecs[i].decode(data, off, Bytes.getInt(data, off - 4), desc.types);
    }

    /**
     * {@link #get(int)} by name (asyncpg's {@code record['name']}).
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public Object get(String name) {
        return get(indexOf(name));
    }

    /**
     * The value of column {@code i} as {@code type}: a cast, or a conversion between number types.
     *
     * @param <T> the type asked for
     * @param i the column's index, from 0
     * @param type the class asked for ({@code Long.class} reads an int4 too)
     * @return the value, or null for NULL
     * @throws DataError the value is neither a {@code type} nor a number convertible to it
     */
    public <T> T get(int i, Class<T> type) {
        Object v = get(i);
        if (v == null || type.isInstance(v)) return type.cast(v);
        if (v instanceof Number n) {
            Object c = convertNumber(n, type);
            if (c != null) return type.cast(c);
        }
        throw new DataError("column \"" + desc.names[i] + "\" is " + Oid.name(desc.typeOids[i]) + " ("
                + v.getClass().getSimpleName() + "), not " + type.getSimpleName());
    }

    /**
     * {@link #get(int, Class)} by name.
     *
     * @param <T> the type asked for
     * @param name the column's name
     * @param type the class asked for
     * @return the value, or null for NULL
     */
    public <T> T get(String name, Class<T> type) {
        return get(indexOf(name), type);
    }

    private static Object convertNumber(Number n, Class<?> type) {
        if (type == Long.class && !(n instanceof Double || n instanceof Float || n instanceof BigDecimal)) return n.longValue();
        if (type == Double.class && !(n instanceof BigDecimal)) return n.doubleValue();
        if (type == BigDecimal.class && (n instanceof Integer || n instanceof Long || n instanceof Short)) return BigDecimal.valueOf(n.longValue());
        if (type == BigInteger.class && (n instanceof Integer || n instanceof Long || n instanceof Short)) return BigInteger.valueOf(n.longValue());
        return null;
    }

    /** Offset of a non-null value of column {@code i}; NULL is a NullPointerException naming the column. */
    private int valueAt(int i) {
        int off = offsets[base + check(i)];
        if (off < 0) throw new NullPointerException("column \"" + desc.names[i] + "\" is NULL: use get() or isNull() for nullable columns");
        return off;
    }

    /** Whether column {@code i} is read by the built-in binary codec of its type (so the fast paths apply). */
    private boolean builtin(int i) {
        return desc.codecs[i] == Codecs.builtin(desc.typeOids[i]);
    }

    private DataError notA(int i, String what) {
        return new DataError("column \"" + desc.names[i] + "\" is " + Oid.name(desc.typeOids[i]) + ", not " + what);
    }

    /**
     * The value as an int: int2, int4 or int8 (an int8 outside int's range is an ArithmeticException).
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public int getInt(int i) {
        int off = valueAt(i);
        if (builtin(i)) {
            switch (desc.typeOids[i]) {
                case Oid.INT4: return Bytes.getInt(data, off);
                case Oid.INT2: return Bytes.getShort(data, off);
                case Oid.INT8: return Math.toIntExact(Bytes.getLong(data, off));
                default: break;
            }
        }
        Object v = get(i);
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).intValue();
        if (v instanceof Long l) return Math.toIntExact(l);
        throw notA(i, "an integer");
    }

    /**
     * {@link #getInt(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public int getInt(String name) {
        return getInt(indexOf(name));
    }

    /**
     * The value as a long: int2, int4 or int8.
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public long getLong(int i) {
        int off = valueAt(i);
        if (builtin(i)) {
            switch (desc.typeOids[i]) {
                case Oid.INT8: return Bytes.getLong(data, off);
                case Oid.INT4: return Bytes.getInt(data, off);
                case Oid.INT2: return Bytes.getShort(data, off);
                default: break;
            }
        }
        Object v = get(i);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        throw notA(i, "an integer");
    }

    /**
     * {@link #getLong(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public long getLong(String name) {
        return getLong(indexOf(name));
    }

    /**
     * The value as a short: an integer type, within short's range (else a DataError).
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public short getShort(int i) {
        long v = getLong(i);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw new DataError("column \"" + desc.names[i] + "\": " + v + " is out of short range");
        return (short) v;
    }

    /**
     * {@link #getShort(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public short getShort(String name) {
        return getShort(indexOf(name));
    }

    /**
     * The value as a double: float4, float8, or any other number type (numeric by its double value).
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public double getDouble(int i) {
        int off = valueAt(i);
        if (builtin(i)) {
            switch (desc.typeOids[i]) {
                case Oid.FLOAT8: return Double.longBitsToDouble(Bytes.getLong(data, off));
                case Oid.FLOAT4: return Float.intBitsToFloat(Bytes.getInt(data, off));
                default: break;
            }
        }
        Object v = get(i);
        if (v instanceof Number n) return n.doubleValue();
        throw notA(i, "a number");
    }

    /**
     * {@link #getDouble(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public double getDouble(String name) {
        return getDouble(indexOf(name));
    }

    /**
     * The value as a float: float4, or {@link #getDouble(int)}'s value narrowed.
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public float getFloat(int i) {
        int off = valueAt(i);
        if (builtin(i) && desc.typeOids[i] == Oid.FLOAT4) return Float.intBitsToFloat(Bytes.getInt(data, off));
        return (float) getDouble(i);
    }

    /**
     * {@link #getFloat(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public float getFloat(String name) {
        return getFloat(indexOf(name));
    }

    /**
     * The value as a boolean: bool.
     *
     * @param i the column's index, from 0
     * @return the value
     * @throws NullPointerException the value is NULL
     * @throws DataError the column's type is not one of these
     */
    public boolean getBoolean(int i) {
        int off = valueAt(i);
        if (builtin(i) && desc.typeOids[i] == Oid.BOOL) return data[off] != 0;
        if (get(i) instanceof Boolean b) return b;
        throw notA(i, "a boolean");
    }

    /**
     * {@link #getBoolean(int)} by name.
     *
     * @param name the column's name
     * @return the value
     * @throws NullPointerException the value is NULL
     */
    public boolean getBoolean(String name) {
        return getBoolean(indexOf(name));
    }

    /**
     * The value as a String: text types as they are; other types are a DataError (use {@code get(i).toString()}).
     *
     * @param i the column's index, from 0
     * @return the text, or null for NULL
     * @throws DataError the column is not a text type
     */
    public String getString(int i) {
        Object v = get(i);
        if (v == null || v instanceof String) return (String) v;
        throw notA(i, "text");
    }

    /**
     * {@link #getString(int)} by name.
     *
     * @param name the column's name
     * @return the text, or null for NULL
     */
    public String getString(String name) {
        return getString(indexOf(name));
    }

    /**
     * numeric (or an integer type) as BigDecimal; a numeric NaN or infinity is a DataError.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is neither numeric nor an integer type, or holds NaN or an infinity
     */
    public BigDecimal getBigDecimal(int i) {
        Object v = get(i);
        if (v == null || v instanceof BigDecimal) return (BigDecimal) v;
        if (v instanceof Integer || v instanceof Long || v instanceof Short) return BigDecimal.valueOf(((Number) v).longValue());
        if (v instanceof Double d && desc.typeOids[i] == Oid.NUMERIC) {
            throw new DataError("column \"" + desc.names[i] + "\" is numeric " + d + ", which BigDecimal cannot hold: use getDouble() or get()");
        }
        throw notA(i, "numeric");
    }

    /**
     * {@link #getBigDecimal(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public BigDecimal getBigDecimal(String name) {
        return getBigDecimal(indexOf(name));
    }

    /**
     * A bytea column's value as a {@code byte[]}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not bytea
     */
    public byte[] getBytes(int i) {
        return typed(i, byte[].class, "bytea");
    }

    /**
     * {@link #getBytes(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public byte[] getBytes(String name) {
        return getBytes(indexOf(name));
    }

    /**
     * A uuid column's value as a {@code UUID}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not uuid
     */
    public UUID getUuid(int i) {
        return typed(i, UUID.class, "uuid");
    }

    /**
     * {@link #getUuid(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public UUID getUuid(String name) {
        return getUuid(indexOf(name));
    }

    /**
     * A date column's value as a {@code LocalDate}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not date
     */
    public LocalDate getLocalDate(int i) {
        return typed(i, LocalDate.class, "date");
    }

    /**
     * {@link #getLocalDate(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public LocalDate getLocalDate(String name) {
        return getLocalDate(indexOf(name));
    }

    /**
     * A time column's value as a {@code LocalTime}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not time
     */
    public LocalTime getLocalTime(int i) {
        return typed(i, LocalTime.class, "time");
    }

    /**
     * {@link #getLocalTime(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public LocalTime getLocalTime(String name) {
        return getLocalTime(indexOf(name));
    }

    /**
     * A timetz column's value as a {@code OffsetTime}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not timetz
     */
    public OffsetTime getOffsetTime(int i) {
        return typed(i, OffsetTime.class, "timetz");
    }

    /**
     * {@link #getOffsetTime(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public OffsetTime getOffsetTime(String name) {
        return getOffsetTime(indexOf(name));
    }

    /**
     * A timestamp (without time zone) column's value as a {@code LocalDateTime}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not timestamp (without time zone)
     */
    public LocalDateTime getLocalDateTime(int i) {
        return typed(i, LocalDateTime.class, "timestamp");
    }

    /**
     * {@link #getLocalDateTime(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public LocalDateTime getLocalDateTime(String name) {
        return getLocalDateTime(indexOf(name));
    }

    /**
     * timestamptz, in UTC.
     *
     * @param i the column's index, from 0
     * @return the value at offset UTC, or null for NULL
     * @throws DataError the column is not timestamptz
     */
    public OffsetDateTime getOffsetDateTime(int i) {
        int off = offsets[base + check(i)];
        if (off >= 0 && builtin(i) && desc.typeOids[i] == Oid.TIMESTAMPTZ) return Codecs.decodeTimestamptz(Bytes.getLong(data, off));
        return typed(i, OffsetDateTime.class, "timestamptz");
    }

    /**
     * {@link #getOffsetDateTime(int)} by name.
     *
     * @param name the column's name
     * @return the value at offset UTC, or null for NULL
     */
    public OffsetDateTime getOffsetDateTime(String name) {
        return getOffsetDateTime(indexOf(name));
    }

    /**
     * A interval column's value as a {@code Interval}.
     *
     * @param i the column's index, from 0
     * @return the value, or null for NULL
     * @throws DataError the column is not interval
     */
    public Interval getInterval(int i) {
        return typed(i, Interval.class, "interval");
    }

    /**
     * {@link #getInterval(int)} by name.
     *
     * @param name the column's name
     * @return the value, or null for NULL
     */
    public Interval getInterval(String name) {
        return getInterval(indexOf(name));
    }

    /**
     * An array column as a List (nested for several dimensions).
     *
     * @param <E> the elements' type (Lists for the inner dimensions)
     * @param i the column's index, from 0
     * @return the elements (NULL elements are null), or null for NULL
     * @throws DataError the column is not an array
     */
    @SuppressWarnings("unchecked")
    public <E> List<E> getList(int i) {
        return (List<E>) typed(i, List.class, "an array");
    }

    /**
     * {@link #getList(int)} by name.
     *
     * @param <E> the elements' type
     * @param name the column's name
     * @return the elements, or null for NULL
     */
    public <E> List<E> getList(String name) {
        return getList(indexOf(name));
    }

    /**
     * A one-dimensional real[] (or double precision[]) without NULLs, as a float[]: the cheap form for vectors.
     *
     * @param i the column's index, from 0
     * @return the elements, or null for NULL
     * @throws DataError the column is not a number array, or an element is NULL
     */
    public float[] getFloatArray(int i) {
        List<?> l = getList(i);
        if (l == null) return null;
        float[] r = new float[l.size()];
        for (int k = 0; k < r.length; k++) {
            if (!(l.get(k) instanceof Number n)) {
                throw new DataError("column \"" + desc.names[i] + "\" element " + k + " is " + (l.get(k) == null ? "NULL" : "not a number"));
            }
            r[k] = n.floatValue();
        }
        return r;
    }

    /**
     * {@link #getFloatArray(int)} by name.
     *
     * @param name the column's name
     * @return the elements, or null for NULL
     */
    public float[] getFloatArray(String name) {
        return getFloatArray(indexOf(name));
    }

    /**
     * A composite (row) column as a Record.
     *
     * @param i the column's index, from 0
     * @return the composite's fields as a record, or null for NULL
     * @throws DataError the column is not a composite type
     */
    public Record getRecord(int i) {
        return typed(i, Record.class, "a record");
    }

    /**
     * {@link #getRecord(int)} by name.
     *
     * @param name the column's name
     * @return the composite's fields as a record, or null for NULL
     */
    public Record getRecord(String name) {
        return getRecord(indexOf(name));
    }

    private <T> T typed(int i, Class<T> type, String what) {
        Object v = get(i);
        if (v == null || type.isInstance(v)) return type.cast(v);
        throw notA(i, what);
    }

    /** Equal if the same column names and equal values (arrays by content). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Record r) || r.size() != size()) return false;
        if (!Arrays.equals(desc.names, r.desc.names)) return false;
        for (int i = 0; i < size(); i++) {
            if (!Objects.deepEquals(get(i), r.get(i))) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(desc.names);
        for (int i = 0; i < size(); i++) h = 31 * h + Arrays.deepHashCode(new Object[] {get(i)});
        return h;
    }

    /** asyncpg's form: {@code <Record id=1 name='x'>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<Record");
        for (int i = 0; i < size(); i++) {
            sb.append(' ').append(desc.names[i]).append('=');
            Object v = get(i);
            if (v instanceof String s) sb.append('\'').append(s).append('\'');
            else if (v instanceof byte[] b) sb.append("bytes[").append(b.length).append(']');
            else sb.append(v);
        }
        return sb.append('>').toString();
    }
}
