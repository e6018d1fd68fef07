package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Separate thread: a loop waiting for a signal that never comes (SIGHUP ignored by a parent's nohup) must fail, not hang.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalHandlerTest {
    private static void kill(String sig) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, String.valueOf(ProcessHandle.current().pid())).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    // ports test_unix_events.py::SelectorEventLoopSignalTests::test_add_signal_handler
    @Test
    void handlerRunsOnTheLoopThreadWhenTheSignalArrives() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Thread> callbackThread = loop.createFuture();
            loop.callSoon(() -> callbackThread.setResult(Thread.currentThread()));
            Future<Thread> signalThread = loop.createFuture();
            loop.addSignalHandler("SIGHUP", () -> signalThread.setResult(Thread.currentThread()));
            kill("HUP");
            assertSame(Asyncio.await(callbackThread), Asyncio.await(signalThread),
                    "the signal callback must run on the loop's thread, like any callback");
            assertTrue(loop.removeSignalHandler("SIGHUP"));
            return null;
        });
    }

    // ports test_unix_events.py::SelectorEventLoopSignalTests::test_remove_signal_handler
    @Test
    void removeReturnsFalseWhenNothingWasInstalled() {
        try (EventLoop loop = new EventLoop()) {
            assertFalse(loop.removeSignalHandler("SIGUSR2"));
            loop.addSignalHandler("USR2", () -> {});
            assertTrue(loop.removeSignalHandler("SIGUSR2"));
            assertFalse(loop.removeSignalHandler("SIGUSR2"));
        }
    }

    // ports test_unix_events.py::SelectorEventLoopSignalTests::test_check_signal
    @Test
    void unknownOrReservedSignalsAreRefusedWithTheReason() {
        try (EventLoop loop = new EventLoop()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loop.addSignalHandler("SIGNOPE", () -> {}));
            assertTrue(e.getMessage().contains("SIGNOPE"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("SIGKILL", () -> {}));
            assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("SIGQUIT", () -> {}));
        }
    }

    // ports test_unix_events.py::SelectorEventLoopSignalTests::test_close
    @Test
    void closeRemovesHandlers() throws Exception {
        EventLoop loop = new EventLoop();
        int[] calls = {0};
        loop.addSignalHandler("SIGUSR2", () -> calls[0]++);
        loop.close();
        assertFalse(loop.removeSignalHandler("SIGUSR2"));
    }

    /** A closed loop refuses new signal handlers (asyncio checks the loop first). */
    @Test
    void closedLoopRefusesNewHandlers() {
        EventLoop loop = new EventLoop();
        loop.close();
        assertThrows(IllegalStateException.class, () -> loop.addSignalHandler("SIGTERM", () -> {}));
    }
}
