package io.jasyncio.internal.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteBuffer} against a channel that takes a set number of bytes per write, as a full socket or pipe
 * does: order, sizes, copies and the gathering limit.
 */
class WriteBufferTest {
    /** Takes at most {@code room} bytes per write call; records what it took and how many buffers each call got. */
    private static final class SlowChannel implements GatheringByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final List<Integer> buffersPerCall = new ArrayList<>();
        int room;

        SlowChannel(int room) {
            this.room = room;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            buffersPerCall.add(length);
            int left = room;
            long n = 0;
            for (int i = offset; i < offset + length && left > 0; i++) {
                ByteBuffer b = srcs[i];
                while (b.hasRemaining() && left > 0) {
                    taken.write(b.get());
                    left--;
                    n++;
                }
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}

        String text() {
            return taken.toString(StandardCharsets.US_ASCII);
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void appendKeepsACopyAndConsumesTheSource() throws IOException {
        WriteBuffer w = new WriteBuffer();
        byte[] src = "abc".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = ByteBuffer.wrap(src);
        w.append(data);
        assertFalse(data.hasRemaining());
        src[0] = 'X'; // the caller reuses its array
        SlowChannel ch = new SlowChannel(100);
        assertEquals(3, w.flushTo(ch));
        assertEquals("abc", ch.text());
        assertTrue(w.isEmpty());
        assertEquals(0, w.size());
    }

    @Test
    void emptyDataAddsNothing() {
        WriteBuffer w = new WriteBuffer();
        w.append(ByteBuffer.allocate(0));
        assertTrue(w.isEmpty());
        assertEquals(0, w.size());
    }

    @Test
    void partialWritesKeepOrderAndCount() throws IOException {
        WriteBuffer w = new WriteBuffer();
        w.append(bytes("hello "));
        w.append(bytes("wide "));
        w.append(bytes("world"));
        assertEquals(16, w.size());
        SlowChannel ch = new SlowChannel(4);
        assertEquals(4, w.flushTo(ch));
        assertEquals(12, w.size());
        assertEquals(4, w.flushTo(ch)); // ends inside the second chunk: the first is dropped
        assertEquals(8, w.size());
        ch.room = 100;
        assertEquals(8, w.flushTo(ch));
        assertEquals("hello wide world", ch.text());
        assertTrue(w.isEmpty());
        assertEquals(0, w.flushTo(ch), "nothing left to write");
    }

    @Test
    void aChannelThatTakesNothingLeavesEverything() throws IOException {
        WriteBuffer w = new WriteBuffer();
        w.append(bytes("ab"));
        w.append(bytes("cd"));
        assertEquals(0, w.flushTo(new SlowChannel(0)));
        assertEquals(4, w.size());
        assertFalse(w.isEmpty());
    }

    @Test
    void oneWriteGathersAtMost64Chunks() throws IOException {
        WriteBuffer w = new WriteBuffer();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String s = Integer.toString(i % 10);
            w.append(bytes(s));
            expected.append(s);
        }
        SlowChannel ch = new SlowChannel(1000);
        assertEquals(64, w.flushTo(ch));
        assertEquals(36, w.size());
        assertEquals(36, w.flushTo(ch));
        assertEquals(List.of(64, 36), ch.buffersPerCall);
        assertEquals(expected.toString(), ch.text());
    }

    @Test
    void clearDropsEverything() {
        WriteBuffer w = new WriteBuffer();
        w.append(bytes("abc"));
        w.clear();
        assertTrue(w.isEmpty());
        assertEquals(0, w.size());
    }
}
