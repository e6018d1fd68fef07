package io.jasyncio.http.ws;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The framing pieces on their own: masking, the UTF-8 check, the parser fed in every split. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameCodecTest {
    @Test
    void maskingEightBytesAtATimeEqualsTheRfcsBytewiseXor() {
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] key = {(byte) 0x37, (byte) 0xfa, (byte) 0x21, (byte) 0x3d};
        for (int n = 0; n < 70; n++) {
            for (int phase = 0; phase < 4; phase++) {
                byte[] b = new byte[n + 3];
                rnd.nextBytes(b);
                byte[] expect = b.clone();
                for (int i = 0; i < n; i++) expect[3 + i] ^= key[(phase + i) & 3];
                Masking.apply(b, 3, n, key, phase);
                assertArrayEquals(expect, b, "n=" + n + " phase=" + phase);
            }
        }
    }

    @Test
    void theUtf8CheckAgreesWithTheJdksDecoderFedInAnyPieces() {
        SplittableRandom rnd = new SplittableRandom(2);
        byte[] alphabet = {'a', (byte) 0x80, (byte) 0xbf, (byte) 0x9f, (byte) 0xa0, (byte) 0x8f, (byte) 0x90, (byte) 0xc0,
            (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed, (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff};
        int valid = 0;
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[1 + rnd.nextInt(7)];
            for (int i = 0; i < b.length; i++) b[i] = alphabet[rnd.nextInt(alphabet.length)];
            boolean jdk;
            try {
                UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b));
                jdk = true;
            } catch (CharacterCodingException e) {
                jdk = false;
            }
            int cut = rnd.nextInt(b.length + 1);
            Utf8Validator v = new Utf8Validator();
            boolean ours = v.feed(b, 0, cut) && v.feed(b, cut, b.length - cut) && v.complete();
            assertEquals(jdk, ours, Arrays.toString(b) + " cut at " + cut);
            if (jdk) valid++;
        }
        assertTrue(valid > 500, "too few valid samples: " + valid);
    }

    @Test
    void theParserReadsTheSameMessagesWhateverTheReadsAre() throws Exception {
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        wire.writeBytes(RawPeer.frame(0x01, "κό".getBytes(UTF_8), true));
        wire.writeBytes(RawPeer.frame(0x89, "ping".getBytes(UTF_8), true));
        wire.writeBytes(RawPeer.frame(0x80, "σμε".getBytes(UTF_8), true));
        wire.writeBytes(RawPeer.frame(0x82, new byte[300], true));
        wire.writeBytes(RawPeer.frame(0x81, "x".repeat(70_000).getBytes(UTF_8), true));
        wire.writeBytes(RawPeer.frame(0x88, RawPeer.closePayload(1000, "end"), true));
        byte[] all = wire.toByteArray();
        List<String> whole = parse(all, all.length);
        assertEquals(List.of("ping ping", "text κόσμε", "binary 300", "text 70000", "close 1000 end"), whole);
        for (int step : new int[] {1, 2, 3, 7, 13, 100, 4096}) assertEquals(whole, parse(all, step), "reads of " + step);
    }

    private static List<String> parse(byte[] wire, int step) throws WebSocketError {
        List<String> got = new ArrayList<>();
        FrameParser p = new FrameParser(new FrameParser.Listener() {
            public void onText(String text) {
                got.add("text " + (text.length() > 100 ? String.valueOf(text.length()) : text));
            }

            public void onBinary(byte[] data) {
                got.add("binary " + data.length);
            }

            public void onPing(byte[] payload) {
                got.add("ping " + new String(payload, UTF_8));
            }

            public void onPong(byte[] payload) {
                got.add("pong");
            }

            public void onClose(int code, String reason) {
                got.add("close " + code + " " + reason);
            }
        }, true, 1 << 20);
        for (int off = 0; off < wire.length; off += step) p.feed(ByteBuffer.wrap(wire, off, Math.min(step, wire.length - off)));
        return got;
    }
}
