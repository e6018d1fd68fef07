package io.jasyncio.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A route's path with variables, in aiohttp's syntax: {@code {name}} matches one non-empty segment (anything
 * but {@code /}), {@code {name:regex}} what the regular expression matches ({@code {id:\d+}},
 * {@code {tail:.*}}), and a variable may share a segment with literal text ({@code /files/{name}.json}). The
 * template is compiled once into one regular expression matched against the decoded path; it also builds URLs
 * back ({@link NamedRoute#urlFor}).
 *
 * <p>Bounds: at most {@link #MAX_VARIABLES} variables and {@link #MAX_LENGTH} characters per template. The path
 * matched is at most the request line's limit (8190 bytes); the expressions are the application's own, so one
 * with catastrophic backtracking ({@code (a+)+$}) is the application's bug, as it is in aiohttp.
 *
 * <p>Threading: immutable.
 */
final class RouteTemplate {
    static final int MAX_VARIABLES = 32;
    static final int MAX_LENGTH = 2048;
    private static final String DEFAULT_REGEX = "[^{}/]+";
    private static final Pattern NAME = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

    /** A piece of the template: literal text, or a variable (its group in {@link #regex}). */
    private record Piece(String literal, String name, Pattern own, int group) {}

    final String template;
    private final List<Piece> pieces;
    private final Pattern regex;

    RouteTemplate(String template) {
        if (template.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a route template longer than " + MAX_LENGTH + " characters: " + template.substring(0, 64) + "...");
        }
        this.template = template;
        List<Piece> out = new ArrayList<>();
        StringBuilder re = new StringBuilder();
        StringBuilder lit = new StringBuilder();
        int group = 1;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '}') throw new IllegalArgumentException("a '}' without its '{' at index " + i + " of route " + template);
            if (c != '{') {
                lit.append(c);
                i++;
                continue;
            }
            int depth = 1, j = i + 1;
            while (j < template.length() && depth > 0) {
                char d = template.charAt(j);
                if (d == '\\') j++; // an escaped brace in the regex
                else if (d == '{') depth++;
                else if (d == '}') depth--;
                j++;
            }
            if (depth > 0) throw new IllegalArgumentException("a '{' without its '}' at index " + i + " of route " + template);
            String inner = template.substring(i + 1, j - 1);
            int colon = inner.indexOf(':');
            String name = colon < 0 ? inner : inner.substring(0, colon);
            String varRegex = colon < 0 ? DEFAULT_REGEX : inner.substring(colon + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid variable name '" + name + "' in route " + template + " (a letter or _, then letters, digits, _)");
            }
            if (varRegex.isEmpty()) throw new IllegalArgumentException("an empty regex for {" + name + "} in route " + template);
            for (Piece p : out) {
                if (name.equals(p.name)) throw new IllegalArgumentException("variable {" + name + "} twice in route " + template);
            }
            if (out.stream().filter(p -> p.name != null).count() >= MAX_VARIABLES) {
                throw new IllegalArgumentException("more than " + MAX_VARIABLES + " variables in route " + template);
            }
            Pattern own;
            try {
                own = Pattern.compile(varRegex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regex for {" + name + "} in route " + template + ": " + e.getDescription(), e);
            }
            if (!lit.isEmpty()) {
                out.add(new Piece(lit.toString(), null, null, 0));
                re.append(Pattern.quote(lit.toString()));
                lit.setLength(0);
            }
            out.add(new Piece(null, name, own, group));
            re.append('(').append(varRegex).append(')');
            group += 1 + own.matcher("").groupCount();
            i = j;
        }
        if (!lit.isEmpty()) {
            out.add(new Piece(lit.toString(), null, null, 0));
            re.append(Pattern.quote(lit.toString()));
        }
        this.pieces = List.copyOf(out);
        this.regex = Pattern.compile(re.toString());
    }

    /** Whether {@code path} has variables (else it is routed as a literal). */
    static boolean hasVariables(String path) {
        return path.indexOf('{') >= 0 || path.indexOf('}') >= 0;
    }

    /** The variables' values if {@code path} matches, else null. */
    Map<String, String> match(String path) {
        Matcher m = regex.matcher(path);
        if (!m.matches()) return null;
        Map<String, String> info = new LinkedHashMap<>();
        for (Piece p : pieces) {
            if (p.name != null) info.put(p.name, m.group(p.group));
        }
        return info;
    }

    /**
     * The path with {@code parts} in its variables, percent-encoded (UTF-8); a value missing, or one its
     * variable would not match (so the URL would not route back here), is an {@link IllegalArgumentException}.
     */
    String build(Map<String, String> parts) {
        StringBuilder sb = new StringBuilder();
        for (Piece p : pieces) {
            if (p.name == null) {
                sb.append(p.literal);
                continue;
            }
            String v = parts.get(p.name);
            if (v == null) throw new IllegalArgumentException("route " + template + " needs a value for {" + p.name + "}");
            if (!p.own.matcher(v).matches()) {
                throw new IllegalArgumentException("the value for {" + p.name + "} of route " + template
                        + " does not match " + (p.own.pattern().equals(DEFAULT_REGEX) ? "one path segment (non-empty, no /)" : p.own.pattern()));
            }
            encode(sb, v, true);
        }
        for (String k : parts.keySet()) {
            if (pieces.stream().noneMatch(p -> k.equals(p.name))) {
                throw new IllegalArgumentException("route " + template + " has no variable {" + k + "}");
            }
        }
        return sb.toString();
    }

    /** Percent-encodes {@code s} as UTF-8, keeping RFC 3986's unreserved characters (and, in a path, sub-delims, : @ /). */
    static void encode(StringBuilder sb, String s, boolean path) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            int c = x & 0xFF;
            boolean keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~'
                    || path && "!$'()*,;=:@/".indexOf(c) >= 0;
            if (keep) sb.append((char) c);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
    }

    @Override
    public String toString() {
        return template;
    }

}
