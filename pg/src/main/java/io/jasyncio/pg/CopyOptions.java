package io.jasyncio.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of a text or CSV COPY (asyncpg's {@code format=}, {@code delimiter=}, {@code null=}, {@code header=},
 * {@code quote=}, {@code escape=}), rendered as COPY's {@code WITH (...)} list. Null fields are the server's
 * defaults.
 *
 * <p>Threading: immutable.
 *
 * @param format "text", "csv" or "binary"
 * @param delimiter the column separator (text: tab, csv: comma)
 * @param nullString how NULL is written (text: {@code \N}, csv: empty)
 * @param header whether a CSV has a header line
 * @param quote the CSV quote character
 * @param escape the CSV escape character
 */
public record CopyOptions(String format, String delimiter, String nullString, Boolean header, String quote, String escape) {
    /** COPY's text format, with the server's defaults. */
    public static final CopyOptions TEXT = new CopyOptions("text", null, null, null, null, null);
    /** COPY's CSV format, with the server's defaults. */
    public static final CopyOptions CSV = new CopyOptions("csv", null, null, null, null, null);
    /** COPY's binary format. */
    public static final CopyOptions BINARY = new CopyOptions("binary", null, null, null, null, null);

    /**
     * Checks the format.
     *
     * @throws IllegalArgumentException a format other than text, csv or binary
     */
    public CopyOptions {
        if (format != null && !List.of("text", "csv", "binary").contains(format.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("COPY format must be text, csv or binary, got " + format);
        }
    }

    /**
     * A copy with this column separator.
     *
     * @param d one character
     * @return the copy
     */
    public CopyOptions withDelimiter(String d) {
        return new CopyOptions(format, d, nullString, header, quote, escape);
    }

    /**
     * A copy writing NULL as {@code n}.
     *
     * @param n the string that stands for NULL
     * @return the copy
     */
    public CopyOptions withNull(String n) {
        return new CopyOptions(format, delimiter, n, header, quote, escape);
    }

    /**
     * A copy with or without a CSV header line.
     *
     * @param h whether there is a header line
     * @return the copy
     */
    public CopyOptions withHeader(boolean h) {
        return new CopyOptions(format, delimiter, nullString, h, quote, escape);
    }

    /**
     * A copy with this CSV quote character.
     *
     * @param q one character
     * @return the copy
     */
    public CopyOptions withQuote(String q) {
        return new CopyOptions(format, delimiter, nullString, header, q, escape);
    }

    /**
     * A copy with this CSV escape character.
     *
     * @param e one character
     * @return the copy
     */
    public CopyOptions withEscape(String e) {
        return new CopyOptions(format, delimiter, nullString, header, quote, e);
    }

    /** {@code WITH (FORMAT csv, DELIMITER ',', ...)}, or "" if all are defaults. */
    String sql() {
        List<String> o = new ArrayList<>();
        if (format != null) o.add("FORMAT " + format.toLowerCase(Locale.ROOT));
        if (delimiter != null) o.add("DELIMITER " + literal(delimiter));
        if (nullString != null) o.add("NULL " + literal(nullString));
        if (header != null) o.add("HEADER " + header);
        if (quote != null) o.add("QUOTE " + literal(quote));
        if (escape != null) o.add("ESCAPE " + literal(escape));
        return o.isEmpty() ? "" : " WITH (" + String.join(", ", o) + ")";
    }

    static String literal(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("a COPY option cannot hold a NUL character");
        return "'" + s.replace("'", "''") + "'";
    }
}
