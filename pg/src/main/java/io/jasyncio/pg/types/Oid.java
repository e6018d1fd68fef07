package io.jasyncio.pg.types;

/**
 * The OIDs of PostgreSQL's built-in types this driver knows (fixed in every server's catalog), and the element type
 * of each built-in array type.
 *
 * <p>Threading: constants.
 */
public final class Oid {
    private Oid() {}

    public static final int BOOL = 16, BYTEA = 17, CHAR = 18, NAME = 19, INT8 = 20, INT2 = 21, INT4 = 23, TEXT = 25,
            OID = 26, JSON = 114, XML = 142, FLOAT4 = 700, FLOAT8 = 701, UNKNOWN = 705, BPCHAR = 1042,
            VARCHAR = 1043, DATE = 1082, TIME = 1083, TIMESTAMP = 1114, TIMESTAMPTZ = 1184, INTERVAL = 1186,
            TIMETZ = 1266, NUMERIC = 1700, UUID = 2950, RECORD = 2249, JSONB = 3802, VOID = 2278;

    public static final int BOOL_ARRAY = 1000, BYTEA_ARRAY = 1001, CHAR_ARRAY = 1002, NAME_ARRAY = 1003,
            INT2_ARRAY = 1005, INT4_ARRAY = 1007, TEXT_ARRAY = 1009, BPCHAR_ARRAY = 1014, VARCHAR_ARRAY = 1015,
            INT8_ARRAY = 1016, FLOAT4_ARRAY = 1021, FLOAT8_ARRAY = 1022, OID_ARRAY = 1028, JSON_ARRAY = 199,
            XML_ARRAY = 143, TIMESTAMP_ARRAY = 1115, DATE_ARRAY = 1182, TIME_ARRAY = 1183, TIMESTAMPTZ_ARRAY = 1185,
            INTERVAL_ARRAY = 1187, NUMERIC_ARRAY = 1231, TIMETZ_ARRAY = 1270, UUID_ARRAY = 2951,
            RECORD_ARRAY = 2287, JSONB_ARRAY = 3807;

    /** The element type of a built-in array type, or 0 if {@code oid} is not one. */
    public static int elementOf(int arrayOid) {
        return switch (arrayOid) {
            case BOOL_ARRAY -> BOOL;
            case BYTEA_ARRAY -> BYTEA;
            case CHAR_ARRAY -> CHAR;
            case NAME_ARRAY -> NAME;
            case INT2_ARRAY -> INT2;
            case INT4_ARRAY -> INT4;
            case TEXT_ARRAY -> TEXT;
            case BPCHAR_ARRAY -> BPCHAR;
            case VARCHAR_ARRAY -> VARCHAR;
            case INT8_ARRAY -> INT8;
            case FLOAT4_ARRAY -> FLOAT4;
            case FLOAT8_ARRAY -> FLOAT8;
            case OID_ARRAY -> OID;
            case JSON_ARRAY -> JSON;
            case XML_ARRAY -> XML;
            case TIMESTAMP_ARRAY -> TIMESTAMP;
            case DATE_ARRAY -> DATE;
            case TIME_ARRAY -> TIME;
            case TIMESTAMPTZ_ARRAY -> TIMESTAMPTZ;
            case INTERVAL_ARRAY -> INTERVAL;
            case NUMERIC_ARRAY -> NUMERIC;
            case TIMETZ_ARRAY -> TIMETZ;
            case UUID_ARRAY -> UUID;
            case RECORD_ARRAY -> RECORD;
            case JSONB_ARRAY -> JSONB;
            default -> 0;
        };
    }

    /** The built-in type's SQL name, for messages; {@code "oid N"} for others. */
    public static String name(int oid) {
        return switch (oid) {
            case BOOL -> "boolean";
            case BYTEA -> "bytea";
            case CHAR -> "\"char\"";
            case NAME -> "name";
            case INT8 -> "bigint";
            case INT2 -> "smallint";
            case INT4 -> "integer";
            case TEXT -> "text";
            case OID -> "oid";
            case JSON -> "json";
            case XML -> "xml";
            case FLOAT4 -> "real";
            case FLOAT8 -> "double precision";
            case UNKNOWN -> "unknown";
            case BPCHAR -> "character";
            case VARCHAR -> "character varying";
            case DATE -> "date";
            case TIME -> "time";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case INTERVAL -> "interval";
            case TIMETZ -> "timetz";
            case NUMERIC -> "numeric";
            case UUID -> "uuid";
            case RECORD -> "record";
            case JSONB -> "jsonb";
            case VOID -> "void";
            default -> {
                int e = elementOf(oid);
                yield e != 0 ? name(e) + "[]" : "oid " + oid;
            }
        };
    }
}
