package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Regex path variables, named routes and URL building, route tables and sub-applications. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoutingTest {
    private static Response echo(Request r) {
        return Response.text(r.path() + " " + r.matchInfo());
    }

    @Test
    void regexVariablesMatchWhatTheirExpressionMatches() {
        Router router = new Router();
        router.addGet("/users/{id:\\d+}", RoutingTest::echo);
        router.addGet("/users/{name}", RoutingTest::echo);
        router.addGet("/files/{path:.*}", RoutingTest::echo);
        router.addGet("/v{major:\\d}.{minor:\\d{1,2}}/x", RoutingTest::echo);
        assertEquals(Map.of("id", "42"), router.resolve("GET", "/users/42").matchInfo());
        assertEquals(Map.of("name", "ann"), router.resolve("GET", "/users/ann").matchInfo(), "the next route, in order");
        assertEquals(Map.of("path", "a/b/c.txt"), router.resolve("GET", "/files/a/b/c.txt").matchInfo());
        assertEquals(Map.of("path", ""), router.resolve("GET", "/files/").matchInfo());
        assertEquals(Map.of("major", "2", "minor", "10"), router.resolve("GET", "/v2.10/x").matchInfo());
        assertEquals(404, assertThrows(HttpError.class, () -> router.resolve("GET", "/v2.100/x")).status());
        assertEquals(404, assertThrows(HttpError.class, () -> router.resolve("GET", "/users/")).status());
    }

    @Test
    void badTemplatesAreRefusedWhenAdded() {
        Router router = new Router();
        for (String bad : List.of("/a/{1x}", "/a/{id:}", "/a/{id:[}", "/a/{id}/{id}", "/a/{id", "/a/}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> router.addGet(bad, RoutingTest::echo), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= RouteTemplate.MAX_VARIABLES; i++) many.append("/{v").append(i).append('}');
        assertThrows(IllegalArgumentException.class, () -> router.addGet(many.toString(), RoutingTest::echo));
        assertThrows(IllegalArgumentException.class, () -> router.addGet("/{x}" + "a".repeat(RouteTemplate.MAX_LENGTH), RoutingTest::echo));
    }

    @Test
    void namedRoutesBuildEncodedUrlsThatRouteBack() {
        Router router = new Router();
        router.addGet("/users/{id:\\d+}", RoutingTest::echo, "user");
        router.addGet("/tags/{tag}/list", RoutingTest::echo, "tag");
        router.addGet("/about", RoutingTest::echo, "about");
        assertEquals("/users/42?tab=posts&q=a%20b%26c", router.named("user").urlFor(Map.of("id", "42"),
                new java.util.LinkedHashMap<>(Map.of("tab", "posts")) {{ put("q", "a b&c"); }}));
        assertEquals("/tags/caf%C3%A9%3F%23/list", router.named("tag").urlFor(Map.of("tag", "café?#")));
        assertEquals("/about?x=1&x=2", router.named("about").urlFor(Map.of(), Map.of("x", List.of("1", "2"))));
        assertEquals(Map.of("tag", "café?#"), router.resolve("GET", UrlCodec.decode("/tags/caf%C3%A9%3F%23/list", false, "path")).matchInfo());
        assertThrows(IllegalArgumentException.class, () -> router.named("user").urlFor(Map.of("id", "4/2")), "not \\d+");
        assertThrows(IllegalArgumentException.class, () -> router.named("tag").urlFor(Map.of("tag", "a/b")), "one segment");
        assertThrows(IllegalArgumentException.class, () -> router.named("user").urlFor(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> router.named("user").urlFor(Map.of("id", "1", "other", "2")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> router.named("nope"));
        assertTrue(e.getMessage().contains("[user, tag, about]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> router.addGet("/x", RoutingTest::echo, "user"), "a name is one route's");
        assertThrows(IllegalArgumentException.class, () -> router.addGet("/y", RoutingTest::echo, "bad name"));
    }

    @Test
    void aRouteTableAddsItsRoutesInOrder() {
        RouteTable t = new RouteTable().get("/", RoutingTest::echo, "home").post("/items", RoutingTest::echo)
                .put("/items/{id:\\d+}", RoutingTest::echo).delete("/items/{id:\\d+}", RoutingTest::echo);
        Router router = new Router().addRoutes(t);
        assertEquals("/", router.named("home").urlFor(Map.of()));
        assertNotNull(router.resolve("HEAD", "/"));
        HttpError e = assertThrows(HttpError.class, () -> router.resolve("GET", "/items/3"));
        assertEquals("DELETE, PUT", e.response().headers().get("Allow"));
    }

    @Test
    void aHostileLongPathAgainstRegexRoutesIs404() throws Exception {
        Application app = new Application();
        app.router().addGet("/n/{id:\\d+}", r -> Response.text(r.pathParam("id")));
        app.router().addGet("/w/{a:[a-z]+}-{b:[a-z]+}", r -> Response.text("w"));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            assertEquals(404, c.get("/n/" + "1".repeat(8000) + "x").read().status());
            assertEquals(404, c.get("/w/" + "a".repeat(8000)).read().status());
            assertEquals("12", c.get("/n/12").read().text());
        }
    }

    @Test
    void subApplicationsHaveTheirOwnRoutesMiddlewaresAndUrls() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Application admin = new Application();
        admin.router().addGet("/", r -> Response.text("admin home"), "home");
        admin.router().addGet("/users/{id:\\d+}", r -> Response.text("admin user " + r.pathParam("id")), "user");
        admin.middleware((r, next) -> {
            seen.add("admin mw " + r.path());
            Response resp = next.handle(r);
            return resp.header("X-Admin", "yes");
        });
        Application api = new Application();
        api.router().addGet("/ping", r -> Response.text("pong"), "ping");
        admin.addSubapp("/api", api);
        Application app = new Application();
        app.middleware((r, next) -> {
            seen.add("root mw " + r.path());
            return next.handle(r);
        });
        app.router().addGet("/", r -> Response.text("root"));
        app.router().addGet("/admin/literal", r -> Response.text("root literal wins"));
        app.addSubapp("/admin/", admin);
        assertThrows(IllegalArgumentException.class, () -> app.addSubapp("/other", admin), "mounted once");
        assertThrows(IllegalArgumentException.class, () -> app.addSubapp("/{x}", new Application()));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            assertEquals("admin home", c.get("/admin/").read().text());
            RawClient.Reply r = c.get("/admin/users/7").read();
            assertEquals("admin user 7", r.text());
            assertEquals("yes", r.header("X-Admin"));
            assertEquals("pong", c.get("/admin/api/ping").read().text());
            assertEquals("root literal wins", c.get("/admin/literal").read().text());
            r = c.get("/admin/users/x").read();
            assertEquals(404, r.status(), "the prefix claims the path: the sub-application's 404");
            assertNull(r.header("X-Admin"), "an error thrown past the sub-application's middleware");
            assertEquals(404, c.get("/adminx").read().status());
            assertEquals(405, c.send("POST /admin/api/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().status());
            assertEquals("root", c.get("/").read().text());
            assertEquals(List.of("root mw /admin/", "admin mw /admin/", "root mw /admin/users/7", "admin mw /admin/users/7",
                    "root mw /admin/api/ping", "admin mw /admin/api/ping"), seen.subList(0, 6));
            assertFalse(seen.contains("admin mw /"), "the root's own routes do not pass the sub-application's middleware");
        }
        assertEquals("/admin/users/5", admin.router().named("user").urlFor(Map.of("id", "5")));
        assertEquals("/admin/api/ping", api.router().named("ping").urlFor(Map.of()));
        assertThrows(IllegalStateException.class, () -> new AppRunner(admin).setup(), "a mounted application is served by its parent");
    }
}
