package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static route that follows symbolic links types a file by where the link leads, as aiohttp does (its
 * {@code StaticResource} resolves the path and answers a {@code FileResponse} of the resolved one: aiohttp 3.8.4
 * answers {@code text/html} for {@code x.txt -> a.html}).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaticSymlinkTypeTest {
    @Test
    void aFollowedLinkIsTypedByTheFileItLeadsTo(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("a.html"), "<p>hi</p>");
        Files.createSymbolicLink(root.resolve("x.txt"), Path.of("a.html"));
        Application app = new Application();
        app.router().addStatic("/s", root, StaticOptions.DEFAULTS.withFollowSymlinks(true));
        ClientTesting.virtual(() -> ClientTesting.withApp(app, base -> {
            try (ClientSession s = new ClientSession(); ClientResponse r = s.get(base + "/s/x.txt")) {
                assertEquals(200, r.status());
                assertEquals("<p>hi</p>", r.text());
                assertTrue(r.header("Content-Type").startsWith("text/html"), r.header("Content-Type"));
            }
            return null;
        }));
    }
}
