package io.jasyncio.pg.types;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.Interval;
import io.jasyncio.pg.protocol.Bytes;
import io.jasyncio.pg.protocol.MessageBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;

/**
 * The built-in codecs, all binary: bool, int2/4/8, float4/8, numeric ({@link NumericCodec}), text types, bytea,
 * uuid, oid, "char", json/jsonb (as text), date, time, timetz, timestamp, timestamptz, interval, arrays
 * ({@link ArrayCodec}) and records ({@link RecordCodec}); {@link #TEXT_FALLBACK} reads any other type's text
 * form as a String.
 *
 * <p>Java types: bool Boolean; int2 Short; int4 Integer; int8 Long; float4 Float; float8 Double; numeric
 * BigDecimal (NaN and ±Infinity as Double, as PgJDBC); text/varchar/bpchar/name/json/jsonb/xml String; bytea
 * byte[]; uuid UUID; oid Long; date LocalDate; time LocalTime; timetz OffsetTime; timestamp LocalDateTime;
 * timestamptz OffsetDateTime in UTC; interval {@link Interval}; infinite dates and timestamps are the MIN and MAX
 * of their Java type (as PgJDBC). Arguments take these and also: any integral Number for int types (range
 * checked), any Number for float and numeric types, Instant and ZonedDateTime for timestamptz, Duration and
 * Period for interval, ByteBuffer for bytea.
 *
 * <p>Threading: stateless, shared.
 */
public final class Codecs {
    private Codecs() {}

    static final long PG_EPOCH_SECONDS = 946_684_800L; // 2000-01-01T00:00:00Z
    static final int PG_EPOCH_DAYS = 10_957; // 2000-01-01 as a day of the Unix epoch

    /** A codec whose values travel in binary. */
    abstract static class Binary implements Codec {
        @Override
        public final boolean binary() {
            return true;
        }
    }

    /** A DataError "expected WHAT, got TYPE". */
    public static DataError expected(String what, Object value) {
        return new DataError("expected " + what + ", got " + value.getClass().getSimpleName());
    }

    static void checkLength(int len, int want, String type) {
        if (len != want) throw new DataError("invalid " + type + " value: " + len + " bytes, expected " + want);
    }

