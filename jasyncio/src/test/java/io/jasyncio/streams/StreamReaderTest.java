package io.jasyncio.streams;

import static io.jasyncio.transport.NetTesting.b;
import static io.jasyncio.TestLoops.run;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.NetTesting;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.Transport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** StreamReader on its own, fed by hand (CPython's test_streams.py, the parts without sockets). */
class StreamReaderTest {
    static final byte[] DATA = b("line1\nline2\nline3\n");

    // ports test_streams.py::StreamTests::test_feed_empty_data
    @Test
    void feedEmptyData() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b(""));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_feed_nonempty_data
    @Test
    void feedNonemptyData() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            assertArrayEquals(DATA, stream.peekBuffer());
            return null;
        });
    }

    /** What a read returns is the caller's: data fed and read after it never reaches it. */
    @Test
    void readResultsAreNotAliasedByLaterData() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("first"));
            byte[] first = stream.read(100);
            stream.feedData(b("xxxxx"));
            stream.feedData(b("yy"));
            assertArrayEquals(b("first"), first);
            byte[] second = stream.read(3);
            byte[] third = stream.read(100);
            stream.feedData(b("last"));
            stream.feedEof();
            assertArrayEquals(b("last"), stream.read(-1));
            assertArrayEquals(b("first"), first); // each result untouched by the data and reads after it
            assertArrayEquals(b("xxx"), second);
            assertArrayEquals(b("xxyy"), third);
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_zero
    @Test
    void readZero() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            assertArrayEquals(b(""), stream.read(0));
            assertArrayEquals(DATA, stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read
    @Test
    void read() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> stream.read(30));
            Asyncio.getRunningLoop().callSoon(() -> stream.feedData(DATA));
            assertArrayEquals(DATA, Asyncio.await(t));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_line_breaks
    @Test
    void readLineBreaks() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line1"));
            stream.feedData(b("line2"));
            assertArrayEquals(b("line1"), stream.read(5));
            assertArrayEquals(b("line2"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_eof
    @Test
    void readEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> stream.read(1024));
            Asyncio.getRunningLoop().callSoon(stream::feedEof);
            assertArrayEquals(b(""), Asyncio.await(t));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_until_eof
    @Test
    void readUntilEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> stream.read(-1));
            Asyncio.getRunningLoop().callSoon(() -> {
                stream.feedData(b("chunk1\n"));
                stream.feedData(b("chunk2"));
                stream.feedEof();
            });
            assertArrayEquals(b("chunk1\nchunk2"), Asyncio.await(t));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_exception
    @Test
    void readException() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line\n"));
            assertArrayEquals(b("li"), stream.read(2));
            stream.setException(new IllegalArgumentException());
            assertThrows(IllegalArgumentException.class, () -> stream.read(2));
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_invalid_limit
    @Test
    void invalidLimit() {
        run(() -> {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new StreamReader(0)).getMessage().contains("imit"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> new StreamReader(-1)).getMessage().contains("imit"));
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_read_limit
    @Test
    void readLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("chunk"));
            assertArrayEquals(b("chunk"), stream.read(5));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline
    @Test
    void readline() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("chunk1 "));
            Task<byte[]> t = Asyncio.createTask(stream::readline);
            Asyncio.getRunningLoop().callSoon(() -> {
                stream.feedData(b("chunk2 "));
                stream.feedData(b("chunk3 "));
                stream.feedData(b("\n chunk4"));
            });
            assertArrayEquals(b("chunk1 chunk2 chunk3 \n"), Asyncio.await(t));
            assertArrayEquals(b(" chunk4"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_limit_with_existing_data
    @Test
    void readlineLimitWithExistingData() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("li"));
            stream.feedData(b("ne1\nline2\n"));
            assertThrows(IllegalArgumentException.class, stream::readline);
            assertArrayEquals(b("line2\n"), stream.peekBuffer());

            StreamReader stream2 = new StreamReader(3);
            stream2.feedData(b("li"));
            stream2.feedData(b("ne1"));
            stream2.feedData(b("li"));
            assertThrows(IllegalArgumentException.class, stream2::readline);
            assertArrayEquals(b(""), stream2.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_at_eof
    @Test
    void atEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            assertFalse(stream.atEof());
            stream.feedData(b("some data\n"));
            assertFalse(stream.atEof());
            stream.readline();
            assertFalse(stream.atEof());
            stream.feedData(b("some data\n"));
            stream.feedEof();
            stream.readline();
            assertTrue(stream.atEof());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_limit
    @Test
    void readlineLimit() {
        run(() -> {
            StreamReader s1 = new StreamReader(7);
            Asyncio.getRunningLoop().callSoon(() -> {
                s1.feedData(b("chunk1"));
                s1.feedData(b("chunk2"));
                s1.feedData(b("chunk3\n"));
                s1.feedEof();
            });
            assertThrows(IllegalArgumentException.class, s1::readline);
            assertArrayEquals(b(""), s1.peekBuffer());

            StreamReader s2 = new StreamReader(7);
            Asyncio.getRunningLoop().callSoon(() -> {
                s2.feedData(b("chunk1"));
                s2.feedData(b("chunk2\n"));
                s2.feedData(b("chunk3\n"));
                s2.feedEof();
            });
            assertThrows(IllegalArgumentException.class, s2::readline);
            assertArrayEquals(b("chunk3\n"), s2.peekBuffer());

            StreamReader s3 = new StreamReader(7);
            s3.feedData(b("1234567\n"));
            assertArrayEquals(b("1234567\n"), s3.readline());
            assertArrayEquals(b(""), s3.peekBuffer());
            s3.feedData(b("12345678\n"));
            assertThrows(IllegalArgumentException.class, s3::readline);
            assertArrayEquals(b(""), s3.peekBuffer());
            s3.feedData(b("12345678"));
            assertThrows(IllegalArgumentException.class, s3::readline);
            assertArrayEquals(b(""), s3.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_nolimit_nowait
    @Test
    void readlineNolimitNowait() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(java.util.Arrays.copyOfRange(DATA, 0, 6));
            stream.feedData(java.util.Arrays.copyOfRange(DATA, 6, DATA.length));
            assertArrayEquals(b("line1\n"), stream.readline());
            assertArrayEquals(b("line2\nline3\n"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_eof
    @Test
    void readlineEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("some data"));
            stream.feedEof();
            assertArrayEquals(b("some data"), stream.readline());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_empty_eof
    @Test
    void readlineEmptyEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedEof();
            assertArrayEquals(b(""), stream.readline());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_read_byte_count
    @Test
    void readlineReadByteCount() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            stream.readline();
            assertArrayEquals(b("line2\nl"), stream.read(7));
            assertArrayEquals(b("ine3\n"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readline_exception
    @Test
    void readlineException() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line\n"));
            assertArrayEquals(b("line\n"), stream.readline());
            stream.setException(new IllegalArgumentException());
            assertThrows(IllegalArgumentException.class, stream::readline);
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_separator
    @Test
    void readuntilSeparator() {
        run(() -> {
            StreamReader stream = new StreamReader();
            assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.readuntil(b("")))
                    .getMessage().contains("Separator should be"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.readuntil(List.of(b(""))))
                    .getMessage().contains("Separator should be"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.readuntil(List.of()))
                    .getMessage().contains("Separator should contain"));
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_multi_chunks
    @Test
    void readuntilMultiChunks() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("lineAAA"));
            assertArrayEquals(b("lineAAA"), stream.readuntil(b("AAA")));
            assertArrayEquals(b(""), stream.peekBuffer());
            stream.feedData(b("lineAAA"));
            assertArrayEquals(b("lineAAA"), stream.readuntil(b("AAA")));
            assertArrayEquals(b(""), stream.peekBuffer());
            stream.feedData(b("lineAAAxxx"));
            assertArrayEquals(b("lineAAA"), stream.readuntil(b("AAA")));
            assertArrayEquals(b("xxx"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_multi_chunks_1
    @Test
    void readuntilMultiChunks1() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("QWEaa"));
            stream.feedData(b("XYaa"));
            stream.feedData(b("a"));
            assertArrayEquals(b("QWEaaXYaaa"), stream.readuntil(b("aaa")));
            assertArrayEquals(b(""), stream.peekBuffer());
            stream.feedData(b("QWEaa"));
            stream.feedData(b("XYa"));
            stream.feedData(b("aa"));
            assertArrayEquals(b("QWEaaXYaaa"), stream.readuntil(b("aaa")));
            stream.feedData(b("aaa"));
            assertArrayEquals(b("aaa"), stream.readuntil(b("aaa")));
            stream.feedData(b("Xaaa"));
            assertArrayEquals(b("Xaaa"), stream.readuntil(b("aaa")));
            stream.feedData(b("XXX"));
            stream.feedData(b("a"));
            stream.feedData(b("a"));
            stream.feedData(b("a"));
            assertArrayEquals(b("XXXaaa"), stream.readuntil(b("aaa")));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_eof
    @Test
    void readuntilEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            byte[] data = b("some dataAA");
            stream.feedData(data);
            stream.feedEof();
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> stream.readuntil(b("AAA")));
            assertTrue(e.getMessage().contains("undefined expected bytes"));
            assertArrayEquals(data, e.partial());
            assertNull(e.expected());
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_limit_found_sep
    @Test
    void readuntilLimitFoundSep() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("some dataAA"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class, () -> stream.readuntil(b("AAA")));
            assertTrue(e.getMessage().contains("not found"));
            assertArrayEquals(b("some dataAA"), stream.peekBuffer());
            stream.feedData(b("A"));
            e = assertThrows(LimitOverrunError.class, () -> stream.readuntil(b("AAA")));
            assertTrue(e.getMessage().contains("is found"));
            assertArrayEquals(b("some dataAAA"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_multi_separator
    @Test
    void readuntilMultiSeparator() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line 1\nline 2\r"));
            assertArrayEquals(b("line 1\n"), stream.readuntil(List.of(b("\r"), b("\n"))));
            assertArrayEquals(b("line 2\r"), stream.readuntil(List.of(b("\r"), b("\n"))));
            assertArrayEquals(b(""), stream.peekBuffer());
            stream.feedData(b("ABCDEFG"));
            assertArrayEquals(b("ABCDE"), stream.readuntil(List.of(b("DEF"), b("BCDE"))));
            assertArrayEquals(b("FG"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_multi_separator_limit
    @Test
    void readuntilMultiSeparatorLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("some dataA"));
            LimitOverrunError e = assertThrows(LimitOverrunError.class,
                    () -> stream.readuntil(List.of(b("A"), b("ome dataA"))));
            assertTrue(e.getMessage().contains("is found"));
            assertArrayEquals(b("some dataA"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_multi_separator_negative_offset
    @Test
    void readuntilMultiSeparatorNegativeOffset() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("data"));
            Task<byte[]> t = Asyncio.createTask(() -> stream.readuntil(List.of(b("A"), b("long sep"))));
            Asyncio.getRunningLoop().callSoon(() -> stream.feedData(b("Z")));
            Asyncio.getRunningLoop().callSoon(() -> stream.feedData(b("Aaaa")));
            assertArrayEquals(b("dataZA"), Asyncio.await(t));
            assertArrayEquals(b("aaa"), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readuntil_bytearray
    @Test
    void readuntilByteBufferSeparator() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(java.nio.ByteBuffer.wrap(b("some data\r\n")));
            assertArrayEquals(b("some data\r\n"), stream.readuntil(b("\r\n")));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readexactly_zero_or_less
    @Test
    void readexactlyZeroOrLess() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(DATA);
            assertArrayEquals(b(""), stream.readexactly(0));
            assertArrayEquals(DATA, stream.peekBuffer());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> stream.readexactly(-1))
                    .getMessage().contains("less than zero"));
            assertArrayEquals(DATA, stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readexactly
    @Test
    void readexactly() {
        run(() -> {
            StreamReader stream = new StreamReader();
            int n = 2 * DATA.length;
            Task<byte[]> t = Asyncio.createTask(() -> stream.readexactly(n));
            Asyncio.getRunningLoop().callSoon(() -> {
                stream.feedData(DATA);
                stream.feedData(DATA);
                stream.feedData(DATA);
            });
            assertArrayEquals(b(NetTesting.s(DATA) + NetTesting.s(DATA)), Asyncio.await(t));
            assertArrayEquals(DATA, stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readexactly_limit
    @Test
    void readexactlyLimit() {
        run(() -> {
            StreamReader stream = new StreamReader(3);
            stream.feedData(b("chunk"));
            assertArrayEquals(b("chunk"), stream.readexactly(5));
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readexactly_eof
    @Test
    void readexactlyEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            int n = 2 * DATA.length;
            Task<byte[]> t = Asyncio.createTask(() -> stream.readexactly(n));
            Asyncio.getRunningLoop().callSoon(() -> {
                stream.feedData(DATA);
                stream.feedEof();
            });
            IncompleteReadError e = assertThrows(IncompleteReadError.class, () -> Asyncio.await(t));
            assertArrayEquals(DATA, e.partial());
            assertEquals(n, e.expected());
            assertEquals("18 bytes read on a total of 36 expected bytes", e.getMessage());
            assertArrayEquals(b(""), stream.peekBuffer());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_readexactly_exception
    @Test
    void readexactlyException() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("line\n"));
            assertArrayEquals(b("li"), stream.readexactly(2));
            stream.setException(new IllegalArgumentException());
            assertThrows(IllegalArgumentException.class, () -> stream.readexactly(2));
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_exception
    @Test
    void exception() {
        run(() -> {
            StreamReader stream = new StreamReader();
            assertNull(stream.exception());
            IllegalArgumentException exc = new IllegalArgumentException();
            stream.setException(exc);
            assertSame(exc, stream.exception());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_exception_waiter
    @Test
    void exceptionWaiter() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t1 = Asyncio.createTask(stream::readline);
            Task<Void> t2 = Asyncio.createTask(() -> {
                stream.setException(new IllegalArgumentException());
                return null;
            });
            Asyncio.await(t2);
            assertThrows(IllegalArgumentException.class, () -> Asyncio.await(t1));
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_exception_cancel
    @Test
    void exceptionCancel() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(stream::readline);
            Asyncio.sleep(0);
            t.cancel();
            Asyncio.sleep(0);
            // fails if setException is not careful with the cancelled waiter
            stream.setException(new IllegalStateException("message"));
            Asyncio.sleep(0);
            assertNull(stream.waiter());
            assertTrue(t.cancelled());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__
    @Test
    void reprDefault() {
        run(() -> {
            assertEquals("<StreamReader>", new StreamReader().toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__nondefault_limit
    @Test
    void reprNondefaultLimit() {
        run(() -> {
            assertEquals("<StreamReader limit=123>", new StreamReader(123).toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__eof
    @Test
    void reprEof() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedEof();
            assertEquals("<StreamReader eof>", stream.toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__data
    @Test
    void reprData() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.feedData(b("data"));
            assertEquals("<StreamReader 4 bytes>", stream.toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__exception
    @Test
    void reprException() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.setException(new IllegalStateException());
            assertEquals("<StreamReader exception=java.lang.IllegalStateException>", stream.toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__waiter
    @Test
    void reprWaiter() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(() -> stream.read(1));
            Asyncio.sleep(0);
            assertTrue(stream.toString().matches("<StreamReader waiter=<Future pending[^>]*>>"), stream.toString());
            stream.feedData(b("x"));
            Asyncio.await(t);
            assertEquals("<StreamReader>", stream.toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test___repr__transport
    @Test
    void reprTransport() {
        run(() -> {
            StreamReader stream = new StreamReader();
            stream.setTransport(new ReadTransport() {
                public boolean isReading() { return true; }
                public void pauseReading() {}
                public void resumeReading() {}
                public Object getExtraInfo(String name) { return null; }
                public boolean isClosing() { return false; }
                public void close() {}
                public void setProtocol(BaseProtocol p) {}
                public BaseProtocol getProtocol() { return null; }
                @Override public String toString() { return "<Transport>"; }
            });
            assertEquals("<StreamReader transport=<Transport>>", stream.toString());
            return null;
        });
    }

    // ports test_streams.py::StreamTests::test_IncompleteReadError_pickleable
    @Test
    void incompleteReadErrorFields() {
        IncompleteReadError e = new IncompleteReadError(b("abc"), 10);
        assertEquals("3 bytes read on a total of 10 expected bytes", e.getMessage());
        assertArrayEquals(b("abc"), e.partial());
        assertEquals(10, e.expected());
    }

    // ports test_streams.py::StreamTests::test_LimitOverrunError_pickleable
    @Test
    void limitOverrunErrorFields() {
        LimitOverrunError e = new LimitOverrunError("message", 10);
        assertEquals("message", e.getMessage());
        assertEquals(10, e.consumed());
    }

    // ports test_streams.py::StreamTests::test_multiple_drain
    @Test
    void multipleDrain() {
        run(() -> {
            StreamReaderProtocol stream = new StreamReaderProtocol(null);
            stream.pauseWriting();
            Asyncio.getRunningLoop().callLater(0.1, stream::resumeWriting);
            int[] drained = {0};
            java.util.List<Task<Void>> tasks = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                tasks.add(Asyncio.createTask(() -> {
                    stream.drainHelper();
                    drained[0]++;
                    return null;
                }));
            }
            for (Task<Void> t : tasks) Asyncio.await(t);
            assertEquals(10, drained[0]);
            return null;
        });
    }

    // A reader whose buffer grows past twice the limit pauses its transport, and resumes it when drained.
    @Test
    void feedDataPausesAndResumesTransport() {
        run(() -> {
            StreamReader stream = new StreamReader(4);
            boolean[] reading = {true};
            stream.setTransport(new ReadTransport() {
                public boolean isReading() { return reading[0]; }
                public void pauseReading() { reading[0] = false; }
                public void resumeReading() { reading[0] = true; }
                public Object getExtraInfo(String name) { return null; }
                public boolean isClosing() { return false; }
                public void close() {}
                public void setProtocol(BaseProtocol p) {}
                public BaseProtocol getProtocol() { return null; }
            });
            stream.feedData(b("12345678"));
            assertTrue(reading[0]);
            stream.feedData(b("9"));
            assertFalse(reading[0]);
            stream.read(5);
            assertTrue(reading[0]);
            return null;
        });
    }

    // Waiting twice on one reader is refused, as in asyncio.
    @Test
    void secondWaiterIsRefused() {
        run(() -> {
            StreamReader stream = new StreamReader();
            Task<byte[]> t = Asyncio.createTask(stream::readline);
            Asyncio.sleep(0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> stream.read(1));
            assertTrue(e.getMessage().contains("already waiting"));
            stream.feedEof();
            assertArrayEquals(b(""), Asyncio.await(t));
            Future<?> unused = null;
            return unused;
        });
    }
}
