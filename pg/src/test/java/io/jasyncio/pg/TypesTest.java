package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each built-in type read from server literals and sent back as an argument, in binary; the text fallback; codecs. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TypesTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    /** {@code SELECT literal} reads as {@code expected}, and {@code SELECT $1::type} with it gives it back. */
    private static void check(Connection c, String literal, String type, Object expected) {
        Object got = c.fetchval("SELECT " + literal + "::" + type);
        assertDeepEquals(expected, got, literal + "::" + type);
        Object back = c.fetchval("SELECT $1::" + type, expected);
        assertDeepEquals(expected, back, "round trip of " + literal + "::" + type);
        String cmp = type.equals("json") ? "::text" : ""; // json has no equality operator
        Boolean same = c.fetchval("SELECT $1::" + type + cmp + " IS NOT DISTINCT FROM " + literal + "::" + type + cmp, expected);
        assertTrue(same, "the server sees the argument as " + literal + "::" + type);
    }

    private static void assertDeepEquals(Object want, Object got, String what) {
        if (want instanceof Double d && got instanceof Double g && d.isNaN()) {
            assertTrue(g.isNaN(), what);
            return;
        }
        assertTrue(java.util.Objects.deepEquals(want, got), what + ": expected " + show(want) + " got " + show(got));
    }

    private static String show(Object o) {
        return o instanceof byte[] b ? Arrays.toString(b) : o + (o == null ? "" : " (" + o.getClass().getSimpleName() + ")");
    }

    @Test
    void scalars() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                check(c, "true", "bool", true);
                check(c, "false", "bool", false);
                check(c, "'-32768'", "int2", (short) -32768);
                check(c, "2147483647", "int4", Integer.MAX_VALUE);
                check(c, "'-9223372036854775808'", "int8", Long.MIN_VALUE);
                check(c, "1.5", "float4", 1.5f);
                check(c, "'-Infinity'", "float8", Double.NEGATIVE_INFINITY);
                check(c, "'NaN'", "float8", Double.NaN);
                check(c, "'-0'", "float8", -0.0);
                check(c, "'héllo 世界 🎉'", "text", "héllo 世界 🎉");
                check(c, "''", "text", "");
                check(c, "'ab'", "varchar(10)", "ab");
                check(c, "'ab'", "char(4)", "ab  ");
                check(c, "'pg_class'", "name", "pg_class");
                check(c, "'x'", "\"char\"", "x");
                check(c, "'\\x00ff10'", "bytea", new byte[] {0, -1, 16});
                check(c, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "uuid", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
                check(c, "'{\"a\": [1, 2]}'", "json", "{\"a\": [1, 2]}");
                check(c, "'{\"a\": [1, 2]}'", "jsonb", "{\"a\": [1, 2]}");
                check(c, "4294967295", "oid", 4294967295L);
                byte[] all = new byte[256];
                for (int i = 0; i < 256; i++) all[i] = (byte) i;
                assertArrayEquals(all, c.fetchval("SELECT $1::bytea", (Object) all));
            }
            return null;
        });
    }

    @Test
    void numeric() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                for (String s : List.of("0", "0.00", "1", "-1", "123.456", "10000", "0.0001", "-0.000000000000000000001",
                        "100000000000000000000", "12345678901234567890.12345678901234567890", "9999.9999", "1E+3")) {
                    BigDecimal want = new BigDecimal(s);
                    if (want.scale() < 0) want = want.setScale(0);
                    check(c, "'" + s + "'", "numeric", want);
                }
                check(c, "'NaN'", "numeric", Double.NaN);
                check(c, "'Infinity'", "numeric", Double.POSITIVE_INFINITY);
                check(c, "'-Infinity'", "numeric", Double.NEGATIVE_INFINITY);
                Random rnd = new Random(18);
                for (int i = 0; i < 300; i++) {
                    BigDecimal d = new BigDecimal(new java.math.BigInteger(1 + rnd.nextInt(120), rnd), rnd.nextInt(40) - 5);
                    if (rnd.nextBoolean()) d = d.negate();
                    String text = c.fetchval("SELECT $1::numeric::text", d);
                    assertEquals(0, new BigDecimal(text).compareTo(d), "numeric argument " + d);
                    BigDecimal back = c.fetchval("SELECT $1::numeric", d);
                    assertEquals(0, back.compareTo(d), "numeric round trip " + d);
                }
                Record r = c.fetchrow("SELECT 'NaN'::numeric AS n");
                DataError e = assertThrows(DataError.class, () -> r.getBigDecimal("n"));
                assertTrue(e.getMessage().contains("NaN"), e.getMessage());
                assertTrue(Double.isNaN(r.getDouble("n")));
            }
            return null;
        });
    }

    @Test
    void datesAndTimes() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("SET TimeZone = 'Asia/Kolkata'");
                check(c, "'2000-01-01'", "date", LocalDate.of(2000, 1, 1));
                check(c, "'1999-12-31'", "date", LocalDate.of(1999, 12, 31));
                check(c, "'0044-03-15 BC'", "date", LocalDate.of(-43, 3, 15));
                check(c, "'infinity'", "date", LocalDate.MAX);
                check(c, "'-infinity'", "date", LocalDate.MIN);
                check(c, "'23:59:59.999999'", "time", LocalTime.of(23, 59, 59, 999_999_000));
                check(c, "'24:00:00'", "time", LocalTime.MAX);
                check(c, "'12:34:56.5+05:30'", "timetz", OffsetTime.of(12, 34, 56, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30)));
                check(c, "'2024-02-29 12:34:56.789012'", "timestamp", LocalDateTime.of(2024, 2, 29, 12, 34, 56, 789_012_000));
                check(c, "'1900-01-01 00:00:00'", "timestamp", LocalDateTime.of(1900, 1, 1, 0, 0));
                check(c, "'infinity'", "timestamp", LocalDateTime.MAX);
                check(c, "'2024-01-01 00:00:00+02'", "timestamptz", OffsetDateTime.of(2023, 12, 31, 22, 0, 0, 0, ZoneOffset.UTC));
                check(c, "'-infinity'", "timestamptz", OffsetDateTime.MIN);
                check(c, "'1 year 2 mons 3 days 04:05:06.789'", "interval", new Interval(14, 3, 14_706_789_000L));
                check(c, "'-1 days -00:00:01'", "interval", new Interval(0, -1, -1_000_000L));
                // Other Java forms are taken as arguments too.
                OffsetDateTime t = c.fetchval("SELECT $1::timestamptz", java.time.Instant.parse("2024-05-06T07:08:09.123456Z"));
                assertEquals(OffsetDateTime.parse("2024-05-06T07:08:09.123456Z"), t);
                assertEquals(new Interval(0, 0, 90_000_000L), c.fetchval("SELECT $1::interval", java.time.Duration.ofSeconds(90)));
                DataError naive = assertThrows(DataError.class, () -> c.fetchval("SELECT $1::timestamptz", LocalDateTime.now()));
                assertTrue(naive.getMessage().contains("argument $1"), naive.getMessage());
            }
            return null;
        });
    }

    @Test
    void arrays() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                check(c, "'{1,NULL,3}'", "int4[]", Arrays.asList(1, null, 3));
                check(c, "'{{1,2},{3,4}}'", "int8[]", List.of(List.of(1L, 2L), List.of(3L, 4L)));
                check(c, "'{}'", "text[]", List.of());
                check(c, "'{\"a,b\",\"c\\\"d\",NULL,\"\"}'", "text[]", Arrays.asList("a,b", "c\"d", null, ""));
                check(c, "'{1.5,2.25}'", "numeric[]", List.of(new BigDecimal("1.5"), new BigDecimal("2.25")));
                check(c, "'{2024-01-01,infinity}'", "date[]", List.of(LocalDate.of(2024, 1, 1), LocalDate.MAX));
                check(c, "'{t,f}'", "bool[]", List.of(true, false));
                check(c, "'{{{1}},{{2}}}'", "int2[]", List.of(List.of(List.of((short) 1)), List.of(List.of((short) 2))));
                assertEquals(List.of(1, 2), c.fetchval("SELECT '[0:1]={1,2}'::int4[]"), "lower bounds are not kept");
                // Java arrays, primitive arrays and nested arrays are arguments too.
                assertEquals(List.of(1, 2, 3), c.fetchval("SELECT $1::int4[]", (Object) new int[] {1, 2, 3}));
                assertEquals(List.of(List.of("a"), List.of("b")), c.fetchval("SELECT $1::text[]", (Object) new String[][] {{"a"}, {"b"}}));
                float[] v = c.fetchrow("SELECT $1::float4[] AS v", (Object) new float[] {0.5f, -1f, 3.25f}).getFloatArray("v");
                assertArrayEquals(new float[] {0.5f, -1f, 3.25f}, v);
                DataError ragged = assertThrows(DataError.class, () -> c.fetchval("SELECT $1::int4[]", List.of(List.of(1), List.of(1, 2))));
                assertTrue(ragged.getMessage().contains("rectangular"), ragged.getMessage());
            }
            return null;
        });
    }

    @Test
    void recordsEnumsDomainsAndTextFallback() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                Record anon = c.fetchval("SELECT ROW(1, 'a'::text, NULL::int, ARRAY[1.5::float8])");
                assertEquals(List.of("f1", "f2", "f3", "f4"), anon.keys());
                assertEquals(Arrays.asList(1, "a", null, List.of(1.5)), anon.values());
                c.execute("DROP TYPE IF EXISTS types_pair CASCADE; DROP TYPE IF EXISTS types_mood CASCADE; "
                        + "DROP DOMAIN IF EXISTS types_pos; "
                        + "CREATE TYPE types_mood AS ENUM ('sad', 'ok', 'happy'); "
                        + "CREATE TYPE types_pair AS (name text, score int, mood types_mood); "
                        + "CREATE DOMAIN types_pos AS int CHECK (VALUE > 0)");
                Record pair = c.fetchval("SELECT ('x', 2, 'ok')::types_pair");
                assertEquals(List.of("name", "score", "mood"), pair.keys());
                assertEquals("x", pair.getString("name"));
                assertEquals("ok", pair.get("mood"));
                assertEquals("happy", c.fetchval("SELECT 'happy'::types_mood"));
                assertEquals(List.of("sad", "happy"), c.fetchval("SELECT '{sad,happy}'::types_mood[]"));
                assertEquals(5, (int) c.fetchval("SELECT 5::types_pos"));
                // Arguments of these types: a composite from a List, an enum from its label, a domain from its base.
                Record back = c.fetchval("SELECT $1::types_pair", List.of("y", 3, "sad"));
                assertEquals(List.of("y", 3, "sad"), back.values());
                assertEquals("ok", c.fetchval("SELECT $1::types_mood", "ok"));
                assertEquals(7, (int) c.fetchval("SELECT $1::types_pos", 7));
                List<Record> pairs = c.fetchval("SELECT ARRAY[('a', 1, 'sad')::types_pair, NULL]");
                assertEquals("a", pairs.get(0).getString("name"));
                assertNull(pairs.get(1));
                // No binary codec: the text form.
                assertEquals("10.0.0.1", c.fetchval("SELECT '10.0.0.1'::inet"));
                assertEquals("[1,5)", c.fetchval("SELECT int4range(1, 5)"));
                assertEquals("192.168.0.0/16", c.fetchval("SELECT $1::cidr", "192.168.0.0/16"));
            }
            return null;
        });
    }

    @Test
    void customCodecs() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.setTypeCodec("inet", "pg_catalog", TypeCodec.<InetAddress>text(InetAddress::getHostAddress, s -> {
                    try {
                        return InetAddress.getByName(s.replaceAll("/\\d+$", ""));
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalArgumentException(e);
                    }
                }));
                InetAddress a = c.fetchval("SELECT '10.1.2.3'::inet");
                assertEquals(InetAddress.getByName("10.1.2.3"), a);
                assertEquals("10.9.9.9", c.fetchval("SELECT host($1::inet)", InetAddress.getByName("10.9.9.9")));
                List<InetAddress> many = c.fetchval("SELECT '{10.0.0.1,10.0.0.2}'::inet[]");
                assertEquals(2, many.size(), "arrays of a text-coded type read as text... " + many);
                // A binary codec replacing a built-in one: int4 as its raw bytes.
                c.setTypeCodec("int4", "pg_catalog", TypeCodec.<byte[]>binary(b -> b, b -> b));
                assertArrayEquals(new byte[] {0, 0, 1, 0}, c.fetchval("SELECT 256"));
                assertArrayEquals(new byte[] {0, 0, 0, 7}, c.fetchval("SELECT $1::int4", (Object) new byte[] {0, 0, 0, 7}));
            }
            return null;
        });
    }

    @Test
    void badArgumentsAreDataErrorsAndSendNothing() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                DataError e = assertThrows(DataError.class, () -> c.fetchval("SELECT $1::int4", "12"));
                assertEquals("invalid input for query argument $1: 12 (expected Integer, Long or Short, got String; "
                        + "the parameter is integer)", e.getMessage());
                assertThrows(DataError.class, () -> c.fetchval("SELECT $1::int2", 70000));
                assertThrows(DataError.class, () -> c.fetchval("SELECT $2::text || $1::uuid", "not a uuid", "x"));
                InterfaceError n = assertThrows(InterfaceError.class, () -> c.fetchval("SELECT $1::int4"));
                assertTrue(n.getMessage().contains("expects 1 argument"), n.getMessage());
                List<Object> many = new ArrayList<>();
                for (int i = 0; i < 5; i++) many.add(c.fetchval("SELECT $1::int8", i));
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L), many, "the connection is fine after refused arguments");
            }
            return null;
        });
    }
}
