package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EventLoop#closeWithLoop}: a program's own resource is closed, silently, when the loop closes, unless
 * the Runnable it returned took it back first. (No library code uses it since transports became
 * {@link LoopResource}s; this is its only test.)
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseWithLoopTest {

    @Test
    void closedSilentlyAtCloseUnlessTakenBack() {
        List<String> closed = new ArrayList<>();
        EventLoop loop = new EventLoop();
        Runnable takeBack = loop.closeWithLoop(() -> closed.add("kept"));
        loop.closeWithLoop(() -> closed.add("left"));
        loop.closeWithLoop(() -> {
            throw new java.io.IOException("refused");
        });
        takeBack.run();
        takeBack.run(); // idempotent
        try (LogCapture log = new LogCapture()) {
            loop.close();
            assertEquals(List.of("left"), closed, "the one taken back is not closed");
            List<String> warnings = log.messages(Level.WARNING);
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).endsWith("with its event loop failed"), warnings.get(0));
        }
        loop.close();
        assertEquals(List.of("left"), closed, "closed once");
        assertThrows(IllegalStateException.class, () -> loop.closeWithLoop(() -> {}));
    }
}
