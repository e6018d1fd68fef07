package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.util.PGInterval;

/**
 * The same expressions read through this driver and through PgJDBC (the reference Java driver) give the same
 * values, over the whole type list: each value, NULLs, edge values, arrays (with NULLs, several dimensions) and a
 * composite type's fields. Each value is also sent back as an argument and read by PgJDBC as the server saw it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DifferentialTest {
    static PgCluster pg;

    @BeforeAll
    static void server() throws Exception {
        pg = PgCluster.get();
        pg.psql("DROP TYPE IF EXISTS diff_row; CREATE TYPE diff_row AS (i int, t text, n numeric, d date, ts timestamptz, a int[], b bytea)");
    }

    /** Expressions and the SQL type to cast an argument back to. */
    static final String[][] EXPRESSIONS = {
        {"true", "bool"}, {"NULL::bool", "bool"},
        {"'-32768'::int2", "int2"}, {"32767::int2", "int2"},
        {"'-2147483648'::int4", "int4"}, {"2147483647", "int4"}, {"NULL::int4", "int4"},
        {"'-9223372036854775808'::int8", "int8"}, {"9223372036854775807::int8", "int8"},
        {"3.4028235e38::float4", "float4"}, {"'NaN'::float4", "float4"}, {"1e-45::float4", "float4"},
        {"'-Infinity'::float8", "float8"}, {"2.2250738585072014e-308::float8", "float8"}, {"0.1::float8", "float8"},
        {"0::numeric", "numeric"}, {"'0.0000'::numeric", "numeric"}, {"'-123456789.987654321'::numeric", "numeric"},
        {"'1e100'::numeric", "numeric"}, {"'1e-100'::numeric", "numeric"}, {"'NaN'::numeric", "numeric"},
        {"(2::numeric ^ 200)", "numeric"},
        {"'héllo, 世界 🎉'::text", "text"}, {"''::text", "text"}, {"'x'::varchar(5)", "varchar"}, {"'ab'::char(3)", "bpchar"},
        {"'pg_class'::name", "name"}, {"NULL::text", "text"},
        {"'\\xdeadbeef00'::bytea", "bytea"}, {"''::bytea", "bytea"},
        {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "uuid"},
        {"'2024-02-29'::date", "date"}, {"'0001-01-01'::date", "date"}, {"'infinity'::date", "date"}, {"'-infinity'::date", "date"},
        {"'00:00:00'::time", "time"}, {"'23:59:59.999999'::time", "time"},
        {"'13:14:15.5-08'::timetz", "timetz"}, {"'01:02:03+14'::timetz", "timetz"},
        {"'2024-02-29 12:34:56.789012'::timestamp", "timestamp"}, {"'1970-01-01'::timestamp", "timestamp"},
        {"'infinity'::timestamp", "timestamp"},
        {"'2024-02-29 12:34:56.789012+03'::timestamptz", "timestamptz"}, {"'1901-01-01 00:00:00+00'::timestamptz", "timestamptz"},
        {"'-infinity'::timestamptz", "timestamptz"},
        {"'1 year 2 mons 3 days 04:05:06.789'::interval", "interval"}, {"'-3 days -01:00:00'::interval", "interval"},
        {"'{\"a\": 1, \"b\": [true, null]}'::json", "json"}, {"'{\"b\": [true, null], \"a\": 1}'::jsonb", "jsonb"},
        {"'{1,NULL,3}'::int4[]", "int4[]"}, {"'{{1,2},{3,4}}'::int8[]", "int8[]"}, {"'{}'::int4[]", "int4[]"},
        {"'{1,-2}'::int2[]", "int2[]"}, {"'{1.5,NaN}'::float8[]", "float8[]"}, {"'{0.25}'::float4[]", "float4[]"},
        {"'{1.10,NULL}'::numeric[]", "numeric[]"}, {"'{\"a b\",\"c\\\"d\",NULL}'::text[]", "text[]"},
        {"'{{a,b},{c,d}}'::varchar[]", "varchar[]"}, {"'{t,f,NULL}'::bool[]", "bool[]"},
        {"ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]", "uuid[]"},
        {"'{2024-01-01,NULL}'::date[]", "date[]"}, {"ARRAY['2024-01-01 10:00'::timestamp]", "timestamp[]"},
        {"ARRAY['\\x01'::bytea, NULL]", "bytea[]"},
        {"ROW(7, 'seven', 7.5, '2024-07-07', '2024-07-07 07:07:07+07', ARRAY[7, NULL], '\\x07')::diff_row", "diff_row"},
        {"ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL)::diff_row", "diff_row"},
    };

    @Test
    void sameValuesAsPgJdbc() throws Exception {
        // Ours first (in a loop), then PgJDBC's (plain blocking JDBC on this thread), compared afterwards.
        Map<String, Object> ours = new LinkedHashMap<>();
        Map<String, Object> roundTrip = new LinkedHashMap<>();
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                c.execute("SET TimeZone = 'UTC'");
                for (String[] e : EXPRESSIONS) {
                    Object v = c.fetchval("SELECT " + e[0]);
                    ours.put(e[0], v);
                    // Sent back as an argument of the type, and read back as text by the server: compared below.
                    roundTrip.put(e[0], c.fetchval("SELECT ($1::" + e[1] + ")::text", v));
                }
            }
            return null;
        });
        List<String> failures = new ArrayList<>();
        try (java.sql.Connection j = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port
                + "/postgres?user=postgres&sslmode=disable");
                Statement s = j.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            for (String[] e : EXPRESSIONS) {
                Object mine = ours.get(e[0]);
                try (ResultSet rs = s.executeQuery("SELECT " + e[0] + ", (" + e[0] + ")::text")) {
                    rs.next();
                    String why = compare(mine, rs, 1, e[1]);
                    if (why != null) failures.add(e[0] + ": " + why);
                    String text = rs.getString(2);
                    if (!java.util.Objects.equals(text, roundTrip.get(e[0]))) {
                        failures.add(e[0] + ": sent back as an argument, the server read " + roundTrip.get(e[0])
                                + " instead of " + text);
                    }
                }
                if (e[1].equals("diff_row") && mine != null) {
                    try (ResultSet rs = s.executeQuery("SELECT (v).* FROM (SELECT " + e[0] + " AS v) x")) {
                        rs.next();
                        Record r = (Record) mine;
                        String[] fieldTypes = {"int4", "text", "numeric", "date", "timestamptz", "int4[]", "bytea"};
                        for (int i = 0; i < r.size(); i++) {
                            String why = compare(r.get(i), rs, i + 1, fieldTypes[i]);
                            if (why != null) failures.add(e[0] + " field " + r.keys().get(i) + ": " + why);
                        }
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), "differences from PgJDBC:\n" + String.join("\n", failures));
        assertEquals(EXPRESSIONS.length, ours.size());
    }

    /** Null if PgJDBC reads column {@code i} as the same value as {@code mine}, else what differs. */
    private static String compare(Object mine, ResultSet rs, int i, String type) throws Exception {
        Object theirs = jdbcValue(rs, i, type);
        if (rs.wasNull()) theirs = null;
        Object a = normalize(mine);
        Object b = normalize(theirs);
        return java.util.Objects.deepEquals(a, b) ? null : "ours " + show(a) + " vs PgJDBC " + show(b);
    }

    private static Object jdbcValue(ResultSet rs, int i, String type) throws Exception {
        if (type.endsWith("[]")) {
            java.sql.Array a = rs.getArray(i);
            return a == null ? null : a.getArray();
        }
        return switch (type) {
            case "bool" -> rs.getObject(i, Boolean.class);
            case "int2" -> rs.getObject(i, Short.class);
            case "int4" -> rs.getObject(i, Integer.class);
            case "int8" -> rs.getObject(i, Long.class);
            case "float4" -> rs.getObject(i, Float.class);
            case "float8" -> rs.getObject(i, Double.class);
            case "numeric" -> {
                String t = rs.getString(i);
                yield t == null ? null : t.equals("NaN") ? (Object) Double.NaN : rs.getBigDecimal(i);
            }
            case "bytea" -> rs.getBytes(i);
            case "uuid" -> rs.getObject(i, UUID.class);
            case "date" -> rs.getObject(i, LocalDate.class);
            case "time" -> rs.getObject(i, LocalTime.class);
            case "timetz" -> rs.getObject(i, OffsetTime.class);
            case "timestamp" -> rs.getObject(i, LocalDateTime.class);
            case "timestamptz" -> rs.getObject(i, OffsetDateTime.class);
            case "interval" -> {
                PGInterval v = (PGInterval) rs.getObject(i);
                yield v == null ? null : new Interval(v.getYears() * 12 + v.getMonths(), v.getDays(),
                        ((v.getHours() * 60L + v.getMinutes()) * 60 + v.getWholeSeconds()) * 1_000_000L + v.getMicroSeconds());
            }
            case "diff_row" -> rs.getString(i); // its fields are compared one by one
            default -> rs.getString(i); // text types, json, jsonb
        };
    }

    /** Lists and arrays to nested lists; legacy java.sql temporal types to java.time; records to null (compared apart). */
    private static Object normalize(Object v) {
        if (v instanceof Record) return null;
        if (v instanceof String s && s.startsWith("(")) return null; // PgJDBC's text of the composite
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (Object o : l) r.add(normalize(o));
            return r;
        }
        if (v instanceof Object[] a) return normalize(Arrays.asList(a));
        if (v instanceof java.sql.Timestamp t) return t.toLocalDateTime();
        if (v instanceof java.sql.Date d) return d.toLocalDate();
        if (v instanceof byte[] b) return new ByteList(b);
        if (v instanceof BigDecimal d) return d.stripTrailingZeros().toPlainString() + "/" + d.scale();
        return v;
    }

    /** byte[] with value equality, for deepEquals inside lists. */
    private record ByteList(List<Byte> bytes) {
        ByteList(byte[] b) {
            this(toList(b));
        }

        static List<Byte> toList(byte[] b) {
            List<Byte> l = new ArrayList<>();
            for (byte x : b) l.add(x);
            return l;
        }
    }

    private static String show(Object o) {
        return o + (o == null ? "" : " (" + o.getClass().getSimpleName() + ")");
    }
}
