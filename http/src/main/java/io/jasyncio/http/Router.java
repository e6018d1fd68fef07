package io.jasyncio.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a method and a path to a {@link Handler} (aiohttp's {@code UrlDispatcher}). A path is literal
 * ({@code /items}) or has variables in aiohttp's syntax, named for the handler: {@code /items/{id}} matches one
 * segment ({@code request.pathParam("id")}), {@code /items/{id:\d+}} what the regex matches (see
 * {@link RouteTemplate}). Literal paths are looked up directly; patterns and sub-applications
 * ({@link Application#addSubapp}) are tried in the order they were added. A path that matches with another
 * method answers 405 with {@code Allow}; no match at all is 404. A GET route also answers HEAD (as aiohttp's
 * {@code add_get}). A route may be given a name ({@code addGet(path, handler, "user")}) to build URLs to it
 * with {@link #named(String)}.
 *
 * <p>Threading: add routes before the application is started (then the router is frozen); resolved on the
 * loop's thread.
 */
public final class Router {
    /** An empty router; an {@link Application} makes its own, {@link Application#router()}. */
    public Router() {}

    private final Map<String, Map<String, Handler>> literal = new HashMap<>();
    /** Routes with variables, and sub-applications, in the order they were added. */
    private final List<Pattern> patterns = new ArrayList<>();
    private final Map<String, NamedRoute> names = new LinkedHashMap<>();
    private final List<Application> subapps = new ArrayList<>();
    /** What URLs built here start with: a sub-application's prefixes. */
    private volatile String urlPrefix = "";
    private final List<StaticRoute> statics = new ArrayList<>();
    private boolean frozen;

    /** A route with variables ({@code subapp} null), or a sub-application mounted at {@code template}. */
    private record Pattern(String template, RouteTemplate compiled, Map<String, Handler> byMethod, Application subapp) {}

    /** The handler found for a request, with the values its pattern captured. */
    record Match(Handler handler, Map<String, String> matchInfo) {}

    /**
     * A GET route at {@code path}, which answers HEAD too (aiohttp's {@code add_get}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the path is invalid or a GET route is already there
     * @throws IllegalStateException once the application has started
     */
    public Router addGet(String path, Handler handler) {
        addRoute("GET", path, handler);
        return addRoute("HEAD", path, handler);
    }

    /**
     * {@link #addGet(String, Handler)} with a name for {@link #named(String)} (aiohttp's {@code name=}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @param name the route's name: a letter or {@code _} followed by letters, digits, {@code _ . : -}
     * @return this router
     * @throws IllegalArgumentException if the path or name is invalid, the name taken by another path, or the route
     *     already there
     * @throws IllegalStateException once the application has started
     */
    public Router addGet(String path, Handler handler, String name) {
        addGet(path, handler);
        return name(name, path);
    }

    /**
     * {@link #addRoute(String, String, Handler)} with a name for {@link #named(String)}.
     *
     * @param method the method, or {@code "*"} for any
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @param name the route's name: a letter or {@code _} followed by letters, digits, {@code _ . : -}
     * @return this router
     * @throws IllegalArgumentException if the path or name is invalid, the name taken by another path, or the route
     *     already there
     * @throws IllegalStateException once the application has started
     */
    public Router addRoute(String method, String path, Handler handler, String name) {
        addRoute(method, path, handler);
        return name(name, path);
    }

    /**
     * Adds the routes of {@code table} in order (aiohttp's {@code add_routes(routes)} with a
     * {@code RouteTableDef} or a list of {@code web.get(...)}).
     *
     * @param table the routes to add
     * @return this router
     * @throws IllegalArgumentException if a route is invalid or already there
     * @throws IllegalStateException once the application has started
     */
    public Router addRoutes(RouteTable table) {
        for (RouteTable.Def d : table.defs()) {
            if (d.method().equals("GET")) addGet(d.path(), d.handler());
            else addRoute(d.method(), d.path(), d.handler());
            if (d.name() != null) name(d.name(), d.path());
        }
        return this;
    }

    /**
     * The route named {@code name}; an {@link IllegalArgumentException} listing the names if there is none.
     *
     * @param name the route's name
     * @return the route
     * @throws IllegalArgumentException if no route has that name
     */
    public NamedRoute named(String name) {
        NamedRoute r = names.get(name);
        if (r == null) throw new IllegalArgumentException("no route is named " + name + "; the names are " + names.keySet());
        return r;
    }

    private Router name(String name, String path) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.:-]*")) {
            throw new IllegalArgumentException("a route name is a letter or _ followed by letters, digits, _ . : -, got " + name);
        }
        NamedRoute old = names.get(name);
        if (old != null && !old.path().equals(path)) {
            throw new IllegalArgumentException("the name " + name + " is already the route " + old.path() + "'s");
        }
        if (old == null) {
            RouteTemplate t = RouteTemplate.hasVariables(path) ? patternFor(path).compiled : null;
            names.put(name, new NamedRoute(name, path, t, this));
        }
        return this;
    }

    private Pattern patternFor(String path) {
        for (Pattern p : patterns) {
            if (p.subapp == null && p.template.equals(path)) return p;
        }
        throw new IllegalStateException(path);
    }

    /** Mounts a sub-application (see {@link Application#addSubapp}). */
    void addSubapp(String prefix, Application sub) {
        if (frozen) throw new IllegalStateException("the router is frozen: add routes before the application starts");
        for (Pattern p : patterns) {
            if (p.subapp != null && p.template.equals(prefix)) throw new IllegalArgumentException("a sub-application is already at " + prefix);
        }
        sub.router().urlPrefix = prefix;
        patterns.add(new Pattern(prefix, null, null, sub));
        subapps.add(sub);
    }

    List<Application> subapps() {
        return subapps;
    }

    String urlPrefix() {
        return urlPrefix;
    }

    /**
     * A POST route at {@code path} (aiohttp's {@code add_post}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the path is invalid or the route is already there
     * @throws IllegalStateException once the application has started
     */
    public Router addPost(String path, Handler handler) {
        return addRoute("POST", path, handler);
    }

    /**
     * A PUT route at {@code path} (aiohttp's {@code add_put}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the path is invalid or the route is already there
     * @throws IllegalStateException once the application has started
     */
    public Router addPut(String path, Handler handler) {
        return addRoute("PUT", path, handler);
    }

    /**
     * A PATCH route at {@code path} (aiohttp's {@code add_patch}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the path is invalid or the route is already there
     * @throws IllegalStateException once the application has started
     */
    public Router addPatch(String path, Handler handler) {
        return addRoute("PATCH", path, handler);
    }

    /**
     * A DELETE route at {@code path} (aiohttp's {@code add_delete}).
     *
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the path is invalid or the route is already there
     * @throws IllegalStateException once the application has started
     */
    public Router addDelete(String path, Handler handler) {
        return addRoute("DELETE", path, handler);
    }

    /**
     * A route for {@code method} ({@code "*"}: any method) at {@code path}.
     *
     * @param method the method, in any case, or {@code "*"} for any
     * @param path the path, literal or with {@code {name}} variables; starts with {@code /}
     * @param handler the handler
     * @return this router
     * @throws IllegalArgumentException if the method is empty, the path invalid, or the route already there
     * @throws IllegalStateException once the application has started
     */
    public Router addRoute(String method, String path, Handler handler) {
        if (frozen) throw new IllegalStateException("the router is frozen: add routes before the application starts");
        if (handler == null) throw new NullPointerException("handler");
        if (method == null || method.isEmpty()) throw new IllegalArgumentException("a route needs a method");
        if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("a route's path must start with /: " + path);
        String m = method.equals("*") ? "*" : method.toUpperCase(java.util.Locale.ROOT);
        Map<String, Handler> byMethod;
        if (!RouteTemplate.hasVariables(path)) {
            byMethod = literal.computeIfAbsent(path, k -> new LinkedHashMap<>());
        } else {
            Pattern p = patterns.stream().filter(x -> x.subapp == null && x.template.equals(path)).findFirst().orElse(null);
            if (p == null) {
                p = new Pattern(path, new RouteTemplate(path), new LinkedHashMap<>(), null); // compiled once, here
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

    /**
     * {@link #addStatic(String, java.nio.file.Path, StaticOptions)} with the defaults.
     *
     * @param prefix the URL prefix, such as {@code /static}
     * @param directory the directory served
     * @return this router
     * @throws IllegalArgumentException if the prefix is not a literal path starting with {@code /}, a static route is
     *     already there, or {@code directory} is not a directory
     * @throws IllegalStateException once the application has started
     */
    public Router addStatic(String prefix, java.nio.file.Path directory) {
        return addStatic(prefix, directory, StaticOptions.DEFAULTS);
    }

    /**
     * Serves the files under {@code directory} at {@code prefix}/... for GET and HEAD (aiohttp's
     * {@code add_static}): {@code /static/css/a.css} is {@code directory/css/a.css}, sent as a
     * {@link FileResponse} (zero-copy, ranges, conditionals). Nothing outside the directory is ever served: see
     * {@link StaticOptions} and the path rules of the static route (encoded {@code ..}, separators, NUL: 404).
     * Routes added with the other methods win over a static prefix.
     *
     * @param prefix the URL prefix, such as {@code /static}
     * @param directory the directory served
     * @param options whether to list directories and follow symbolic links
     * @return this router
     * @throws IllegalArgumentException if the prefix is not a literal path starting with {@code /}, a static route is
     *     already there, or {@code directory} is not a directory
     * @throws IllegalStateException once the application has started
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
        freeze("");
    }

    /** No more routes; URLs built here start with {@code fullPrefix} (a sub-application's prefixes). */
    void freeze(String fullPrefix) {
        frozen = true;
        urlPrefix = fullPrefix;
    }

    /** The handler for {@code method} and {@code path}; an {@link HttpError} 404 or 405 when there is none. */
    Match resolve(String method, String path) {
        Map<String, Handler> byMethod = literal.get(path);
        if (byMethod != null) return pick(byMethod, method, Map.of());
        for (Pattern p : patterns) {
            if (p.subapp != null) {
                if (path.equals(p.template) || path.startsWith(p.template) && path.charAt(p.template.length()) == '/') {
                    Application sub = p.subapp;
                    return new Match(request -> sub.chain().handle(request), Map.of());
                }
                continue;
            }
            Map<String, String> info = p.compiled.match(path);
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
        throw HttpError.methodNotAllowed(method, byMethod.keySet());
    }
}
