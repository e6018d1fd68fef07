package io.jasyncio.http;

import java.util.Collection;
import java.util.Map;

/**
 * A route given a name (aiohttp's {@code router["name"]}), to build URLs to it instead of writing them by hand:
 * {@code router.named("user").urlFor(Map.of("id", "42"), Map.of("tab", "posts"))} is
 * {@code /users/42?tab=posts}. Values are percent-encoded (UTF-8); one that its variable would not match is
 * refused, so a URL built here routes back to this route. A sub-application's routes build URLs with its prefix.
 *
 * <p>Threading: immutable once the application is served; build URLs from any thread.
 */
public final class NamedRoute {
    private final String name;
    private final String path;
    private final RouteTemplate template;
    private final Router router;

    NamedRoute(String name, String path, RouteTemplate template, Router router) {
        this.name = name;
        this.path = path;
        this.template = template;
        this.router = router;
    }

    /** {@return the name the route was added under (aiohttp's {@code Resource.name})} */
    public String name() {
        return name;
    }

    /**
     * The route's path as it was added (without a sub-application's prefix).
     *
     * @return the path, variables unfilled
     */
    public String path() {
        return path;
    }

    /**
     * The URL (path) of this route with {@code parts} in its variables (aiohttp's {@code url_for(**parts)}).
     *
     * @param parts a value for each of the path's variables
     * @return the path, with the sub-application's prefix, its values percent-encoded
     * @throws IllegalArgumentException if a variable has no value, a name is not a variable, a value is null or does
     *     not match the variable
     */
    public String urlFor(Map<String, String> parts) {
        return urlFor(parts, Map.of());
    }

    /**
     * {@link #urlFor(Map)} with a query ({@code .with_query(query)}): each value is a string, or a collection of
     * them for a repeated parameter; names and values are percent-encoded.
     *
     * @param parts a value for each of the path's variables
     * @param query the query parameters
     * @return the path, with the sub-application's prefix, and the query
     * @throws IllegalArgumentException if a variable has no value, a name is not a variable, a value is null or does
     *     not match the variable
     */
    public String urlFor(Map<String, String> parts, Map<String, ?> query) {
        StringBuilder sb = new StringBuilder(router.urlPrefix());
        if (template == null) {
            if (!parts.isEmpty()) throw new IllegalArgumentException("route " + path + " has no variables, got " + parts.keySet());
            sb.append(path);
        } else {
            sb.append(template.build(parts));
        }
        char sep = '?';
        for (Map.Entry<String, ?> e : query.entrySet()) {
            Collection<?> values = e.getValue() instanceof Collection<?> c ? c : java.util.Collections.singletonList(e.getValue());
            for (Object v : values) {
                if (v == null) throw new IllegalArgumentException("query parameter " + e.getKey() + " has a null value");
                sb.append(sep);
                sep = '&';
                RouteTemplate.encode(sb, e.getKey(), false);
                sb.append('=');
                RouteTemplate.encode(sb, v.toString(), false);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "<NamedRoute " + name + " " + path + ">";
    }
}