    static long integral(Object v, String expected) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof BigInteger b) {
            if (b.bitLength() > 63) throw new DataError("value out of range: " + b);
            return b.longValue();
        }
        throw expected(expected, v);
    }

    public static final Codec BOOL = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 1, "boolean");
            return b[off] != 0;
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof Boolean x)) throw expected("Boolean", v);
            out.putByte(x ? 1 : 0);
        }
    };

    public static final Codec INT2 = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 2, "smallint");
            return Bytes.getShort(b, off);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            long x = integral(v, "Short, Integer or Long");
            if (x < Short.MIN_VALUE || x > Short.MAX_VALUE) throw new DataError("value out of smallint range: " + x);
            out.putShort((int) x);
        }
    };

    public static final Codec INT4 = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 4, "integer");
            return Bytes.getInt(b, off);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (v instanceof Integer i) {
                out.putInt(i);
                return;
            }
            long x = integral(v, "Integer, Long or Short");
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) throw new DataError("value out of integer range: " + x);
            out.putInt((int) x);
        }
    };

    public static final Codec INT8 = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 8, "bigint");
            return Bytes.getLong(b, off);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            out.putLong(integral(v, "Long, Integer or Short"));
        }
    };

    /** oid: an unsigned 32-bit number, as Long. */
    public static final Codec OID = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 4, "oid");
            return Bytes.getInt(b, off) & 0xffff_ffffL;
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            long x = integral(v, "Long or Integer");
            if (x < 0 || x > 0xffff_ffffL) throw new DataError("value out of oid range: " + x);
            out.putInt((int) x);
        }
    };

    public static final Codec FLOAT4 = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 4, "real");
            return Float.intBitsToFloat(Bytes.getInt(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof Number n)) throw expected("Float or another Number", v);
            out.putInt(Float.floatToRawIntBits(n.floatValue()));
        }
    };

    public static final Codec FLOAT8 = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 8, "double precision");
            return Double.longBitsToDouble(Bytes.getLong(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof Number n)) throw expected("Double or another Number", v);
            out.putLong(Double.doubleToRawLongBits(n.doubleValue()));
        }
    };

    /** text, varchar, bpchar, name, xml, unknown: UTF-8 (the connection's client_encoding). */
    public static final Codec TEXT = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            return Bytes.utf8(b, off, len);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof CharSequence s)) throw expected("String", v);
            out.putUtf8(s);
        }
    };

    /** "char": one byte, as a String of one character (empty for the zero byte). */
    public static final Codec CHAR = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            return len == 0 || b[off] == 0 ? "" : String.valueOf((char) (b[off] & 0xff));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof CharSequence s) || s.length() > 1 || (s.length() == 1 && s.charAt(0) > 0xff)) {
                throw v instanceof CharSequence ? new DataError("a \"char\" value is one Latin-1 character, got " + v.toString().length())
                        : expected("a String of one character", v);
            }
            if (s.length() == 1) out.putByte(s.charAt(0));
        }
    };

    /** json: its text. */
    public static final Codec JSON = TEXT;

    /** jsonb: a version byte (1), then its text. */
    public static final Codec JSONB = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            if (len < 1 || b[off] != 1) throw new DataError("unsupported jsonb format version " + (len < 1 ? "(none)" : b[off]));
            return Bytes.utf8(b, off + 1, len - 1);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof CharSequence s)) throw expected("String (JSON text)", v);
            out.putByte(1);
            out.putUtf8(s);
        }
    };

    public static final Codec BYTEA = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            byte[] r = new byte[len];
            System.arraycopy(b, off, r, 0, len);
            return r;
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (v instanceof byte[] a) out.putBytes(a);
            else if (v instanceof ByteBuffer bb) out.putBytes(bb.duplicate());
            else throw expected("byte[] or ByteBuffer", v);
        }
    };

    public static final Codec UUID_CODEC = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 16, "uuid");
            return new UUID(Bytes.getLong(b, off), Bytes.getLong(b, off + 8));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof UUID u)) throw expected("UUID", v);
            out.putLong(u.getMostSignificantBits());
            out.putLong(u.getLeastSignificantBits());
        }
    };

    // ---------------------------------------------------------------- dates and times

    public static LocalDate decodeDate(int days) {
        if (days == Integer.MAX_VALUE) return LocalDate.MAX;
        if (days == Integer.MIN_VALUE) return LocalDate.MIN;
        return LocalDate.ofEpochDay((long) days + PG_EPOCH_DAYS);
    }

    public static final Codec DATE = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 4, "date");
            return decodeDate(Bytes.getInt(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof LocalDate d)) throw expected("LocalDate", v);
            if (d.equals(LocalDate.MAX)) out.putInt(Integer.MAX_VALUE);
            else if (d.equals(LocalDate.MIN)) out.putInt(Integer.MIN_VALUE);
            else out.putInt(Math.toIntExact(d.toEpochDay() - PG_EPOCH_DAYS));
        }
    };

    /** Microseconds since 2000-01-01 00:00 → seconds and nanoseconds since the Unix epoch. */
    public static LocalDateTime decodeTimestamp(long micros) {
        if (micros == Long.MAX_VALUE) return LocalDateTime.MAX;
        if (micros == Long.MIN_VALUE) return LocalDateTime.MIN;
        long sec = Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS;
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        return LocalDateTime.ofEpochSecond(sec, nanos, ZoneOffset.UTC);
    }

    public static OffsetDateTime decodeTimestamptz(long micros) {
        if (micros == Long.MAX_VALUE) return OffsetDateTime.MAX;
        if (micros == Long.MIN_VALUE) return OffsetDateTime.MIN;
        long sec = Math.floorDiv(micros, 1_000_000L) + PG_EPOCH_SECONDS;
        int nanos = (int) Math.floorMod(micros, 1_000_000L) * 1000;
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(sec, nanos, ZoneOffset.UTC), ZoneOffset.UTC);
    }

    /** Seconds and nanoseconds since the Unix epoch → microseconds since 2000, rounded half up (as PgJDBC). */
    static long toPgMicros(long epochSecond, int nano) {
        long micros = (nano + 500) / 1000;
        return Math.addExact(Math.multiplyExact(epochSecond - PG_EPOCH_SECONDS, 1_000_000L), micros);
    }

    public static final Codec TIMESTAMP = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 8, "timestamp");
            return decodeTimestamp(Bytes.getLong(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof LocalDateTime d)) {
                throw v instanceof OffsetDateTime || v instanceof Instant || v instanceof ZonedDateTime
                        ? new DataError("a timestamp (without time zone) takes a LocalDateTime, got "
                                + v.getClass().getSimpleName() + ": convert it to the local time you mean, or use timestamptz")
                        : expected("LocalDateTime", v);
            }
            if (d.equals(LocalDateTime.MAX)) out.putLong(Long.MAX_VALUE);
            else if (d.equals(LocalDateTime.MIN)) out.putLong(Long.MIN_VALUE);
            else out.putLong(toPgMicros(d.toEpochSecond(ZoneOffset.UTC), d.getNano()));
        }
    };

    public static final Codec TIMESTAMPTZ = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 8, "timestamptz");
            return decodeTimestamptz(Bytes.getLong(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            Instant i;
            if (v instanceof OffsetDateTime o) {
                if (o.equals(OffsetDateTime.MAX)) {
                    out.putLong(Long.MAX_VALUE);
                    return;
                }
                if (o.equals(OffsetDateTime.MIN)) {
                    out.putLong(Long.MIN_VALUE);
                    return;
                }
                i = o.toInstant();
            } else if (v instanceof Instant x) {
                i = x;
            } else if (v instanceof ZonedDateTime z) {
                i = z.toInstant();
            } else if (v instanceof LocalDateTime) {
                throw new DataError("a timestamptz takes an OffsetDateTime, Instant or ZonedDateTime; a LocalDateTime "
                        + "has no time zone: add one (ldt.atOffset(ZoneOffset.UTC)) or use a timestamp column");
            } else {
                throw expected("OffsetDateTime, Instant or ZonedDateTime", v);
            }
            out.putLong(toPgMicros(i.getEpochSecond(), i.getNano()));
        }
    };

    public static LocalTime decodeTime(long micros) {
        if (micros >= 86_400_000_000L) return LocalTime.MAX; // 24:00:00, which PostgreSQL allows
        return LocalTime.ofNanoOfDay(micros * 1000);
    }

    static long encodeTime(LocalTime t) {
        if (t.equals(LocalTime.MAX)) return 86_400_000_000L;
        return Math.min((t.toNanoOfDay() + 500) / 1000, 86_400_000_000L);
    }

    public static final Codec TIME = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 8, "time");
            return decodeTime(Bytes.getLong(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof LocalTime lt)) throw expected("LocalTime", v);
            out.putLong(encodeTime(lt));
        }
    };

    /** timetz: microseconds of the day, then the zone as seconds WEST of UTC (the opposite of ZoneOffset's sign). */
    public static final Codec TIMETZ = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 12, "timetz");
            return OffsetTime.of(decodeTime(Bytes.getLong(b, off)), ZoneOffset.ofTotalSeconds(-Bytes.getInt(b, off + 8)));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof OffsetTime ot)) throw expected("OffsetTime", v);
            out.putLong(encodeTime(ot.toLocalTime()));
            out.putInt(-ot.getOffset().getTotalSeconds());
        }
    };

    public static final Codec INTERVAL = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            checkLength(len, 16, "interval");
            return new Interval(Bytes.getInt(b, off + 12), Bytes.getInt(b, off + 8), Bytes.getLong(b, off));
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            Interval i = v instanceof Interval x ? x : v instanceof Duration d ? Interval.of(d)
                    : v instanceof Period p ? Interval.of(p) : null;
            if (i == null) throw expected("Interval, Duration or Period", v);
            out.putLong(i.microseconds());
            out.putInt(i.days());
            out.putInt(i.months());
        }
    };

    /** Any type without a binary codec: its text form, as a String; arguments are sent as text too. */
    public static final Codec TEXT_FALLBACK = new Codec() {
        public boolean binary() {
            return false;
        }

        public Object decode(byte[] b, int off, int len, Types t) {
            return Bytes.utf8(b, off, len);
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            if (!(v instanceof CharSequence s)) throw expected("String (the type's text form)", v);
            out.putUtf8(s);
        }
    };

    /** The built-in codec for {@code oid}, or null. */
    public static Codec builtin(int oid) {
        return switch (oid) {
            case Oid.BOOL -> BOOL;
            case Oid.INT2 -> INT2;
            case Oid.INT4 -> INT4;
            case Oid.INT8 -> INT8;
            case Oid.OID -> OID;
            case Oid.FLOAT4 -> FLOAT4;
            case Oid.FLOAT8 -> FLOAT8;
            case Oid.NUMERIC -> NumericCodec.INSTANCE;
            case Oid.TEXT, Oid.VARCHAR, Oid.BPCHAR, Oid.NAME, Oid.UNKNOWN, Oid.XML -> TEXT;
            case Oid.CHAR -> CHAR;
            case Oid.JSON -> JSON;
            case Oid.JSONB -> JSONB;
            case Oid.BYTEA -> BYTEA;
            case Oid.UUID -> UUID_CODEC;
            case Oid.DATE -> DATE;
            case Oid.TIME -> TIME;
            case Oid.TIMETZ -> TIMETZ;
            case Oid.TIMESTAMP -> TIMESTAMP;
            case Oid.TIMESTAMPTZ -> TIMESTAMPTZ;
            case Oid.INTERVAL -> INTERVAL;
            case Oid.RECORD -> RecordCodec.ANONYMOUS;
            case Oid.VOID -> VOID;
            default -> null;
        };
    }

    /** void (a function returning nothing): an empty value, read as null. */
    public static final Codec VOID = new Binary() {
        public Object decode(byte[] b, int off, int len, Types t) {
            return null;
        }

        public void encode(Object v, MessageBuffer out, Types t) {
            throw new DataError("void takes no value");
        }
    };
}
