package io.jasyncio.http.h2;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frame codec (RFC 9113 §4, §6): every type both ways, fed in any split, and each validation error. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameCodecTest {
    private static List<Frame> readAll(FrameReader r, ByteBuffer... bufs) {
        List<Frame> out = new ArrayList<>();
        for (ByteBuffer b : bufs) {
            r.feed(b);
            Frame f;
            while ((f = r.next()) != null) out.add(f);
        }
        return out;
    }

    private static ByteBuffer concat(ByteBuffer... bufs) {
        int n = 0;
        for (ByteBuffer b : bufs) n += b.remaining();
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer b : bufs) all.put(b.duplicate());
        return all.flip();
    }

    private static Http2Exception refused(ByteBuffer frame) {
        return assertThrows(Http2Exception.class, () -> readAll(new FrameReader(16_384), frame));
    }

    @Test
    void aBigFrameWhoseHeaderCameWithAnEarlierFrameGrowsTheBuffer() {
        // The reader held a frame's first bytes behind one it had returned (its buffer's start > 0) when a chunk
        // larger than the buffer came: the grown buffer was 'start' bytes short (IndexOutOfBoundsException, seen
        // from the client and the server under TLS, where records split frames anywhere).
        byte[] payload = new byte[16_384];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 7);
        ByteBuffer wire = concat(FrameWriter.ping(false, 42), FrameWriter.data(1, payload, 0, payload.length, true));
        byte[] all = new byte[wire.remaining()];
        wire.get(all);
        for (int first = 17; first < 17 + 9; first++) { // the ping and 0..8 bytes of the DATA frame's header
            FrameReader r = new FrameReader(16_384);
            List<Frame> frames = readAll(r, ByteBuffer.wrap(all, 0, first), ByteBuffer.wrap(all, first, all.length - first));
            assertEquals(2, frames.size(), "first chunk " + first + ": " + frames);
            Frame.Data d = assertInstanceOf(Frame.Data.class, frames.get(1));
            assertArrayEquals(payload, d.data(), "first chunk " + first);
            assertEquals(0, r.buffered());
        }
    }

    @Test
    void everyTypeRoundTripsWhateverTheSplit() {
        byte[] block = new byte[40_000];
        for (int i = 0; i < block.length; i++) block[i] = (byte) i;
        ByteBuffer wire = concat(
                FrameWriter.settings(Frame.Settings.MAX_CONCURRENT_STREAMS, 100, Frame.Settings.INITIAL_WINDOW_SIZE, 1 << 20),
                FrameWriter.settingsAck(),
                FrameWriter.headers(1, block, false, 16_384), // HEADERS + 2 CONTINUATION
                FrameWriter.data(1, new byte[] {1, 2, 3}, 0, 3, true),
                FrameWriter.raw(Frame.TYPE_PRIORITY, 0, 3, new byte[] {(byte) 0x80, 0, 0, 1, 15}),
                FrameWriter.rstStream(3, ErrorCode.CANCEL),
                FrameWriter.ping(false, 0x0102030405060708L),
                FrameWriter.goAway(7, ErrorCode.ENHANCE_YOUR_CALM, "calm"),
                FrameWriter.windowUpdate(0, 1000),
                FrameWriter.raw(0x42, 0, 0, new byte[5]), // unknown type: skipped
                FrameWriter.raw(Frame.TYPE_PUSH_PROMISE, Frame.FLAG_END_HEADERS, 1, new byte[] {0, 0, 0, 2, (byte) 0x82}));
        byte[] all = new byte[wire.remaining()];
        wire.get(all);
        for (int split : new int[] {1, 7, 9, 100, 16_393, all.length}) {
            FrameReader r = new FrameReader(16_384);
            List<Frame> frames = new ArrayList<>();
            for (int off = 0; off < all.length; off += split) {
                frames.addAll(readAll(r, ByteBuffer.wrap(all, off, Math.min(split, all.length - off))));
            }
            assertEquals(12, frames.size(), "split " + split + ": " + frames);
            Frame.Settings s = (Frame.Settings) frames.get(0);
            assertArrayEquals(new int[] {3, 4}, s.ids());
            assertArrayEquals(new long[] {100, 1 << 20}, s.values());
            assertTrue(((Frame.Settings) frames.get(1)).ack());
            Frame.Headers h = (Frame.Headers) frames.get(2);
            assertFalse(h.endHeaders());
            assertEquals(16_384, h.fragment().length);
            assertEquals(16_384, ((Frame.Continuation) frames.get(3)).fragment().length);
            Frame.Continuation last = (Frame.Continuation) frames.get(4);
            assertTrue(last.endHeaders());
            assertEquals(block[39_999], last.fragment()[last.fragment().length - 1]);
            Frame.Data d = (Frame.Data) frames.get(5);
            assertArrayEquals(new byte[] {1, 2, 3}, d.data());
            assertTrue(d.endStream());
            assertEquals(new Frame.Priority(3, 1, true, 16), frames.get(6));
            assertEquals(new Frame.RstStream(3, ErrorCode.CANCEL), frames.get(7));
            assertEquals(new Frame.Ping(false, 0x0102030405060708L), frames.get(8));
            Frame.GoAway g = (Frame.GoAway) frames.get(9);
            assertEquals(7, g.lastStreamId());
            assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
            assertEquals("calm", new String(g.debugData()));
            assertEquals(new Frame.WindowUpdate(0, 1000), frames.get(10));
            assertEquals(2, ((Frame.PushPromise) frames.get(11)).promisedStreamId());
            assertEquals(0, r.buffered());
        }
    }

    @Test
    void paddingIsRemovedAndCountsForFlowControl() {
        byte[] payload = {3, 'a', 'b', 0, 0, 0}; // pad length 3, "ab", 3 bytes of padding
        Frame.Data d = (Frame.Data) readAll(new FrameReader(16_384), FrameWriter.raw(Frame.TYPE_DATA, Frame.FLAG_PADDED, 1, payload)).get(0);
        assertArrayEquals("ab".getBytes(), d.data());
        assertEquals(6, d.flowLength());
        byte[] hp = {2, 0, 0, 0, 5, 10, (byte) 0x82, 0, 0}; // padded + priority: dep 5, weight 11, block 0x82
        Frame.Headers h = (Frame.Headers) readAll(new FrameReader(16_384),
                FrameWriter.raw(Frame.TYPE_HEADERS, Frame.FLAG_PADDED | Frame.FLAG_PRIORITY | Frame.FLAG_END_HEADERS, 1, hp)).get(0);
        assertArrayEquals(new byte[] {(byte) 0x82}, h.fragment());
    }

    @Test
    void aFrameOverMaxFrameSizeIsAFrameSizeError() {
        Http2Exception e = refused(FrameWriter.raw(Frame.TYPE_DATA, 0, 1, new byte[16_385]));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.code());
        assertTrue(e.isConnectionError());
        // refused from its 9-byte header, before the payload arrives
        FrameReader r = new FrameReader(16_384);
        r.feed(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 1}));
        assertThrows(Http2Exception.class, r::next);
        // a larger setting accepts it
        assertEquals(1, readAll(new FrameReader(20_000), FrameWriter.raw(Frame.TYPE_DATA, 0, 1, new byte[16_385])).size());
    }

    @Test
    void streamIdRulesPerType() {
        for (int type : new int[] {Frame.TYPE_DATA, Frame.TYPE_HEADERS, Frame.TYPE_PRIORITY, Frame.TYPE_RST_STREAM, Frame.TYPE_PUSH_PROMISE}) {
            Http2Exception e = refused(FrameWriter.raw(type, Frame.FLAG_END_HEADERS, 0, new byte[type == Frame.TYPE_PRIORITY ? 5 : 4]));
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code(), "type " + type);
            assertTrue(e.getMessage().contains("stream 0"), e.getMessage());
        }
        for (int type : new int[] {Frame.TYPE_SETTINGS, Frame.TYPE_PING, Frame.TYPE_GOAWAY}) {
            Http2Exception e = refused(FrameWriter.raw(type, 0, 1, new byte[type == Frame.TYPE_SETTINGS ? 0 : 8]));
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code(), "type " + type);
            assertTrue(e.isConnectionError());
        }
    }

    @Test
    void fixedLengthsAreChecked() {
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_RST_STREAM, 0, 1, new byte[3])).code());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_PING, 0, 0, new byte[7])).code());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_GOAWAY, 0, 0, new byte[7])).code());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_WINDOW_UPDATE, 0, 1, new byte[5])).code());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_SETTINGS, 0, 0, new byte[7])).code());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_SETTINGS, Frame.FLAG_ACK, 0, new byte[6])).code());
        Http2Exception e = refused(FrameWriter.raw(Frame.TYPE_PRIORITY, 0, 1, new byte[4]));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.code());
        assertEquals(1, e.streamId()); // a stream error (§6.3)
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, refused(FrameWriter.raw(Frame.TYPE_HEADERS, Frame.FLAG_PRIORITY, 1, new byte[4])).code());
    }

    @Test
    void paddingAsLongAsThePayloadIsAProtocolError() {
        Http2Exception e = refused(FrameWriter.raw(Frame.TYPE_DATA, Frame.FLAG_PADDED, 1, new byte[] {3, 0, 0}));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        e = refused(FrameWriter.raw(Frame.TYPE_HEADERS, Frame.FLAG_PADDED | Frame.FLAG_END_HEADERS, 1, new byte[] {2, 0}));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        // the pad length byte and as much padding as is left: valid, with an empty block
        assertEquals(1, readAll(new FrameReader(16_384), FrameWriter.raw(Frame.TYPE_HEADERS, Frame.FLAG_PADDED | Frame.FLAG_END_HEADERS, 1, new byte[] {1, 0})).size());
    }

    @Test
    void settingsValuesOutOfRange() {
        assertEquals(ErrorCode.PROTOCOL_ERROR, refused(FrameWriter.settings(Frame.Settings.ENABLE_PUSH, 2)).code());
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, refused(FrameWriter.settings(Frame.Settings.INITIAL_WINDOW_SIZE, 1L << 31)).code());
        assertEquals(ErrorCode.PROTOCOL_ERROR, refused(FrameWriter.settings(Frame.Settings.MAX_FRAME_SIZE, 16_383)).code());
        assertEquals(ErrorCode.PROTOCOL_ERROR, refused(FrameWriter.settings(Frame.Settings.MAX_FRAME_SIZE, 1 << 24)).code());
        // unknown settings are ignored
        assertEquals(1, readAll(new FrameReader(16_384), FrameWriter.settings(0x99, 12345)).size());
    }

    @Test
    void windowUpdateOfZero() {
        Http2Exception e = refused(FrameWriter.windowUpdate(0, 0));
        assertTrue(e.isConnectionError());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        e = refused(FrameWriter.windowUpdate(5, 0));
        assertEquals(5, e.streamId());
    }

    @Test
    void selfDependencyIsAStreamError() {
        Http2Exception e = refused(FrameWriter.raw(Frame.TYPE_PRIORITY, 0, 3, new byte[] {0, 0, 0, 3, 0}));
        assertEquals(3, e.streamId());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        // on HEADERS, a connection error: its header block must not be skipped (HPACK state)
        e = refused(FrameWriter.raw(Frame.TYPE_HEADERS, Frame.FLAG_PRIORITY | Frame.FLAG_END_HEADERS, 5, new byte[] {0, 0, 0, 5, 0}));
        assertTrue(e.isConnectionError());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
    }

    @Test
    void continuationMustFollowItsHeaderBlock() {
        ByteBuffer open = FrameWriter.raw(Frame.TYPE_HEADERS, 0, 1, new byte[] {(byte) 0x82});
        // another frame in the middle
        Http2Exception e = assertThrows(Http2Exception.class, () -> readAll(new FrameReader(16_384), open.duplicate(), FrameWriter.ping(false, 1)));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        // a CONTINUATION of another stream
        e = assertThrows(Http2Exception.class, () -> readAll(new FrameReader(16_384), open.duplicate(),
                FrameWriter.raw(Frame.TYPE_CONTINUATION, Frame.FLAG_END_HEADERS, 3, new byte[0])));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        // a CONTINUATION with no block open
        e = refused(FrameWriter.raw(Frame.TYPE_CONTINUATION, Frame.FLAG_END_HEADERS, 1, new byte[0]));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        // and the right one
        assertEquals(2, readAll(new FrameReader(16_384), open.duplicate(),
                FrameWriter.raw(Frame.TYPE_CONTINUATION, Frame.FLAG_END_HEADERS, 1, new byte[0])).size());
    }

    @Test
    void theReaderHoldsOneIncompleteFrameAtMost() {
        FrameReader r = new FrameReader(16_384);
        ByteBuffer f = FrameWriter.data(1, new byte[16_384], 0, 16_384, false);
        ByteBuffer two = concat(f, f, f);
        two.limit(two.capacity() - 1); // two whole frames and most of a third
        assertEquals(2, readAll(r, two).size());
        assertEquals(16_384 + 8, r.buffered());
    }
}
