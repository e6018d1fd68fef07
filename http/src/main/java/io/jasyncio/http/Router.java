package io.jasyncio.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps a method and a path to a {@link Handler} (aiohttp's {@code UrlDispatcher}). A path is literal
 * ({@code /items}) or has whole segments that match anything but {@code /} and are named for the handler
 * ({@code /items/{id}} → {@code request.pathParam("id")}). Literal paths are looked up directly; patterns are
 * tried in the order they were added. A path that matches with another method answers 405 with {@code Allow};
 * no match at all is 404. A GET route also answers HEAD (as aiohttp's {@code add_get}).
 *
 * <p>Threading: add routes before the application is started (then the router is frozen); resolved on the
 * loop's thread.
 */
public final class Router {
    private final Map<String, Map<String, Handler>> literal = new HashMap<>();
    private final List<Pattern> patterns = new ArrayList<>();
    private final List<StaticRoute> statics = new ArrayList<>();
    private boolean frozen;

    /** A route with segments to capture. */
    private record Pattern(String template, String[] segments, Map<String, Handler> byMethod) {}

    /** The handler found for a request, with the values its pattern captured. */
    record Match(Handler handler, Map<String, String> matchInfo) {}

    public Router addGet(String path, Handler handler) {
        addRoute("GET", path, handler);
        return addRoute("HEAD", path, handler);
    }

    public Router addPost(String path, Handler handler) {
        return addRoute("POST", path, handler);
    }

    public Router addPut(String path, Handler handler) {
        return addRoute("PUT", path, handler);
    }

    public Router addPatch(String path, Handler handler) {
        return addRoute("PATCH", path, handler);
    }

    public Router addDelete(String path, Handler handler) {
        return addRoute("DELETE", path, handler);
    }

    /** A route for {@code method} ({@code "*"}: any method) at {@code path}. */
    public Router addRoute(String method, String path, Handler handler) {
        if (frozen) throw new IllegalStateException("the router is frozen: add routes before the application starts");
        if (handler == null) throw new NullPointerException("handler");
        if (method == null || method.isEmpty()) throw new IllegalArgumentException("a route needs a method");
        if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("a route's path must start with /: " + path);
        String m = method.equals("*") ? "*" : method.toUpperCase(java.util.Locale.ROOT);
        Map<String, Handler> byMethod;
        if (path.indexOf('{') < 0) {
            byMethod = literal.computeIfAbsent(path, k -> new LinkedHashMap<>());
        } else {
            String[] segments = path.substring(1).split("/", -1);
            for (String s : segments) {
                if (s.startsWith("{") != s.endsWith("}") || (s.startsWith("{") && s.length() < 3)
                        || s.indexOf('{', 1) >= 0) {
                    throw new IllegalArgumentException("a route segment is either literal or a whole {name}: " + path);
                }
            }
            Pattern p = patterns.stream().filter(x -> x.template.equals(path)).findFirst().orElse(null);
            if (p == null) {
                p = new Pattern(path, segments, new LinkedHashMap<>());
                patterns.add(p);
            }
            byMethod = p.byMethod;
        }
        if (byMethod.containsKey(m)) {
            throw new IllegalArgumentException("a " + m + " route for " + path + " is already there");
        }
        byMethod.put(m, handler);
        return this;
    }

    /** {@link #addStatic(String, java.nio.file.Path, StaticOptions)} with the defaults. */
    public Router addStatic(String prefix, java.nio.file.Path directory) {
        return addStatic(prefix, directory, StaticOptions.DEFAULTS);
    }

    /**
     * Serves the files under {@code directory} at {@code prefix}/... for GET and HEAD (aiohttp's
     * {@code add_static}): {@code /static/css/a.css} is {@code directory/css/a.css}, sent as a
     * {@link FileResponse} (zero-copy, ranges, conditionals). Nothing outside the directory is ever served: see
     * {@link StaticOptions} and the path rules of the static route (encoded {@code ..}, separators, NUL: 404).
     * Routes added with the other methods win over a static prefix.
     */
    public Router addStatic(String prefix, java.nio.file.Path directory, StaticOptions options) {
        if (frozen) throw new IllegalStateException("the router is frozen: add routes before the application starts");
        StaticRoute r = new StaticRoute(prefix, directory, options);
        for (StaticRoute s : statics) {
            if (s.prefix().equals(r.prefix())) throw new IllegalArgumentException("a static route for " + prefix + " is already there");
        }
        statics.add(r);
        return this;
    }

    void freeze() {
        frozen = true;
    }

    /** The handler for {@code method} and {@code path}; an {@link HttpError} 404 or 405 when there is none. */
    Match resolve(String method, String path) {
        Map<String, Handler> byMethod = literal.get(path);
        if (byMethod != null) return pick(byMethod, method, Map.of());
        String[] parts = null;
        for (Pattern p : patterns) {
            if (parts == null) parts = path.substring(1).split("/", -1);
            Map<String, String> info = match(p, parts);
            if (info != null) return pick(p.byMethod, method, info);
        }
        for (StaticRoute s : statics) {
            if (!s.covers(path)) continue;
            if (method.equals("GET") || method.equals("HEAD")) return new Match(s, Map.of("filename", path.substring(s.prefix().length() + 1)));
            throw new HttpError(405).withHeader("Allow", "GET, HEAD");
        }
        throw new HttpError(404);
    }

    private static Match pick(Map<String, Handler> byMethod, String method, Map<String, String> info) {
        Handler h = byMethod.get(method);
        if (h == null) h = byMethod.get("*");
        if (h != null) return new Match(h, info);
        throw new HttpError(405).withHeader("Allow", String.join(", ", new TreeSet<>(byMethod.keySet())));
    }

    private static Map<String, String> match(Pattern p, String[] parts) {
        if (parts.length != p.segments.length) return null;
        Map<String, String> info = null;
        for (int i = 0; i < parts.length; i++) {
            String s = p.segments[i];
            if (s.startsWith("{")) {
                if (parts[i].isEmpty()) return null;
                if (info == null) info = new LinkedHashMap<>();
                info.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        return info == null ? Map.of() : info;
    }
}
