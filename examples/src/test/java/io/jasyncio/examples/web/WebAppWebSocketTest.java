package io.jasyncio.examples.web;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The web server's WebSocket echo at {@code /ws}, as the tour shows it. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebAppWebSocketTest {
    @Test
    void theWebSocketEchoAnswersEveryMessageCompressed() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<String> echoes = Asyncio.run(() -> WebApp.wsDemo(new PrintStream(buf, true, StandardCharsets.UTF_8)));
        assertEquals(List.of("hello", "κόσμε", "ping ping ping ping ping ping ping ping", "[1, 2, 3]"), echoes);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("permessage-deflate agreed"), out);
        assertTrue(out.contains("closed with code 1000"), out);
        for (String line : out.split("\n")) assertTrue(line.length() <= 100, "over 100 columns: " + line);
    }
}
