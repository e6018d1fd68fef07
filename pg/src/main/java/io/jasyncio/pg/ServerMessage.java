package io.jasyncio.pg;

import io.jasyncio.pg.protocol.Bytes;

/**
 * The fields of a server's ErrorResponse or NoticeResponse (asyncpg's {@code PostgresMessage} attributes): what a
 * {@link PostgresError} carries, and what a log listener ({@link Connection#addLogListener}) receives for
 * notices, warnings and {@code RAISE NOTICE}. Absent fields are null.
 *
 * <p>Threading: immutable.
 *
 * @param severity localized severity (ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG)
 * @param severityEn the same, never localized (servers 9.6+)
 * @param sqlstate the five-character SQLSTATE code
 * @param message the primary message
 * @param detail an optional secondary message
 * @param hint an optional suggestion what to do
 * @param position 1-based character index into the query where the error is, or null
 * @param internalPosition as position, into an internally generated command
 * @param internalQuery the internally generated command
 * @param context the call stack (PL/pgSQL's "PL/pgSQL function ... line ...")
 * @param schemaName the schema of the object the error is about
 * @param tableName the table
 * @param columnName the column
 * @param dataTypeName the data type
 * @param constraintName the constraint
 * @param sourceFile the server's source file that reported it
 * @param sourceLine its line
 * @param sourceFunction its routine
 */
public record ServerMessage(String severity, String severityEn, String sqlstate, String message, String detail,
        String hint, Integer position, Integer internalPosition, String internalQuery, String context,
        String schemaName, String tableName, String columnName, String dataTypeName, String constraintName,
        String sourceFile, String sourceLine, String sourceFunction) {

    /**
     * Parses the body of an ErrorResponse or NoticeResponse: (type byte, C string)* then a NUL.
     *
     * @param b the buffer
     * @param off where the body starts
     * @param len the body's length
     * @return the fields; those the server did not send are null
     */
    public static ServerMessage parse(byte[] b, int off, int len) {
        String[] f = new String[128];
        int end = off + len;
        int p = off;
        while (p < end && b[p] != 0) {
            int type = b[p] & 0x7f;
            int z = Bytes.indexOfNul(b, p + 1, end);
            f[type] = Bytes.utf8(b, p + 1, z - p - 1);
            p = z + 1;
        }
        return new ServerMessage(f['S'], f['V'], f['C'], f['M'], f['D'], f['H'], intOrNull(f['P']),
                intOrNull(f['p']), f['q'], f['W'], f['s'], f['t'], f['c'], f['d'], f['n'], f['F'], f['L'], f['R']);
    }

    private static Integer intOrNull(String s) {
        if (s == null) return null;
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * "SEVERITY: message" with the detail and hint on lines of their own, as psql prints it.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity != null ? severity : "ERROR").append(": ").append(message);
        if (detail != null) sb.append("\nDETAIL:  ").append(detail);
        if (hint != null) sb.append("\nHINT:  ").append(hint);
        return sb.toString();
    }
}
