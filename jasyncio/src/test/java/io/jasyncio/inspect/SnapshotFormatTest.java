package io.jasyncio.inspect;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.TaskDump.Row;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The snapshot's way from the inspected JVM to {@code jasyncio ps}, and the agent jar that gets it there. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SnapshotFormatTest {

    private static Inspector.Snapshot roundTrip(List<Row> rows, List<String> errors) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SnapshotFormat.Writer w = new SnapshotFormat.Writer(bytes)) {
            for (Row r : rows) w.row(r);
            for (String e : errors) w.loopError(e);
        }
        return SnapshotFormat.read(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void rowsAndLoopErrorsComeBackAsTheyWere() throws IOException {
        List<Row> rows = List.of(
                new Row("main", 0xffffffffL, "Task-1", "awaiting", List.of("TaskGroup.exit (TaskGroup.java:136)"), List.of()),
                new Row("main", 7, "naïve\ttab,comma\nnewline ✓", "parked",
                        List.of("Event.await (Event.java:53)", "A.b (A.java:1)"), List.of(0xffffffffL, 3L)),
                new Row("loop-2", 9, "", "ready", List.of(), List.of(7L)));
        Inspector.Snapshot s = roundTrip(rows, List.of("loop-3: did not answer within 10000 ms"));
        assertEquals(rows, s.rows());
        assertEquals(List.of("loop loop-3: did not answer within 10000 ms"), s.loopErrors());
    }

    @Test
    void tenThousandTasksAtTheSamePlaceShareTheirStrings() throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> frames = List.of("Event.await (Event.java:53)", "PsFixture.workerWaits (PsFixture.java:24)");
        for (int i = 0; i < 10_000; i++) rows.add(new Row("main", i, "worker-" + i, "parked", frames, List.of(1L)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SnapshotFormat.Writer w = new SnapshotFormat.Writer(bytes)) {
            for (Row r : rows) w.row(r);
        }
        // per task: its record (tag, 3 indexes, id, frame count, 2 frames, awaiter count, 1 awaiter) and its name
        int perTask = 1 + 4 + 8 + 4 + 4 + 4 + 2 * 4 + 4 + 8 + (1 + 4 + "worker-9999".length());
        assertTrue(bytes.size() < 10_000 * perTask + 1_000, bytes.size() + " bytes");
        assertEquals(rows, SnapshotFormat.read(new ByteArrayInputStream(bytes.toByteArray())).rows());
    }

    @Test
    void aSnapshotInAnotherFormatIsNamedAsSuch() {
        byte[] oldTextForm = "T\tmain\t1\tTask-1\tready\t\t\n".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class,
                () -> SnapshotFormat.read(new ByteArrayInputStream(oldTextForm)));
        assertTrue(e.getMessage().contains("another version"), e.getMessage());
    }

    @Test
    void theAgentJarNamesTheAgentInItsManifest() throws IOException {
        byte[] jar = Inspector.agentJar(("Manifest-Version: 1.0\r\nAgent-Class: " + InspectAgent.class.getName()
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            assertEquals(InspectAgent.class.getName(), in.getManifest().getMainAttributes().getValue("Agent-Class"));
            assertNull(in.getNextJarEntry(), "nothing but the manifest");
        }
    }
}
