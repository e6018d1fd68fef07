package io.jasyncio.http.h2;

import java.io.ByteArrayOutputStream;

/**
 * HPACK's static Huffman code (RFC 7541 §5.2, Appendix B). The code is canonical (codes of one length are
 * consecutive, in symbol order, and each length's first code follows the previous length's last), so the table
 * is kept as the code length of each of the 257 symbols and the codes are derived from it.
 *
 * <p>Decoding refuses what the RFC says must be refused: the EOS symbol inside a string, and padding longer than
 * 7 bits or not made of the most significant bits of EOS (all ones).
 *
 * <p>Threading: stateless; any thread.
 */
final class Huffman {
    private Huffman() {}

    /** Code length in bits of symbols 0..256 (256 is EOS), from RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };
    private static final int EOS = 256;
    /** The code of each symbol, right-aligned. */
    static final int[] CODES = new int[257];
    /**
     * The decoding tree: node {@code n}'s children are {@code TREE[2n]} (bit 0) and {@code TREE[2n+1]} (bit 1);
     * a child {@code >= 0} is a node, {@code -1-s} is symbol {@code s}'s leaf. Node 0 is the root.
     */
    private static final int[] TREE;

    static {
        // canonical assignment: by length, then by symbol
        int code = 0;
        int prevLen = 0;
        for (int len = 1; len <= 30; len++) {
            for (int s = 0; s <= EOS; s++) {
                if (LENGTHS[s] != len) continue;
                if (prevLen != 0) code = (code + 1) << (len - prevLen);
                prevLen = len;
                CODES[s] = code;
            }
        }
        int[] tree = new int[2 * 256];
        java.util.Arrays.fill(tree, Integer.MIN_VALUE);
        int nodes = 1;
        for (int s = 0; s <= EOS; s++) {
            int node = 0;
            for (int i = LENGTHS[s] - 1; i >= 0; i--) {
                int slot = 2 * node + ((CODES[s] >>> i) & 1);
                if (i == 0) {
                    tree[slot] = -1 - s;
                } else {
                    if (tree[slot] == Integer.MIN_VALUE) tree[slot] = nodes++;
                    node = tree[slot];
                }
            }
        }
        TREE = tree;
    }

    /** The bytes {@code s} (one char per octet) takes Huffman-coded. */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) bits += LENGTHS[s.charAt(i) & 0xff];
        return (int) ((bits + 7) >>> 3);
    }

    /** Appends {@code s} Huffman-coded, padded with the most significant bits of EOS. */
    static void encode(String s, ByteArrayOutputStream out) {
        long acc = 0;
        int n = 0; // bits in acc
        for (int i = 0; i < s.length(); i++) {
            int sym = s.charAt(i) & 0xff;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            n += LENGTHS[sym];
            while (n >= 8) {
                n -= 8;
                out.write((int) (acc >>> n));
            }
        }
        if (n > 0) out.write((int) ((acc << (8 - n)) | (0xff >>> n)));
    }

    /**
     * Decodes {@code len} bytes at {@code off}; the result has one char per octet. Refuses (COMPRESSION_ERROR) an
     * EOS symbol, padding of 8 bits or more, and padding that is not all ones; and a result over {@code max} chars.
     */
    static String decode(byte[] b, int off, int len, int max) {
        StringBuilder sb = new StringBuilder(Math.min(max, len * 8 / 5 + 1));
        int node = 0;
        int depth = 0;       // bits read since the last symbol
        boolean ones = true; // and all of them were 1
        for (int i = off; i < off + len; i++) {
            int v = b[i] & 0xff;
            for (int bit = 7; bit >= 0; bit--) {
                int x = (v >>> bit) & 1;
                int next = TREE[2 * node + x];
                depth++;
                ones &= x == 1;
                if (next < 0) {
                    int sym = -1 - next;
                    if (sym == EOS) throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, "EOS in a Huffman-coded string");
                    if (sb.length() >= max) {
                        throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, "a Huffman-coded string longer than " + max + " bytes");
                    }
                    sb.append((char) sym);
                    node = 0;
                    depth = 0;
                    ones = true;
                } else {
                    node = next;
                }
            }
        }
        if (depth > 7) throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, "Huffman padding longer than 7 bits");
        if (!ones) throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, "Huffman padding that is not the prefix of EOS");
        return sb.toString();
    }
}
