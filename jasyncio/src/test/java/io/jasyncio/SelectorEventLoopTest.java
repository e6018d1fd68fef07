package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ports of test_selector_events.py::BaseSelectorEventLoopTests, the loop's own readiness API
 * (add_reader/add_writer/remove_*): CPython checks a mocked selector; we check the real selection keys.
 */
class SelectorEventLoopTest extends LoopTestBase {
    private SocketChannel a;
    private SocketChannel b;

    @BeforeEach
    void pair() throws Exception {
        SocketChannel[] p = EventLoopTest.socketPair();
        a = p[0];
        b = p[1];
    }

    @AfterEach
    void closePair() throws Exception {
        a.close();
        b.close();
    }

    private int ops(SocketChannel c) {
        SelectionKey k = c.keyFor(loop.selector());
        // A writer of a SocketChannel also asks for OP_CONNECT (its connect completing); we look at read/write.
        return k == null || !k.isValid() ? 0 : k.interestOps() & (SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_close
    @Test
    void close() {
        Selector sel = loop.selector();
        loop.addReader(a, () -> {});
        assertFalse(loop.isClosed());
        loop.close();
        assertTrue(loop.isClosed());
        assertFalse(sel.isOpen());
        loop.close();
        loop.close();
        assertThrows(IllegalStateException.class, loop::runForever);
        assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(loop.createFuture()));
        assertThrows(IllegalStateException.class, () -> loop.addReader(a, () -> {}));
        assertThrows(IllegalStateException.class, () -> loop.addWriter(a, () -> {}));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_close_no_selector
    @Test
    void closeNoSelector() {
        loop.close(); // never opened one
        assertTrue(loop.isClosed());
        assertThrows(IllegalStateException.class, loop::selector);
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_add_reader
    @Test
    void addReader() {
        Handle h = loop.addReader(a, () -> {});
        assertNotNull(h);
        assertEquals(SelectionKey.OP_READ, ops(a));
        assertFalse(a.isBlocking());
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_add_reader_existing
    @Test
    void addReaderExisting() {
        Handle first = loop.addReader(a, () -> {});
        loop.addWriter(a, () -> {});
        Handle second = loop.addReader(a, () -> {});
        assertTrue(first.cancelled(), "the previous reader is cancelled");
        assertFalse(second.cancelled());
        assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, ops(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_add_reader_existing_writer
    @Test
    void addReaderExistingWriter() {
        Handle w = loop.addWriter(a, () -> {});
        loop.addReader(a, () -> {});
        assertFalse(w.cancelled());
        assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, ops(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_reader
    @Test
    void removeReader() {
        Handle h = loop.addReader(a, () -> {});
        assertTrue(loop.removeReader(a));
        assertTrue(h.cancelled());
        assertEquals(0, ops(a), "unregistered");
        assertFalse(loop.removeReader(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_reader_read_write
    @Test
    void removeReaderReadWrite() {
        loop.addReader(a, () -> {});
        Handle w = loop.addWriter(a, () -> {});
        assertTrue(loop.removeReader(a));
        assertEquals(SelectionKey.OP_WRITE, ops(a));
        assertFalse(w.cancelled());
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_reader_unknown
    @Test
    void removeReaderUnknown() {
        assertFalse(loop.removeReader(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_add_writer
    @Test
    void addWriter() {
        loop.addWriter(a, () -> {});
        assertEquals(SelectionKey.OP_WRITE, ops(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_add_writer_existing
    @Test
    void addWriterExisting() {
        Handle r = loop.addReader(a, () -> {});
        Handle first = loop.addWriter(a, () -> {});
        loop.addWriter(a, () -> {});
        assertTrue(first.cancelled());
        assertFalse(r.cancelled());
        assertEquals(SelectionKey.OP_READ | SelectionKey.OP_WRITE, ops(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_writer
    @Test
    void removeWriter() {
        Handle h = loop.addWriter(a, () -> {});
        assertTrue(loop.removeWriter(a));
        assertTrue(h.cancelled());
        assertEquals(0, ops(a));
        assertFalse(loop.removeWriter(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_writer_read_write
    @Test
    void removeWriterReadWrite() {
        Handle r = loop.addReader(a, () -> {});
        loop.addWriter(a, () -> {});
        assertTrue(loop.removeWriter(a));
        assertEquals(SelectionKey.OP_READ, ops(a));
        assertFalse(r.cancelled());
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_remove_writer_unknown
    @Test
    void removeWriterUnknown() {
        assertFalse(loop.removeWriter(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_process_events_read
    @Test
    void processEventsRead() throws Exception {
        List<String> log = new ArrayList<>();
        loop.addReader(a, () -> {
            log.add("readable");
            loop.removeReader(a);
        });
        b.write(ByteBuffer.wrap(new byte[] {1}));
        runUntil(loop, () -> !log.isEmpty());
        assertEquals(List.of("readable"), log);
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_process_events_read_cancelled
    @Test
    void processEventsReadCancelled() throws Exception {
        List<String> log = new ArrayList<>();
        Handle h = loop.addReader(a, () -> log.add("readable"));
        h.cancel();
        b.write(ByteBuffer.wrap(new byte[] {1}));
        runUntil(loop, () -> ops(a) == 0); // a ready but cancelled reader is removed
        assertEquals(List.of(), log);
        assertFalse(loop.removeReader(a));
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_process_events_write
    @Test
    void processEventsWrite() {
        List<String> log = new ArrayList<>();
        loop.addWriter(a, () -> {
            log.add("writable");
            loop.removeWriter(a);
        });
        runUntil(loop, () -> !log.isEmpty());
        assertEquals(List.of("writable"), log);
    }

    // ports test_selector_events.py::BaseSelectorEventLoopTests::test_process_events_write_cancelled
    @Test
    void processEventsWriteCancelled() {
        List<String> log = new ArrayList<>();
        Handle h = loop.addWriter(a, () -> log.add("writable"));
        h.cancel();
        runUntil(loop, () -> ops(a) == 0);
        assertEquals(List.of(), log);
        assertFalse(loop.removeWriter(a));
    }

    // ports test_base_events.py::BaseEventLoopTests::test_single_selecter_event_callback_after_stopping
    @Test
    void singleSelectorEventCallbackAfterStopping() throws Exception {
        int[] callcount = {0};
        loop.addReader(a, () -> {
            callcount[0]++;
            loop.callSoon(() -> loop.removeReader(a));
        });
        b.write(ByteBuffer.wrap(new byte[] {1})); // stays readable: nobody reads it
        for (int i = 1; i <= 2; i++) {
            loop.callSoon(loop::stop);
            loop.runForever();
            assertEquals(1, callcount[0], "loop " + i + "/2");
        }
    }

    // ---- our own ----

    @Test
    void readerAndWriterOfOneChannelBothRun() throws Exception {
        List<String> log = new ArrayList<>();
        loop.addReader(a, () -> {
            log.add("r");
            loop.removeReader(a);
        });
        loop.addWriter(a, () -> {
            log.add("w");
            loop.removeWriter(a);
        });
        b.write(ByteBuffer.wrap(new byte[] {1}));
        runUntil(loop, () -> log.size() == 2);
        assertTrue(log.containsAll(List.of("r", "w")));
    }

    @Test
    void exceptionInReaderGoesToTheHandler() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        loop.addReader(a, () -> {
            loop.removeReader(a);
            throw boom;
        });
        b.write(ByteBuffer.wrap(new byte[] {1}));
        runUntil(loop, () -> !handled.isEmpty());
        assertSame(boom, handled.get(0).exception());
    }

    @Test
    void readdingAfterRemoveWorks() throws Exception {
        List<String> log = new ArrayList<>();
        loop.addReader(a, () -> {});
        loop.removeReader(a);
        loop.addReader(a, () -> {
            log.add("again");
            loop.removeReader(a);
        });
        b.write(ByteBuffer.wrap(new byte[] {1}));
        runUntil(loop, () -> !log.isEmpty());
        assertEquals(List.of("again"), log);
    }
}
