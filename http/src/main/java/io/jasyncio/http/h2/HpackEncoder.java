package io.jasyncio.http.h2;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Encodes header lists into header blocks (RFC 7541 §6): a field in the static or dynamic table as its index,
 * else as a literal added to the dynamic table (named by index when the name is known), strings Huffman-coded
 * unless that is longer. A field larger than the whole table, and any field whose name is in
 * {@link #NEVER_INDEXED} (credentials), is sent as a literal never indexed (§7.1.3).
 *
 * <p>The peer's SETTINGS_HEADER_TABLE_SIZE bounds the table: {@link #setMaxTableSize(int)} changes it, and the next
 * block starts with the size updates the change requires (the smallest size the table went through, then the new one).
 *
 * <p>A block that left the table as it found it (every field already in it, or never indexed) is kept with its
 * fields: the same fields, the table unchanged since, make the same bytes, copied without encoding again (a server
 * answering many requests alike sends the same response head over and over).
 *
 * <p>Threading: one connection's, on its thread.
 */
public final class HpackEncoder {
    /** Names whose values are never put in a table (RFC 7541 §7.1.3). */
    static final java.util.Set<String> NEVER_INDEXED = java.util.Set.of("authorization", "proxy-authorization");
    private final HpackTable table;
    private final boolean huffman;
    /** A size update owed at the start of the next block: the smallest the table went to, and the final size. */
    private int pendingMin = -1;
    private int pendingFinal = -1;
    /** The last block that changed nothing in the table, the fields it encodes, and the table's version then. */
    private List<HeaderField> keptFields;
    private byte[] keptBlock;
    private long keptVersion = -1;

    /** An encoder with a 4096-byte table (the protocol's default), Huffman coding when shorter. */
    public HpackEncoder() {
        this(4096, true);
    }

    /**
     * An encoder with a table of {@code maxTableSize} bytes.
     *
     * @param maxTableSize the dynamic table's largest size, the peer's SETTINGS_HEADER_TABLE_SIZE
     * @param huffman whether to Huffman-code strings when that is shorter
     */
    public HpackEncoder(int maxTableSize, boolean huffman) {
        this.table = new HpackTable(maxTableSize);
        this.huffman = huffman;
    }

    /**
     * The peer changed SETTINGS_HEADER_TABLE_SIZE: the table follows, and the next block says so.
     *
     * @param size the new largest size, 0 or more
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public void setMaxTableSize(int size) {
        if (size < 0) throw new IllegalArgumentException("table size must be >= 0: " + size);
        if (size == table.maxSize() && pendingFinal < 0) return;
        pendingMin = pendingMin < 0 ? Math.min(size, table.maxSize()) : Math.min(pendingMin, size);
        pendingFinal = size;
        table.setMaxSize(size);
    }

    /**
     * The dynamic table's current size in bytes.
     *
     * @return the size
     */
    public int tableSize() {
        return table.size();
    }

    /**
     * Encodes a header list as one block, updating the dynamic table.
     *
     * @param fields the fields, pseudo-headers first
     * @return the header block
     */
    public byte[] encode(List<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        encode(fields, out);
        return out.toByteArray();
    }

    /**
     * Encodes a header list as one block into {@code out}, updating the dynamic table.
     *
     * @param fields the fields, pseudo-headers first
     * @param out where the block is written
     */
    public void encode(List<HeaderField> fields, ByteArrayOutputStream out) {
        long version = table.version();
        if (version == keptVersion && pendingFinal < 0 && fields.equals(keptFields)) {
            out.write(keptBlock, 0, keptBlock.length);
            return;
        }
        int start = out.size();
        encodeFields(fields, out);
        if (table.version() == version && start == 0) {
            keptFields = List.copyOf(fields);
            keptBlock = out.toByteArray();
            keptVersion = version;
        }
    }

    private void encodeFields(List<HeaderField> fields, ByteArrayOutputStream out) {
        if (pendingFinal >= 0) {
            if (pendingMin < pendingFinal) writeInt(out, 0x20, 5, pendingMin);
            writeInt(out, 0x20, 5, pendingFinal);
            pendingMin = pendingFinal = -1;
        }
        for (HeaderField f : fields) {
            boolean never = NEVER_INDEXED.contains(f.name());
            int i = never ? 0 : table.indexOf(f);
            if (i > 0) {
                writeInt(out, 0x80, 7, i);
                continue;
            }
            int nameIndex = table.indexOfName(f.name());
            if (never || f.size() > table.maxSize()) {
                writeInt(out, never ? 0x10 : 0x00, 4, nameIndex);
            } else {
                writeInt(out, 0x40, 6, nameIndex);
                table.add(f);
            }
            if (nameIndex == 0) writeString(out, f.name());
            writeString(out, f.value());
        }
    }

    /** An integer with an {@code n}-bit prefix (§5.1), the prefix's other bits being {@code flags}. */
    static void writeInt(ByteArrayOutputStream out, int flags, int n, int value) {
        int mask = (1 << n) - 1;
        if (value < mask) {
            out.write(flags | value);
            return;
        }
        out.write(flags | mask);
        value -= mask;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private void writeString(ByteArrayOutputStream out, String s) {
        if (huffman) {
            int h = Huffman.encodedLength(s);
            if (h <= s.length()) {
                writeInt(out, 0x80, 7, h);
                Huffman.encode(s, out);
                return;
            }
        }
        writeInt(out, 0x00, 7, s.length());
        for (int i = 0; i < s.length(); i++) out.write(s.charAt(i));
    }
}
