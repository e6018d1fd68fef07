package io.jasyncio.inspect;

import io.jasyncio.TaskDump.Row;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a snapshot travels from the inspected JVM ({@link InspectAgent}) to {@code jasyncio ps} ({@link Inspector}):
 * binary, with every string written once. 10,000 tasks parked at the same line share their frames, state and
 * loop name, so the file is a table of a few hundred strings plus small integers per task, which both sides write
 * and read in milliseconds even in a JVM that never ran this code before (the text form it replaced, one
 * URL-encoded line per task, took 0.4–1.7 s to decode in the {@code ps} JVM and ~0.8 s to encode in the target).
 *
 * <p>Layout: magic, then records, each a tag byte: {@code S} a new string (the next index), {@code T} a task
 * (loop, name, state as string indexes; id; frames as string indexes, innermost first; awaiter ids), {@code E} a
 * loop that could not answer (a string index), {@code .} the end.
 *
 * <p>Threading: a writer or reader is used by one thread.
 */
final class SnapshotFormat {
    private SnapshotFormat() {}

    private static final int MAGIC = 0x4a505331; // "JPS1"

    /** Writes rows and loop errors to {@code out} (closed on return). */
    static final class Writer implements AutoCloseable {
        private final DataOutputStream out;
        private final Map<String, Integer> strings = new HashMap<>();

        Writer(OutputStream os) throws IOException {
            out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
            out.writeInt(MAGIC);
        }

        void row(Row r) throws IOException {
            int loop = string(r.loop()), name = string(r.name()), state = string(r.state());
            int[] frames = new int[r.frames().size()];
            for (int i = 0; i < frames.length; i++) frames[i] = string(r.frames().get(i));
            out.writeByte('T');
            out.writeInt(loop);
            out.writeLong(r.id());
            out.writeInt(name);
            out.writeInt(state);
            out.writeInt(frames.length);
            for (int f : frames) out.writeInt(f);
            out.writeInt(r.awaitedBy().size());
            for (long w : r.awaitedBy()) out.writeLong(w);
        }

        void loopError(String message) throws IOException {
            int m = string(message);
            out.writeByte('E');
            out.writeInt(m);
        }

        private int string(String s) throws IOException {
            Integer known = strings.get(s);
            if (known != null) return known;
            int index = strings.size();
            strings.put(s, index);
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeByte('S');
            out.writeInt(b.length);
            out.write(b);
            return index;
        }

        @Override
        public void close() throws IOException {
            out.writeByte('.');
            out.close();
        }
    }

    /** Reads what a {@link Writer} wrote; the loop errors come back as "loop …" lines. */
    static Inspector.Snapshot read(InputStream is) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16));
        if (in.readInt() != MAGIC) {
            throw new IOException("its jasyncio is another version, whose inspection agent wrote another snapshot"
                    + " format: inspect it with the 'jasyncio ps' of the version it runs");
        }
        List<String> strings = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        while (true) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 'S' -> {
                    byte[] b = new byte[in.readInt()];
                    in.readFully(b);
                    strings.add(new String(b, StandardCharsets.UTF_8));
                }
                case 'T' -> {
                    String loop = strings.get(in.readInt());
                    long id = in.readLong();
                    String name = strings.get(in.readInt());
                    String state = strings.get(in.readInt());
                    String[] frames = new String[in.readInt()];
                    for (int i = 0; i < frames.length; i++) frames[i] = strings.get(in.readInt());
                    Long[] by = new Long[in.readInt()];
                    for (int i = 0; i < by.length; i++) by[i] = in.readLong();
                    rows.add(new Row(loop, id, name, state, List.of(frames), List.of(by)));
                }
                case 'E' -> errors.add("loop " + strings.get(in.readInt()));
                case '.' -> {
                    return new Inspector.Snapshot(rows, errors);
                }
                default -> throw new IOException("corrupt jasyncio snapshot: record tag " + tag);
            }
        }
    }
}
