package io.jasyncio.pg;

import java.util.ArrayList;
import java.util.List;

/**
 * The multi-row form of a one-row INSERT, for {@link Connection#executemany}: {@code INSERT INTO t (a, b) VALUES
 * ($1, $2)} run for k rows becomes {@code INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ...} — the VALUES tuple
 * repeated with its parameters renumbered — so the server runs one statement per k rows instead of one per row.
 *
 * <p>What is rewritten: {@code INSERT INTO <target> ... VALUES (<tuple>)} with one VALUES tuple at the top level,
 * every parameter inside that tuple, optionally followed by an {@code ON CONFLICT ... DO NOTHING} clause without
 * parameters; nothing else. Not rewritten (run row by row): {@code RETURNING} (its rows), {@code ON CONFLICT ...
 * DO UPDATE} (a multi-row statement may not update one row twice), a {@code WITH} clause, {@code INSERT ...
 * SELECT}, several VALUES tuples, several statements (one trailing semicolon is fine), and SQL this scanner cannot be sure
 * of (an unterminated string or comment). The scanner knows PostgreSQL's lexical rules that could hide a
 * {@code $n}, a parenthesis or a keyword: quoted strings ({@code '...'}, {@code E'...'} with backslash escapes),
 * quoted identifiers, dollar quoting, nested block comments and line comments.
 *
 * <p>Threading: immutable.
 */
final class InsertRewrite {
    /** Up to and including the VALUES keyword and the space after it. */
    private final String head;
    /** The tuple, as text pieces around its parameters: text, param, text, param, ..., text. */
    private final String[] pieces;
    private final int[] params;
    /** After the tuple (the ON CONFLICT clause, or ""). */
    private final String tail;
    /** The highest parameter number: the statement's parameter count. */
    final int paramCount;

    private InsertRewrite(String head, String[] pieces, int[] params, String tail, int paramCount) {
        this.head = head;
        this.pieces = pieces;
        this.params = params;
        this.tail = tail;
        this.paramCount = paramCount;
    }

    /** The statement for {@code rows} rows: the tuple repeated, row r's parameters shifted by r × paramCount. */
    String sql(int rows) {
        StringBuilder sb = new StringBuilder(head.length() + tail.length() + rows * (8 + 8 * params.length));
        sb.append(head);
        for (int r = 0; r < rows; r++) {
            if (r > 0) sb.append(", ");
            int shift = r * paramCount;
            for (int i = 0; i < params.length; i++) sb.append(pieces[i]).append('$').append(params[i] + shift);
            sb.append(pieces[params.length]);
        }
        return sb.append(tail).toString();
    }

    /** A top-level token: a word, a parameter, or one punctuation character. */
    private record Token(int start, int end, char kind, int depth, int param) {}

    /** The rewrite of {@code sql}, or null if it is not a statement this class may rewrite (see the class comment). */
    static InsertRewrite of(String sql) {
        List<Token> toks = scan(sql);
        if (toks != null && !toks.isEmpty() && toks.getLast().kind == ';') toks = toks.subList(0, toks.size() - 1); // kept in the tail
        if (toks == null || toks.size() < 6) return null;
        if (!word(sql, toks.get(0), "INSERT") || !word(sql, toks.get(1), "INTO")) return null;
        int values = -1;
        for (int i = 2; i < toks.size(); i++) {
            Token t = toks.get(i);
            if (t.depth == 0 && word(sql, t, "VALUES")) {
                values = i;
                break;
            }
            if (t.kind == '$' || (t.depth == 0 && (t.kind == ';' || word(sql, t, "SELECT")))) return null;
        }
        if (values < 0 || values + 1 >= toks.size() || toks.get(values + 1).kind != '(' || toks.get(values + 1).depth != 0) {
            return null;
        }
        int open = values + 1;
        int close = -1;
        for (int i = open + 1; i < toks.size(); i++) {
            Token t = toks.get(i);
            if (t.kind == ')' && t.depth == 0) {
                close = i;
                break;
            }
        }
        if (close < 0) return null;
        // The tail: nothing, or ON CONFLICT ... DO NOTHING, without parameters or RETURNING.
        List<Token> tail = toks.subList(close + 1, toks.size());
        if (!tail.isEmpty()) {
            int m = tail.size();
            if (m < 4 || !word(sql, tail.get(0), "ON") || !word(sql, tail.get(1), "CONFLICT")
                    || !word(sql, tail.get(m - 2), "DO") || !word(sql, tail.get(m - 1), "NOTHING")) {
                return null;
            }
            for (Token t : tail) {
                if (t.kind == '$' || t.kind == ';' || word(sql, t, "RETURNING") || word(sql, t, "UPDATE")) return null;
            }
        }
        List<String> pieces = new ArrayList<>();
        List<Integer> params = new ArrayList<>();
        int at = toks.get(open).start;
        int max = 0;
        for (int i = open + 1; i < close; i++) {
            Token t = toks.get(i);
            if (t.kind != '$') continue;
            pieces.add(sql.substring(at, t.start));
            params.add(t.param);
            max = Math.max(max, t.param);
            at = t.end;
        }
        int tupleEnd = toks.get(close).end;
        pieces.add(sql.substring(at, tupleEnd));
        if (max == 0) return null; // nothing varies: no point
        return new InsertRewrite(sql.substring(0, toks.get(open).start), pieces.toArray(String[]::new),
                params.stream().mapToInt(Integer::intValue).toArray(), sql.substring(tupleEnd), max);
    }

