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
    /** One route: method, path, handler, and a name or null. */
    public record Def(String method, String path, Handler handler, String name) {}

    private final List<Def> defs = new ArrayList<>();

    public RouteTable route(String method, String path, Handler handler, String name) {
        defs.add(new Def(method == null ? null : method.toUpperCase(java.util.Locale.ROOT), path, handler, name));
        return this;
    }

    /** A GET route (it answers HEAD too). */
    public RouteTable get(String path, Handler handler) {
        return route("GET", path, handler, null);
    }

    public RouteTable get(String path, Handler handler, String name) {
        return route("GET", path, handler, name);
    }

    public RouteTable post(String path, Handler handler) {
        return route("POST", path, handler, null);
    }

    public RouteTable put(String path, Handler handler) {
        return route("PUT", path, handler, null);
    }

    public RouteTable patch(String path, Handler handler) {
        return route("PATCH", path, handler, null);
    }

    public RouteTable delete(String path, Handler handler) {
        return route("DELETE", path, handler, null);
    }

    /** The routes, in the order they were declared. */
    public List<Def> defs() {
        return List.copyOf(defs);
    }
}
