package io.jasyncio.pg.protocol;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.InterfaceError;
import io.jasyncio.pg.types.Codec;
import io.jasyncio.pg.types.Codecs;
import io.jasyncio.pg.types.Oid;
import io.jasyncio.pg.types.Types;

/**
 * A statement prepared on the server (Parse, named): its parameter types and result columns, and the codecs and
 * formats chosen for them, so that running it again is Bind/Execute/Sync with arguments encoded straight into
 * the output buffer.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class Statement {
    public final String name;
    public final String sql;
    int[] paramOids = new int[0];
    Codec[] paramCodecs = new Codec[0];
    /** The result's columns, or null if the statement returns no rows. */
    RowDescription columns;
    /**
     * Whether its queries may share a Sync with other tasks' ({@link SyncGroup}): it reads and cannot change the
     * transaction status — a SELECT or VALUES without INTO (which makes a table) or a locking clause (FOR UPDATE,
     * FOR SHARE, ...: its locks would be held to the end of the group).
     */
    final boolean groupable;
    /** Set once the server dropped it (evicted from the cache, closed, or found invalid). */
    boolean closed;
    /** What every Bind of it repeats, encoded once (at its first Bind): its name as a C string, the format codes. */
    private byte[] nameC;
    private boolean paramsBinary;
    private byte[] resultFormats;

    Statement(String name, String sql) {
        this.name = name;
        this.sql = sql;
        this.groupable = groupable(sql);
    }

    /**
     * Whether {@code sql} is a read that can share a Sync: its first keyword (after blanks, comments and opening
     * parentheses) is SELECT or VALUES, and the words INTO and FOR appear nowhere (conservative: a FOR inside a
     * string or {@code substring(x FOR 2)} also keeps it out, which only costs the grouping).
     */
    static boolean groupable(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) return false;
                i = end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) i++;
        String first = sql.substring(start, i);
        if (!first.equalsIgnoreCase("SELECT") && !first.equalsIgnoreCase("VALUES")) return false;
        while (i < n) {
            if (!Character.isLetter(sql.charAt(i))) {
                i++;
                continue;
            }
            int w = i;
            while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
            if (w > 0 && (sql.charAt(w - 1) == '_' || Character.isDigit(sql.charAt(w - 1)))) continue; // inside a name
            String word = sql.substring(w, i);
            if (word.equalsIgnoreCase("INTO") || word.equalsIgnoreCase("FOR")) return false;
        }
        return true;
    }

    public int[] paramOids() {
        return paramOids.clone();
    }

    /** The result's columns, or null if it returns no rows. */
    public RowDescription columns() {
        return columns;
    }

    public boolean closed() {
        return closed;
    }

    public void markClosed() {
        closed = true;
    }

    /** Undoes {@link #markClosed} for a statement whose Close was never sent (the cache took it back). */
    public void reopen() {
        closed = false;
    }

    /**
     * Re-resolves the codecs after types were learnt from the catalog. Only before the statement is first used: the
     * formats of a Bind must match the codecs its rows are read with.
     */
    public void refreshCodecs(Types types) {
        nameC = null;
        for (int i = 0; i < paramOids.length; i++) paramCodecs[i] = types.codec(paramOids[i]);
        if (columns != null) {
            for (int i = 0; i < columns.codecs.length; i++) columns.codecs[i] = types.codec(columns.typeOids[i]);
        }
    }

    /**
     * Writes a Bind of this statement to the unnamed portal ({@code portal} ""), or a named one: parameter formats,
     * the arguments, result formats.
     */
    void bind(MessageBuffer out, String portal, Object[] args, Types types) {
        if (args.length != paramOids.length) {
            throw new InterfaceError("the server expects " + paramOids.length + " argument" + (paramOids.length == 1 ? "" : "s")
                    + " for this query, " + args.length + " were passed");
        }
        if (nameC == null) prepareBind();
        int at = out.begin('B');
        if (portal.isEmpty()) out.putByte(0);
        else out.putCString(portal);
        out.putBytes(nameC);
        int n = paramOids.length;
        if (paramsBinary) {
            out.putShort(n == 0 ? 0 : 1);
            if (n > 0) out.putShort(1);
        } else {
            out.putShort(n);
            for (Codec c : paramCodecs) out.putShort(c.binary() ? 1 : 0);
        }
        out.putShort(n);
        putArgs(out, args, types);
        out.putBytes(resultFormats);
        out.end(at);
    }

    /**
     * Writes the arguments as a Bind carries them (each a length, -1 for NULL, and its bytes), without the count: a
     * batch encodes rows ahead and Binds them later ({@link #bindEncoded}).
     */
    public void putArgs(MessageBuffer out, Object[] args, Types types) {
        int n = paramOids.length;
        if (args.length != n) {
            throw new InterfaceError("the server expects " + n + " argument" + (n == 1 ? "" : "s")
                    + " for this query, " + args.length + " were passed");
        }
        for (int i = 0; i < n; i++) {
            Object v = args[i];
            if (v == null) {
                out.putInt(-1);
                continue;
            }
            int vat = out.beginValue();
            try {
                paramCodecs[i].encode(v, out, types);
            } catch (DataError e) {
                throw new DataError("invalid input for query argument $" + (i + 1) + ": " + brief(v) + " ("
                        + e.getMessage() + "; the parameter is " + Oid.name(paramOids[i]) + ")", e);
            } catch (ArithmeticException | ClassCastException e) {
                throw new DataError("invalid input for query argument $" + (i + 1) + ": " + brief(v) + " (" + e.getMessage() + ")", e);
            }
            out.endValue(vat);
        }
    }

    /**
     * Writes a Bind of this statement to the unnamed portal whose arguments are bytes {@code from..to} of
     * {@code values}, as {@link #putArgs} wrote them (for this statement's whole parameter list).
     */
    public void bindEncoded(MessageBuffer out, MessageBuffer values, int from, int to) {
        if (nameC == null) prepareBind();
        int at = out.begin('B');
        out.putByte(0);
        out.putBytes(nameC);
        int n = paramOids.length;
        if (paramsBinary) {
            out.putShort(n == 0 ? 0 : 1);
            if (n > 0) out.putShort(1);
        } else {
            out.putShort(n);
            for (Codec c : paramCodecs) out.putShort(c.binary() ? 1 : 0);
        }
        out.putShort(n);
        out.putBytes(values.array(), from, to - from);
        out.putBytes(resultFormats);
        out.end(at);
    }

    /**
     * This statement's parameters repeated {@code rows} times, for {@code sql} (its VALUES tuple repeated, see
     * {@code InsertRewrite}): a statement returning no rows, to be made on the server by {@link #writeParse}.
     */
    public Statement repeated(String name, String sql, int rows) {
        if (columns != null) throw new IllegalStateException("a statement returning rows is not repeated");
        int n = paramOids.length;
        if ((long) n * rows > 65535) throw new IllegalArgumentException(n * rows + " parameters: PostgreSQL takes at most 65535");
        Statement s = new Statement(name, sql);
        s.paramOids = new int[n * rows];
        s.paramCodecs = new Codec[n * rows];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(paramOids, 0, s.paramOids, r * n, n);
            System.arraycopy(paramCodecs, 0, s.paramCodecs, r * n, n);
        }
        return s;
    }

    /** The number of parameters. */
    public int paramCount() {
        return paramOids.length;
    }

    /** Writes a Parse of this statement naming its parameter types (so no Describe is needed before a Bind). */
    public void writeParse(MessageBuffer out) {
        int at = out.begin('P');
        out.putCString(name);
        out.putCString(sql);
        out.putShort(paramOids.length);
        for (int oid : paramOids) out.putInt(oid);
        out.end(at);
    }

    /** Encodes the parts of a Bind that are the same every time. */
    private void prepareBind() {
        boolean allBinary = true;
        for (Codec c : paramCodecs) allBinary &= c.binary();
        paramsBinary = allBinary;
        MessageBuffer m = new MessageBuffer(16);
        RowDescription cols = columns;
        if (cols == null || cols.size() == 0) {
            m.putShort(0);
        } else {
            boolean allBin = true;
            for (int i = 0; i < cols.size(); i++) allBin &= resultBinary(cols.codecs[i], cols.typeOids[i]);
            if (allBin) {
                m.putShort(1);
                m.putShort(1);
            } else {
                m.putShort(cols.size());
                for (int i = 0; i < cols.size(); i++) m.putShort(resultBinary(cols.codecs[i], cols.typeOids[i]) ? 1 : 0);
            }
        }
        resultFormats = java.util.Arrays.copyOf(m.view().array(), m.size());
        m.clear();
        m.putCString(name);
        nameC = java.util.Arrays.copyOf(m.view().array(), m.size());
    }

    /**
     * The format a result column is asked for in: its codec's, except for the text types, whose text form is the
     * same bytes and cheaper for the server to send (textsend builds a bytea in a 1 KiB buffer for every value;
     * the server's profile on the 1,000-row benchmark showed that path, pq_begintypsend, as its hottest function).
     * PgJDBC asks for text columns in text too.
     */
    static boolean resultBinary(Codec c, int oid) {
        if (c == Codecs.TEXT && (oid == Oid.TEXT || oid == Oid.VARCHAR || oid == Oid.BPCHAR || oid == Oid.NAME)) return false;
        return c.binary();
    }

    static String brief(Object v) {
        String s = v instanceof byte[] b ? "byte[" + b.length + "]" : String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Execute of portal with a row limit (0: all rows). */
    static void execute(MessageBuffer out, String portal, int maxRows) {
        int at = out.begin('E');
        out.putCString(portal);
        out.putInt(maxRows);
        out.end(at);
    }

    static void sync(MessageBuffer out) {
        out.putByte('S');
        out.putInt(4);
    }

    /** Close of a statement ('S') or portal ('P'). */
    static void close(MessageBuffer out, char what, String name) {
        int at = out.begin('C');
        out.putByte(what);
        out.putCString(name);
        out.end(at);
    }

    @Override
    public String toString() {
        return "Statement[" + name + ": " + sql + "]";
    }
}