    private static boolean word(String sql, Token t, String w) {
        return t.kind == 'w' && t.end - t.start == w.length() && sql.regionMatches(true, t.start, w, 0, w.length());
    }

    /**
     * Words, parameters and punctuation outside strings, identifiers and comments, with their parenthesis depth
     * (a token inside quotes or comments is never returned). Null if the SQL does not end cleanly (an unterminated
     * quote or comment, unbalanced parentheses, a parameter number out of range).
     */
    private static List<Token> scan(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int depth = 0;
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int nest = 0;
                do {
                    if (i + 1 >= n) return null;
                    if (s.charAt(i) == '/' && s.charAt(i + 1) == '*') {
                        nest++;
                        i += 2;
                    } else if (s.charAt(i) == '*' && s.charAt(i + 1) == '/') {
                        nest--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (nest > 0);
            } else if (c == '\'') {
                boolean escapes = i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                        && (i < 2 || !identPart(s.charAt(i - 2)));
                i = endOfQuoted(s, i, '\'', escapes);
                if (i < 0) return null;
            } else if (c == '"') {
                i = endOfQuoted(s, i, '"', false);
                if (i < 0) return null;
            } else if (c == '$' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && Character.isDigit(s.charAt(j))) j++;
                if (j - i - 1 > 5) return null;
                int p = Integer.parseInt(s, i + 1, j, 10);
                if (p < 1 || p > 65535) return null;
                out.add(new Token(i, j, '$', depth, p));
                i = j;
            } else if (c == '$') {
                int j = i + 1;
                while (j < n && identPart(s.charAt(j)) && s.charAt(j) != '$') j++;
                if (j >= n || s.charAt(j) != '$') return null; // not a dollar quote's tag: unsure, do not rewrite
                String tag = s.substring(i, j + 1);
                int end = s.indexOf(tag, j + 1);
                if (end < 0) return null;
                i = end + tag.length();
            } else if (identStart(c)) {
                int j = i + 1;
                while (j < n && identPart(s.charAt(j))) j++;
                out.add(new Token(i, j, 'w', depth, 0));
                i = j;
            } else {
                if (c == ')') depth--;
                if (depth < 0) return null;
                out.add(new Token(i, i + 1, c, depth, 0)); // a parenthesis pair has one depth
                if (c == '(') depth++;
                i++;
            }
        }
        return depth == 0 ? out : null;
    }

    /** The index after the quote that closes the one at {@code i}, or -1; a doubled quote is a quote. */
    private static int endOfQuoted(String s, int i, char q, boolean backslashEscapes) {
        int n = s.length();
        for (int j = i + 1; j < n; j++) {
            char c = s.charAt(j);
            if (backslashEscapes && c == '\\') {
                j++;
            } else if (c == q) {
                if (j + 1 < n && s.charAt(j + 1) == q) j++;
                else return j + 1;
            }
        }
        return -1;
    }

    private static boolean identStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean identPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
    }
}
