package io.jasyncio.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files under one directory, served under a URL prefix ({@link Router#addStatic}; aiohttp's
 * {@code StaticResource}). The file's name is taken from the raw path, segment by segment: each segment is
 * percent-decoded once and refused (404) when it is {@code .} or {@code ..}, empty, or holds {@code /}, {@code \},
 * NUL or another control character, so no encoding ({@code %2e%2e}, {@code %2f}, {@code %5c}, {@code %00},
 * double encoding) reaches a file outside the directory. The file found must then lie inside the directory once
 * symbolic links are resolved, unless {@link StaticOptions#followSymlinks()}. What lies outside is answered 404,
 * exactly as a file that does not exist.
 *
 * <p>Threading: immutable once built; handles requests on the loop's thread.
 */
final class StaticRoute implements Handler {
    /** The most entries a directory index lists: a huge directory must not make a huge page. */
    static final int MAX_INDEX_ENTRIES = 10_000;

    private final String prefix;
    private final String[] prefixSegments;
    private final Path root;
    private final Path realRoot;
    private final StaticOptions options;

    StaticRoute(String prefix, Path directory, StaticOptions options) {
        if (prefix == null || !prefix.startsWith("/")) throw new IllegalArgumentException("a static prefix must start with /: " + prefix);
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (p.indexOf('{') >= 0 || p.indexOf('%') >= 0) throw new IllegalArgumentException("a static prefix is literal: " + prefix);
        this.prefix = p;
        this.prefixSegments = p.isEmpty() ? new String[0] : p.substring(1).split("/", -1);
        if (options == null) throw new NullPointerException("options");
        this.options = options;
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no directory to serve at " + directory.toAbsolutePath() + " (add_static)");
        }
        this.root = directory.toAbsolutePath().normalize();
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve the static directory " + directory + ": " + e.getMessage(), e);
        }
    }

    String prefix() {
        return prefix;
    }

    /** Whether the decoded {@code path} is under this route's prefix. */
    boolean covers(String path) {
        return path.startsWith(prefix + "/");
    }

    @Override
    public Response handle(Request r) throws IOException {
        List<String> names = fileSegments(r.rawPath());
        if (names == null) throw new HttpError(404);
        Path file = options.followSymlinks() ? root : realRoot;
        for (String n : names) file = file.resolve(n);
        if (!file.normalize().startsWith(options.followSymlinks() ? root : realRoot)) throw new HttpError(404); // cannot happen with the checks above
        Path found;
        BasicFileAttributes a;
        try {
            if (options.followSymlinks()) {
                // a link's target names the file, so its type (aiohttp answers the resolved path too)
                found = Files.isSymbolicLink(file) ? file.toRealPath() : file;
                a = Files.readAttributes(found, BasicFileAttributes.class);
            } else {
                a = attributesInside(names);
                found = file;
                if (a == null) { // a symbolic link on the way: where does it lead?
                    found = file.toRealPath();
                    if (!found.startsWith(realRoot)) throw new HttpError(404);
                    a = Files.readAttributes(found, BasicFileAttributes.class);
                }
            }
        } catch (IOException | InvalidPathException e) {
            throw new HttpError(404);
        }
        if (a.isDirectory()) {
            if (!options.showIndex()) throw new HttpError(403, "403: Forbidden: directory listing is not allowed");
            return index(r, found);
        }
        return new FileResponse(found, a);
    }

    /**
     * The attributes of the file the names lead to below {@link #realRoot} when none of them is a symbolic link
     * (then the file lies inside the directory, which is itself a real path, without resolving anything), or null
     * when one is. One {@code lstat} per name: far less than {@code realpath(3)}, which reads every component's
     * link from the file system's root.
     */
    private BasicFileAttributes attributesInside(List<String> names) throws IOException {
        Path p = realRoot;
        BasicFileAttributes a = null;
        for (String n : names) {
            p = p.resolve(n);
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) return null;
        }
        return a != null ? a : Files.readAttributes(realRoot, BasicFileAttributes.class);
    }

    /**
     * The decoded names of the path below the prefix; null when any segment could leave the directory or is
     * not a plain name. A trailing slash (a directory) leaves an empty last segment, which is dropped.
     */
    private List<String> fileSegments(String rawPath) {
        String[] raw = rawPath.substring(1).split("/", -1);
        if (raw.length <= prefixSegments.length) return null;
        for (int i = 0; i < prefixSegments.length; i++) {
            if (!decode(raw[i]).equals(prefixSegments[i])) return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = prefixSegments.length; i < raw.length; i++) {
            String s = decode(raw[i]);
            if (s.isEmpty() && i == raw.length - 1 && i > prefixSegments.length) break; // "dir/"
            if (s.isEmpty() && i == prefixSegments.length && raw.length == i + 1) break; // "/static/": the root
            if (!plainName(s)) return null;
            out.add(s);
        }
        return out;
    }

    private static String decode(String segment) {
        return UrlCodec.decode(segment, false, "path");
    }

    /** A name that stays in its directory: not empty, not . or .., no separator, no control character. */
    static boolean plainName(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..")) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '\\' || c < ' ' || c == 0x7f) return false;
        }
        return true;
    }

    /** An HTML list of the directory's entries, links relative to the request's path. */
    private Response index(Request r, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.limit(MAX_INDEX_ENTRIES).forEach(p -> names.add(p.getFileName() + (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        }
        names.sort(null);
        String title = "Index of " + escape(r.path());
        StringBuilder b = new StringBuilder("<html>\n<head>\n<title>").append(title).append("</title>\n</head>\n<body>\n<h1>")
                .append(title).append("</h1>\n<ul>\n");
        String base = r.rawPath().endsWith("/") ? r.rawPath() : r.rawPath() + "/";
        for (String n : names) {
            b.append("<li><a href=\"").append(escape(base + encode(n))).append("\">").append(escape(n)).append("</a></li>\n");
        }
        b.append("</ul>\n</body>\n</html>\n");
        return new Response(200, b.toString().getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    private static String encode(String name) {
        boolean dir = name.endsWith("/");
        String n = dir ? name.substring(0, name.length() - 1) : name;
        return java.net.URLEncoder.encode(n, StandardCharsets.UTF_8).replace("+", "%20") + (dir ? "/" : "");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public String toString() {
        return "<StaticRoute " + prefix + " -> " + root + ">";
    }
}
