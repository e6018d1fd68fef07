package io.jasyncio.inspect;

import io.jasyncio.TaskDump.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two views of {@code jasyncio ps} and {@code pstree} (Python 3.14's {@code python -m asyncio ps/pstree}),
 * built from {@link Row}s.
 *
 * <p>Threading: pure functions; any thread.
 */
public final class TaskTables {
    private TaskTables() {}

    /** How many frames of a task the table's "coroutine stack" column shows, innermost first. */
    static final int TABLE_FRAMES = 3;

    /**
     * The table: one line per task and awaiting task (a task nobody awaits has one line with the awaiter columns
     * empty), per loop, as Python's {@code ps}: loop, task id, task name, state, coroutine stack, awaiter name,
     * awaiter id; then the lines of the loops that could not answer.
     *
     * @param rows the tasks
     * @param loopErrors one line per loop that could not answer
     * @return the table, a line per row, each ending in a newline
     */
    public static String table(List<Row> rows, List<String> loopErrors) {
        Map<Long, Row> byId = index(rows);
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"loop", "task id", "task name", "state", "coroutine stack", "awaiter name", "awaiter id"});
        for (Row r : rows) {
            String stack = String.join(" <- ", r.frames().subList(0, Math.min(TABLE_FRAMES, r.frames().size())));
            if (r.awaitedBy().isEmpty()) {
                cells.add(new String[] {r.loop(), hex(r.id()), r.name(), r.state(), stack, "", ""});
            }
            for (long w : r.awaitedBy()) {
                Row a = byId.get(w);
                cells.add(new String[] {r.loop(), hex(r.id()), r.name(), r.state(), stack, a == null ? "?" : a.name(), hex(w)});
            }
        }
        int[] width = new int[cells.get(0).length];
        for (String[] c : cells) for (int i = 0; i < c.length; i++) width[i] = Math.max(width[i], c[i].length());
        StringBuilder sb = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            String[] c = cells.get(n);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                line.append(c[i]);
                if (i < c.length - 1) line.append(" ".repeat(width[i] - c[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (n == 0) sb.append("-".repeat(Arrays.stream(width).sum() + 2 * (width.length - 1))).append('\n');
        }
        for (String e : loopErrors) sb.append(e).append('\n');
        return sb.toString();
    }

    /**
     * The tree, per loop, as Python's {@code pstree}: each task not awaited by another is a root; under a task
     * its frames from the outermost to the innermost, and under the innermost the tasks it awaits; then the
     * lines of the loops that could not answer.
     *
     * @param rows the tasks
     * @param loopErrors one line per loop that could not answer
     * @return the tree, a line per node, each ending in a newline
     */
    public static String tree(List<Row> rows, List<String> loopErrors) {
        Map<String, List<Row>> byLoop = new LinkedHashMap<>();
        for (Row r : rows) byLoop.computeIfAbsent(r.loop(), k -> new ArrayList<>()).add(r);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<Row>> e : byLoop.entrySet()) {
            sb.append("loop ").append(e.getKey()).append('\n');
            Map<Long, Row> byId = index(e.getValue());
            Map<Long, List<Row>> awaited = new HashMap<>(); // awaiter id -> the tasks it awaits
            for (Row r : e.getValue()) {
                for (long w : r.awaitedBy()) awaited.computeIfAbsent(w, k -> new ArrayList<>()).add(r);
            }
            List<Row> roots = new ArrayList<>();
            for (Row r : e.getValue()) {
                boolean hasAwaiter = false;
                for (long w : r.awaitedBy()) hasAwaiter |= byId.containsKey(w);
                if (!hasAwaiter) roots.add(r);
            }
            Set<Long> drawn = new HashSet<>();
            for (int i = 0; i < roots.size(); i++) node(roots.get(i), "", i == roots.size() - 1, awaited, drawn, sb);
            for (Row r : e.getValue()) { // tasks only reachable through a cycle of awaits
                if (!drawn.contains(r.id())) node(r, "", true, awaited, drawn, sb);
            }
        }
        for (String err : loopErrors) sb.append(err).append('\n');
        return sb.toString();
    }

    private static void node(Row r, String prefix, boolean last, Map<Long, List<Row>> awaited, Set<Long> drawn,
                             StringBuilder sb) {
        sb.append(prefix).append(last ? "└── " : "├── ").append("(T) ").append(r.name())
                .append(" [").append(r.state()).append(", ").append(hex(r.id())).append(']');
        if (!drawn.add(r.id())) {
            sb.append(" (cycle: already shown above)\n");
            return;
        }
        sb.append('\n');
        String inner = prefix + (last ? "    " : "│   ");
        List<Row> kids = awaited.getOrDefault(r.id(), List.of());
        for (int i = r.frames().size() - 1; i >= 0; i--) { // outermost first, each inside the one before
            sb.append(inner).append("└──  ").append(r.frames().get(i)).append('\n');
            inner = inner + "    ";
        }
        for (int i = 0; i < kids.size(); i++) node(kids.get(i), inner, i == kids.size() - 1, awaited, drawn, sb);
    }

    private static Map<Long, Row> index(List<Row> rows) {
        Map<Long, Row> m = new HashMap<>();
        for (Row r : rows) m.put(r.id(), r);
        return m;
    }

    private static String hex(long id) {
        return "0x" + Long.toHexString(id);
    }
}
