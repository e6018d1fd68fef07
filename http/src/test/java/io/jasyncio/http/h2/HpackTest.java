package io.jasyncio.http.h2;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HPACK (RFC 7541): every example of Appendix C, both ways, round trips, and the decoder's bounds. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HpackTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    static List<HeaderField> fields(String... nv) {
        List<HeaderField> l = new ArrayList<>();
        for (int i = 0; i < nv.length; i += 2) l.add(new HeaderField(nv[i], nv[i + 1]));
        return l;
    }

    // ---------------------------------------------------------------- C.1: integers

    @Test
    void c1IntegerRepresentation() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder.writeInt(out, 0, 5, 10);
        assertArrayEquals(hex("0a"), out.toByteArray());
        out.reset();
        HpackEncoder.writeInt(out, 0, 5, 1337);
        assertArrayEquals(hex("1f9a0a"), out.toByteArray());
        out.reset();
        HpackEncoder.writeInt(out, 0, 8, 42);
        assertArrayEquals(hex("2a"), out.toByteArray());
        assertEquals(1337, HpackDecoder.readInt(hex("1f9a0a"), new int[] {0}, 3, 5));
        assertEquals(10, HpackDecoder.readInt(hex("ea"), new int[] {0}, 1, 5)); // the flag bits are not the integer's
    }

    @Test
    void integersRoundTripAtEveryPrefixAndRefuseOverflow() {
        for (int n = 1; n <= 8; n++) {
            for (int v : new int[] {0, 1, (1 << n) - 2, (1 << n) - 1, 1 << n, 127, 128, 16383, 16384, 1 << 20, Integer.MAX_VALUE}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                HpackEncoder.writeInt(out, 0, n, v);
                byte[] b = out.toByteArray();
                assertEquals(v, HpackDecoder.readInt(b, new int[] {0}, b.length, n), "n=" + n + " v=" + v);
            }
        }
        byte[] huge = hex("1fffffffff0f"); // 31 + 2^35-ish
        Http2Exception e = assertThrows(Http2Exception.class, () -> HpackDecoder.readInt(huge, new int[] {0}, huge.length, 5));
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
        byte[] cut = hex("1f9a"); // continuation bit set, then nothing
        assertThrows(Http2Exception.class, () -> HpackDecoder.readInt(cut, new int[] {0}, cut.length, 5));
    }

    // ---------------------------------------------------------------- C.2: single representations

    @Test
    void c2_1LiteralWithIndexing() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        assertEquals(fields("custom-key", "custom-header"),
                d.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertEquals(55, d.tableSize());
        assertArrayEquals(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"),
                new HpackEncoder(4096, false).encode(fields("custom-key", "custom-header")));
    }

    @Test
    void c2_2LiteralWithoutIndexing() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        assertEquals(fields(":path", "/sample/path"), d.decode(hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertEquals(0, d.tableSize());
    }

    @Test
    void c2_3LiteralNeverIndexed() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        assertEquals(fields("password", "secret"), d.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertEquals(0, d.tableSize());
        // and the encoder never indexes credentials
        HpackEncoder e = new HpackEncoder(4096, false);
        byte[] b = e.encode(fields("authorization", "secret"));
        assertEquals(0x10, b[0] & 0xf0);
        assertEquals(0, e.tableSize());
    }

    @Test
    void c2_4Indexed() {
        assertEquals(fields(":method", "GET"), new HpackDecoder(4096, 1 << 16).decode(hex("82")));
        assertArrayEquals(hex("82"), new HpackEncoder().encode(fields(":method", "GET")));
    }

    // ---------------------------------------------------------------- C.3 / C.4: requests

    static final List<List<HeaderField>> REQUESTS = List.of(
            fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"),
            fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com", "cache-control", "no-cache"),
            fields(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com", "custom-key", "custom-value"));

    @Test
    void c3RequestsWithoutHuffman() {
        checkSequence(4096, false, REQUESTS, new String[] {
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
        }, new int[] {57, 110, 164});
    }

    @Test
    void c4RequestsWithHuffman() {
        checkSequence(4096, true, REQUESTS, new String[] {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        }, new int[] {57, 110, 164});
    }

    // ---------------------------------------------------------------- C.5 / C.6: responses, table of 256

    static final List<List<HeaderField>> RESPONSES = List.of(
            fields(":status", "302", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"),
            fields(":status", "307", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"),
            fields(":status", "200", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:22 GMT",
                    "location", "https://www.example.com", "content-encoding", "gzip",
                    "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));

    @Test
    void c5ResponsesWithoutHuffman() {
        checkSequence(256, false, RESPONSES, new String[] {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d"
                    + "546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f"
                    + "6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33"
                    + "3630 303b 2076 6572 7369 6f6e 3d31",
        }, new int[] {222, 222, 215});
    }

    @Test
    void c6ResponsesWithHuffman() {
        checkSequence(256, true, RESPONSES, new String[] {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7"
                    + "8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335"
                    + "dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        }, new int[] {222, 222, 215});
    }

    /** Decodes each block into its list and encodes each list into its block, one encoder and decoder throughout. */
    private static void checkSequence(int table, boolean huffman, List<List<HeaderField>> lists, String[] blocks, int[] sizes) {
        HpackDecoder d = new HpackDecoder(table, 1 << 16);
        HpackEncoder e = new HpackEncoder(table, huffman);
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(lists.get(i), d.decode(hex(blocks[i])), "decoding block " + (i + 1));
            assertEquals(sizes[i], d.tableSize(), "decoder's table after block " + (i + 1));
            assertEquals(HexFormat.of().formatHex(hex(blocks[i])), HexFormat.of().formatHex(e.encode(lists.get(i))),
                    "encoding list " + (i + 1));
            assertEquals(sizes[i], e.tableSize(), "encoder's table after list " + (i + 1));
        }
    }

    // ---------------------------------------------------------------- Huffman

    @Test
    void huffmanCodesMatchAppendixB() {
        assertEquals(0x1ff8, Huffman.CODES[0]);
        assertEquals(0x7fffd8, Huffman.CODES[1]);
        assertEquals(0x3ffffffc, Huffman.CODES[10]);
        assertEquals(0x14, Huffman.CODES[' ']);
        assertEquals(0x3, Huffman.CODES['a']);
        assertEquals(0x7ffe, Huffman.CODES['{']);
        assertEquals(0xffffffc, Huffman.CODES[127]);
        assertEquals(0x3ffffee, Huffman.CODES[255]);
        assertEquals(0x3fffffff, Huffman.CODES[256]);
    }

    @Test
    void huffmanRoundTripsEveryOctet() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 2000; round++) {
            char[] c = new char[rnd.nextInt(40)];
            for (int i = 0; i < c.length; i++) c[i] = (char) rnd.nextInt(256);
            String s = new String(c);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Huffman.encode(s, out);
            byte[] b = out.toByteArray();
            assertEquals(Huffman.encodedLength(s), b.length);
            assertEquals(s, Huffman.decode(b, 0, b.length, 1000));
        }
    }

    @Test
    void huffmanRefusesLongPaddingBadPaddingAndEos() {
        // "a" is 00011: padded with 111 is right; a whole byte of padding more is not
        assertEquals("a", Huffman.decode(hex("1f"), 0, 1, 10));
        Http2Exception e = assertThrows(Http2Exception.class, () -> Huffman.decode(hex("1fff"), 0, 2, 10));
        assertTrue(e.getMessage().contains("longer than 7 bits"), e.getMessage());
        e = assertThrows(Http2Exception.class, () -> Huffman.decode(hex("18"), 0, 1, 10)); // padded with zeros
        assertTrue(e.getMessage().contains("not the prefix of EOS"), e.getMessage());
        e = assertThrows(Http2Exception.class, () -> Huffman.decode(hex("ffffffff"), 0, 4, 10)); // EOS (30 ones)
        assertTrue(e.getMessage().contains("EOS"), e.getMessage());
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
        // and in a header block, as a connection error
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        e = assertThrows(Http2Exception.class, () -> d.decode(hex("0481 18")));
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
    }

    // ---------------------------------------------------------------- round trips and table sizes

    @Test
    void randomListsRoundTripThroughSmallAndLargeTables() {
        SplittableRandom rnd = new SplittableRandom(3);
        String[] names = {":path", "cookie", "x-a", "x-b", "user-agent", "accept", "x-long"};
        for (int table : new int[] {0, 64, 256, 4096}) {
            for (boolean huffman : new boolean[] {false, true}) {
                HpackEncoder e = new HpackEncoder(table, huffman);
                HpackDecoder d = new HpackDecoder(table, 1 << 20);
                for (int block = 0; block < 200; block++) {
                    List<HeaderField> l = new ArrayList<>();
                    for (int i = rnd.nextInt(12); i > 0; i--) {
                        l.add(new HeaderField(names[rnd.nextInt(names.length)], "v" + rnd.nextInt(20) + "x".repeat(rnd.nextInt(80))));
                    }
                    assertEquals(l, d.decode(e.encode(l)));
                    assertEquals(e.tableSize(), d.tableSize());
                    assertTrue(d.tableSize() <= table);
                }
            }
        }
    }

    @Test
    void encoderAnnouncesTableSizeChangesTheDecoderFollows() {
        HpackEncoder e = new HpackEncoder(4096, true);
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        d.decode(e.encode(fields("x-a", "1", "x-b", "2")));
        assertEquals(2, d.tableEntries());
        e.setMaxTableSize(0);
        e.setMaxTableSize(100);
        byte[] b = e.encode(fields("x-c", "3"));
        assertEquals(0x20, b[0] & 0xff); // size 0 first (the smallest), then 100
        assertEquals(0x3f, b[1] & 0xff);
        assertEquals(fields("x-c", "3"), d.decode(b));
        assertEquals(1, d.tableEntries());
    }

    @Test
    void aRepeatedHeadIsTheSameBlockUntilTheTableChanges() {
        HpackEncoder e = new HpackEncoder(4096, true);
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        List<HeaderField> hello = fields(":status", "200", "content-type", "text/plain", "content-length", "13");
        List<HeaderField> other = fields(":status", "404", "content-type", "text/html", "x-trace", "abc");
        List<byte[]> blocks = new ArrayList<>();
        // the first block adds to the table; the second finds every field in it (and is kept); the third is the kept one
        for (List<HeaderField> l : List.of(hello, hello, new ArrayList<>(hello), other, hello, other, other)) {
            byte[] b = e.encode(l);
            blocks.add(b);
            assertEquals(l, d.decode(b), "the decoder stays in step");
            assertEquals(e.tableSize(), d.tableSize());
        }
        assertArrayEquals(blocks.get(1), blocks.get(2));
        assertEquals(3, blocks.get(1).length, "three indexed fields");
        assertFalse(java.util.Arrays.equals(blocks.get(1), blocks.get(4)), "two fields added since: the indexes moved");
        e.setMaxTableSize(0); // the table empties: the kept block's indexes are no more
        byte[] afterResize = e.encode(hello);
        assertEquals(0x20, afterResize[0] & 0xff, "the size update comes first");
        assertEquals(hello, d.decode(afterResize));
        assertEquals(hello, d.decode(e.encode(hello)));
        assertEquals(0, d.tableSize());
    }

    // ---------------------------------------------------------------- bounds against a hostile encoder

    @Test
    void aSizeUpdateOverTheAdvertisedTableSizeIsRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HpackEncoder.writeInt(out, 0x20, 5, 1 << 20);
        Http2Exception e = assertThrows(Http2Exception.class, () -> d.decode(out.toByteArray()));
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
        assertTrue(e.getMessage().contains("over the allowed 4096"), e.getMessage());
    }

    @Test
    void aSizeUpdateAfterAFieldIsRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        Http2Exception e = assertThrows(Http2Exception.class, () -> d.decode(hex("82 20")));
        assertTrue(e.getMessage().contains("after a header field"), e.getMessage());
    }

    @Test
    void hpackBombIsRefusedWithinTheListBound() {
        // One 4 KiB-ish entry in the table, then a block of 16,000 one-byte references to it: 64 MB decoded.
        int maxList = 64 * 1024;
        HpackDecoder d = new HpackDecoder(4096, maxList);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String big = "b".repeat(4000);
        out.write(0x40);
        HpackEncoder.writeInt(out, 0, 7, 3);
        out.writeBytes("x-b".getBytes());
        HpackEncoder.writeInt(out, 0, 7, big.length());
        out.writeBytes(big.getBytes());
        for (int i = 0; i < 16_000; i++) out.write(0x80 | 62); // dynamic index 1
        byte[] block = out.toByteArray();
        assertTrue(block.length < 21_000);
        long before = allocated();
        Http2Exception e = assertThrows(Http2Exception.class, () -> d.decode(block));
        long cost = allocated() - before;
        assertEquals(ErrorCode.COMPRESSION_ERROR, e.code());
        assertTrue(e.getMessage().contains("SETTINGS_MAX_HEADER_LIST_SIZE"), e.getMessage());
        assertTrue(cost < 4 * 1024 * 1024, "decoding the bomb allocated " + cost + " bytes");
    }

    @Test
    void aLiteralLongerThanTheListBoundIsRefusedBeforeItIsCopied() {
        HpackDecoder d = new HpackDecoder(4096, 1000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x00);
        HpackEncoder.writeInt(out, 0, 7, 3);
        out.writeBytes("x-a".getBytes());
        HpackEncoder.writeInt(out, 0, 7, 5000);
        out.writeBytes(new byte[5000]);
        Http2Exception e = assertThrows(Http2Exception.class, () -> d.decode(out.toByteArray()));
        assertTrue(e.getMessage().contains("SETTINGS_MAX_HEADER_LIST_SIZE"), e.getMessage());
        // a Huffman literal expanding past the bound, too
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x00);
        HpackEncoder.writeInt(h, 0, 7, 3);
        h.writeBytes("x-a".getBytes());
        ByteArrayOutputStream coded = new ByteArrayOutputStream();
        Huffman.encode("0".repeat(3000), coded); // 5 bits each: 1875 bytes for 3000
        HpackEncoder.writeInt(h, 0x80, 7, coded.size());
        h.writeBytes(coded.toByteArray());
        e = assertThrows(Http2Exception.class, () -> new HpackDecoder(4096, 2500).decode(h.toByteArray()));
        assertTrue(e.getMessage().contains("SETTINGS_MAX_HEADER_LIST_SIZE"), e.getMessage());
    }

    @Test
    void truncatedAndOutOfRangeRepresentationsAreRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 16);
        for (String bad : new String[] {"80", "be", "ff00", "400a 6375", "0481", "04"}) {
            Http2Exception e = assertThrows(Http2Exception.class, () -> d.decode(hex(bad)), bad);
            assertEquals(ErrorCode.COMPRESSION_ERROR, e.code(), bad);
        }
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
