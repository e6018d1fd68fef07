package io.jasyncio.http.h2;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes header blocks (RFC 7541 §6) into header lists, keeping the dynamic table the peer's encoder fills.
 *
 * <p>Bounded whatever the peer sends: a decoded list over {@link #maxHeaderListSize()} (SETTINGS_MAX_HEADER_LIST_SIZE,
 * counted as RFC 9113 §6.5.2 does: each field's length plus 32) is refused as soon as it crosses the bound, before
 * the field is copied, so a small block of indexed references to a large table entry (an "HPACK bomb") costs no more
 * than the bound. A dynamic table size update above the size this decoder allows (its SETTINGS_HEADER_TABLE_SIZE),
 * or one not at the start of a block, is refused, as are indexes outside the table, truncated representations,
 * integers over 2^31 - 1 and bad Huffman coding. Every refusal is a connection error COMPRESSION_ERROR: the table
 * state can no longer be trusted.
 *
 * <p>Threading: one connection's, on its thread.
 */
public final class HpackDecoder {
    private final HpackTable table;
    /** The largest dynamic table the peer may ask for (what we advertised as SETTINGS_HEADER_TABLE_SIZE). */
    private int maxTableSize;
    private int maxHeaderListSize;

    /**
     * A decoder allowing a dynamic table of {@code maxTableSize} bytes and header lists of {@code maxHeaderListSize}.
     *
     * @param maxTableSize the largest dynamic table allowed (our SETTINGS_HEADER_TABLE_SIZE)
     * @param maxHeaderListSize the largest header list accepted (our SETTINGS_MAX_HEADER_LIST_SIZE)
     * @throws IllegalArgumentException if a size is negative
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) throw new IllegalArgumentException("sizes must be >= 0");
        this.table = new HpackTable(maxTableSize);
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** {@return the largest header list accepted, in HPACK bytes} */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /**
     * The dynamic table's current size in bytes (RFC 7541 §4.1).
     *
     * @return the size
     */
    public int tableSize() {
        return table.size();
    }

    /**
     * How many entries the dynamic table holds.
     *
     * @return the number of entries
     */
    public int tableEntries() {
        return table.dynamicCount();
    }

    /**
     * Decodes a whole header block.
     *
     * @param block the header block
     * @return the fields, in order
     * @throws Http2Exception a COMPRESSION_ERROR connection error when the block is malformed or too large
     */
    public List<HeaderField> decode(byte[] block) {
        return decode(block, 0, block.length);
    }

    /**
     * Decodes the header block of {@code len} bytes at {@code off}.
     *
     * @param b the array holding the block
     * @param off where the block starts
     * @param len the block's length
     * @return the fields, in order
     * @throws Http2Exception a COMPRESSION_ERROR connection error when the block is malformed or too large
     */
    public List<HeaderField> decode(byte[] b, int off, int len) {
        List<HeaderField> out = new ArrayList<>();
        int end = off + len;
        int[] pos = {off};
        long listSize = 0;
        boolean fieldSeen = false;
        while (pos[0] < end) {
            int first = b[pos[0]] & 0xff;
            HeaderField f;
            if ((first & 0x80) != 0) { // indexed field (§6.1)
                int index = readInt(b, pos, end, 7);
                if (index == 0) throw error("HPACK index 0");
                f = table.get(index);
            } else if ((first & 0xe0) == 0x20) { // dynamic table size update (§6.3)
                if (fieldSeen) throw error("a dynamic table size update after a header field (RFC 7541 §4.2)");
                int size = readInt(b, pos, end, 5);
                if (size > maxTableSize) throw error("a dynamic table size update to " + size + " over the allowed " + maxTableSize);
                table.setMaxSize(size);
                continue;
            } else {
                boolean index = (first & 0xc0) == 0x40; // with incremental indexing (§6.2.1), else without / never (§6.2.2-3)
                int nameIndex = readInt(b, pos, end, index ? 6 : 4);
                long room = maxHeaderListSize - listSize - 32;
                String name = nameIndex == 0 ? readString(b, pos, end, room) : table.get(nameIndex).name();
                String value = readString(b, pos, end, room - name.length());
                f = new HeaderField(name, value);
                if (index) table.add(f);
            }
            fieldSeen = true;
            listSize += f.size();
            if (listSize > maxHeaderListSize) {
                throw error("a header list over " + maxHeaderListSize + " bytes (SETTINGS_MAX_HEADER_LIST_SIZE)");
            }
            out.add(f);
        }
        return out;
    }

    private static Http2Exception error(String message) {
        return Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, message);
    }

    /** An integer with an {@code n}-bit prefix (§5.1), at most 2^31 - 1. */
    static int readInt(byte[] b, int[] pos, int end, int n) {
        int mask = (1 << n) - 1;
        int v = b[pos[0]++] & mask;
        if (v < mask) return v;
        long value = mask;
        int shift = 0;
        while (true) {
            if (pos[0] >= end) throw error("a truncated HPACK integer");
            int x = b[pos[0]++] & 0xff;
            value += (long) (x & 0x7f) << shift;
            if (value > Integer.MAX_VALUE) throw error("an HPACK integer over 2^31 - 1");
            if ((x & 0x80) == 0) return (int) value;
            shift += 7;
        }
    }

    /** A string literal (§5.2) of at most {@code max} octets (decoded), else a refusal naming the list size bound. */
    private String readString(byte[] b, int[] pos, int end, long max) {
        if (pos[0] >= end) throw error("a truncated HPACK string");
        boolean huffman = (b[pos[0]] & 0x80) != 0;
        int len = readInt(b, pos, end, 7);
        if (len > end - pos[0]) throw error("an HPACK string of " + len + " bytes with " + (end - pos[0]) + " left in the block");
        int cap = (int) Math.max(0, Math.min(max, Integer.MAX_VALUE));
        String s;
        if (huffman) {
            try {
                s = Huffman.decode(b, pos[0], len, cap);
            } catch (Http2Exception e) {
                if (e.getMessage().contains("longer than")) {
                    throw error("a header list over " + maxHeaderListSize + " bytes (SETTINGS_MAX_HEADER_LIST_SIZE)");
                }
                throw e;
            }
        } else {
            if (len > cap) throw error("a header list over " + maxHeaderListSize + " bytes (SETTINGS_MAX_HEADER_LIST_SIZE)");
            s = new String(b, pos[0], len, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        pos[0] += len;
        return s;
    }
}
