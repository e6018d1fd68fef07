package io.jasyncio.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Routes declared apart from the router and added in one go (aiohttp's {@code web.RouteTableDef} and its
 * {@code @routes.get(...)} decorators, or a list of {@code web.get(...)}):
 * <pre>{@code
 * RouteTable routes = new RouteTable()
 *         .get("/", r -> Response.text("home"))
 *         .get("/users/{id:\\d+}", Users::show, "user")
 *         .post("/users", Users::create);
 * app.router().addRoutes(routes);
 * }</pre>
 * Nothing is checked until {@link Router#addRoutes} adds them, with the router's own rules.
 *
 * <p>Threading: not thread-safe; build it on one thread.
 */
public final class RouteTable {
    /** An empty table. */
    public RouteTable() {}

    /**
     * One route: method, path, handler, and a name or null.
     *
     * <p>Threading: immutable.
     *
     * @param method the method, upper case, or {@code "*"}
     * @param path the path
     * @param handler the handler
     * @param name the route's name, or null
     */
    public record Def(String method, String path, Handler handler, String name) {}

    private final List<Def> defs = new ArrayList<>();

    /**
     * Declares a route (aiohttp's {@code routes.route(method, path)}); checked when the table is added to a router.
     *
     * @param method the method, in any case, or {@code "*"} for any
     * @param path the path
     * @param handler the handler
     * @param name the route's name, or null
     * @return this table
     */
    public RouteTable route(String method, String path, Handler handler, String name) {
        defs.add(new Def(method == null ? null : method.toUpperCase(java.util.Locale.ROOT), path, handler, name));
        return this;
    }

    /**
     * A GET route (it answers HEAD too).
     *
     * @param path the path
     * @param handler the handler
     * @return this table
     */
    public RouteTable get(String path, Handler handler) {
        return route("GET", path, handler, null);
    }

    /**
     * A named GET route (it answers HEAD too).
     *
     * @param path the path
     * @param handler the handler
     * @param name the route's name
     * @return this table
     */
    public RouteTable get(String path, Handler handler, String name) {
        return route("GET", path, handler, name);
    }

    /**
     * A POST route (aiohttp's {@code @routes.post}).
     *
     * @param path the path
     * @param handler the handler
     * @return this table
     */
    public RouteTable post(String path, Handler handler) {
        return route("POST", path, handler, null);
    }

    /**
     * A PUT route (aiohttp's {@code @routes.put}).
     *
     * @param path the path
     * @param handler the handler
     * @return this table
     */
    public RouteTable put(String path, Handler handler) {
        return route("PUT", path, handler, null);
    }

    /**
     * A PATCH route (aiohttp's {@code @routes.patch}).
     *
     * @param path the path
     * @param handler the handler
     * @return this table
     */
    public RouteTable patch(String path, Handler handler) {
        return route("PATCH", path, handler, null);
    }

    /**
     * A DELETE route (aiohttp's {@code @routes.delete}).
     *
     * @param path the path
     * @param handler the handler
     * @return this table
     */
    public RouteTable delete(String path, Handler handler) {
        return route("DELETE", path, handler, null);
    }

    /**
     * The routes, in the order they were declared.
     *
     * @return an unmodifiable copy of the routes
     */
    public List<Def> defs() {
        return List.copyOf(defs);
    }
}
