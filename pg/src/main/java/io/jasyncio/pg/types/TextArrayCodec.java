package io.jasyncio.pg.types;

import io.jasyncio.pg.DataError;
import io.jasyncio.pg.protocol.MessageBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Arrays whose elements travel as text (types without a binary codec, and types given a text codec), in
 * PostgreSQL's array text form: {@code {a,"b c",NULL,{nested}}}, with an optional {@code [lo:hi]=} prefix (bounds
 * are not kept). Elements are read and written by the element's codec, so an {@code inet[]} with a user's inet
 * codec reads as a List of the user's objects.
 *
 * <p>Threading: immutable.
 */
public final class TextArrayCodec implements Codec {
    private final int elementOid;

    public TextArrayCodec(int elementOid) {
        this.elementOid = elementOid;
    }

    @Override
    public boolean binary() {
        return false;
    }

    @Override
    public Object decode(byte[] b, int off, int len, Types t) {
        String s = new String(b, off, len, StandardCharsets.UTF_8);
        int[] pos = {0};
        if (s.startsWith("[")) { // dimension decoration: [0:1]={...}
            int eq = s.indexOf('=');
            if (eq < 0) throw new DataError("invalid array text: " + s);
            pos[0] = eq + 1;
        }
        Codec elem = t.codec(elementOid);
        List<Object> r = parse(s, pos, elem, t, 0);
        return r;
    }

    private static List<Object> parse(String s, int[] pos, Codec elem, Types t, int depth) {
        if (depth > ArrayCodec.MAX_DIMS) throw new DataError("invalid array text: too deep");
        int i = pos[0];
        if (i >= s.length() || s.charAt(i) != '{') throw new DataError("invalid array text at " + i + ": " + s);
        i++;
        List<Object> items = new ArrayList<>();
        while (true) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) throw new DataError("invalid array text: unterminated: " + s);
            char c = s.charAt(i);
            if (c == '}' && items.isEmpty()) {
                i++;
                break;
            }
            if (c == '{') {
                pos[0] = i;
                items.add(parse(s, pos, elem, t, depth + 1));
                i = pos[0];
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= s.length()) throw new DataError("invalid array text: unterminated quote: " + s);
                    char q = s.charAt(i++);
                    if (q == '\\' && i < s.length()) sb.append(s.charAt(i++));
                    else if (q == '"') break;
                    else sb.append(q);
                }
                items.add(element(sb.toString(), elem, t));
            } else {
                int start = i;
                while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '}') i++;
                String tok = s.substring(start, i).strip();
                items.add(tok.equalsIgnoreCase("NULL") ? null : element(tok, elem, t));
            }
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= s.length()) throw new DataError("invalid array text: unterminated: " + s);
            char sep = s.charAt(i++);
            if (sep == '}') break;
            if (sep != ',') throw new DataError("invalid array text: expected ',' or '}' at " + (i - 1) + ": " + s);
        }
        pos[0] = i;
        return Collections.unmodifiableList(Arrays.asList(items.toArray()));
    }

    private static Object element(String text, Codec elem, Types t) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return elem.decode(b, 0, b.length, t);
    }

    @Override
    public void encode(Object v, MessageBuffer out, Types t) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, t.codec(elementOid), t, 0);
        out.putUtf8(sb);
    }

    private static void write(Object v, StringBuilder sb, Codec elem, Types t, int depth) {
        List<?> items;
        if (v instanceof List<?> l) items = l;
        else if (v instanceof Object[] a) items = Arrays.asList(a);
        else throw Codecs.expected("a List or an array", v);
        if (depth > ArrayCodec.MAX_DIMS) throw new DataError("an array argument has more than " + ArrayCodec.MAX_DIMS + " dimensions");
        sb.append('{');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(',');
            Object e = items.get(i);
            if (e == null) {
                sb.append("NULL");
            } else if (e instanceof List<?> || e instanceof Object[]) {
                write(e, sb, elem, t, depth + 1);
            } else {
                MessageBuffer m = new MessageBuffer(32);
                elem.encode(e, m, t);
                String text = new String(m.view().array(), 0, m.size(), StandardCharsets.UTF_8);
                sb.append('"');
                for (int k = 0; k < text.length(); k++) {
                    char c = text.charAt(k);
                    if (c == '"' || c == '\\') sb.append('\\');
                    sb.append(c);
                }
                sb.append('"');
            }
        }
        sb.append('}');
    }
}
