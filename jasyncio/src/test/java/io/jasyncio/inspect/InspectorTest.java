package io.jasyncio.inspect;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.TaskDump;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jasyncio ps/pstree}: a child JVM runs {@link PsFixture}; we attach and read its tasks. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InspectorTest {

    /**
     * Starts the fixture ({@code args}: workers, and "tree" for its tree form), on this test's engine; returns once
     * it printed READY. Nothing here waits on a clock: every wait ends on an event (a line, an exit), and the
     * class's {@code @Timeout} bounds them all, so a starved machine makes the test slower, not red.
     */
    private static Process startFixture(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading",
                "-Djdk.trackAllThreads=false", "-cp", System.getProperty("java.class.path")));
        String engine = System.getProperty("jasyncio.engine");
        if (engine != null) cmd.add("-Djasyncio.engine=" + engine);
        cmd.add(PsFixture.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY", out.readLine(), "the fixture did not start");
            return p;
        } catch (Throwable e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static void stop(Process p) throws Exception {
        p.getOutputStream().close(); // the fixture ends when its input closes
        try {
            assertEquals(0, p.waitFor(), "the fixture ended badly");
        } finally {
            if (p.isAlive()) p.destroyForcibly(); // interrupted by the class's timeout
        }
    }

    @Test
    void psListsTheTasksOfAnotherJvmWithTheirAwaiters() throws Exception {
        Process p = startFixture("3");
        try {
            Inspector.Snapshot s = Inspector.snapshot(p.pid());
            assertEquals(List.of(), s.loopErrors());
            List<String> names = s.rows().stream().map(TaskDump.Row::name).toList();
            assertTrue(names.containsAll(List.of("supervisor", "worker-0", "worker-1", "worker-2")), names.toString());
            TaskDump.Row supervisor = s.rows().stream().filter(r -> r.name().equals("supervisor")).findFirst().orElseThrow();
            TaskDump.Row worker = s.rows().stream().filter(r -> r.name().equals("worker-1")).findFirst().orElseThrow();
            assertEquals(List.of(supervisor.id()), worker.awaitedBy(), "a gathered worker is awaited by the task gathering");
            assertTrue(worker.frames().stream().anyMatch(f -> f.startsWith("PsFixture.workerWaits (PsFixture.java:")),
                    worker.frames().toString());
            assertEquals("parked", worker.state());
            String table = TaskTables.table(s.rows(), s.loopErrors());
            assertTrue(table.lines().anyMatch(l -> l.contains("worker-2") && l.contains("supervisor")), table);
            String tree = TaskTables.tree(s.rows(), s.loopErrors());
            assertTrue(tree.contains("(T) supervisor"), tree);
            assertTrue(tree.indexOf("(T) supervisor") < tree.indexOf("(T) worker-0"), tree);
        } finally {
            stop(p);
        }
    }

    @Test
    void tenThousandTasksAreListed() throws Exception {
        Process p = startFixture("10000");
        try {
            long t0 = System.nanoTime();
            Inspector.Snapshot s = Inspector.snapshot(p.pid());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("InspectorTest: 10,000 tasks listed in " + ms + " ms");
            assertEquals(List.of(), s.loopErrors());
            assertEquals(10_000, s.rows().stream().filter(r -> r.name().startsWith("worker-")).count());
            assertTrue(TaskTables.table(s.rows(), List.of()).contains("worker-9999"));
        } finally {
            stop(p);
        }
    }

    @Test
    void pstreeDrawsTheTreeOfTaskGroups() throws Exception {
        Process p = startFixture("300", "tree");
        try {
            Inspector.Snapshot s = Inspector.snapshot(p.pid());
            assertEquals(List.of(), s.loopErrors());
            assertEquals(300 + PsFixture.TEAMS + 2, s.rows().size(), "main, supervisor, the teams and the workers");
            TaskDump.Row team = s.rows().stream().filter(r -> r.name().equals("team-7")).findFirst().orElseThrow();
            TaskDump.Row worker = s.rows().stream().filter(r -> r.name().equals("worker-107")).findFirst().orElseThrow();
            assertEquals(List.of(team.id()), worker.awaitedBy(), "a worker is awaited by its team's TaskGroup");
            String tree = TaskTables.tree(s.rows(), s.loopErrors());
            int at = tree.indexOf("(T) team-7 ");
            assertTrue(at > tree.indexOf("(T) supervisor ") && tree.indexOf("(T) worker-107 ") > at, tree);
        } finally {
            stop(p);
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsAnErrorTheUserCanRead() {
        Inspector.InspectionException e = assertThrows(Inspector.InspectionException.class,
                () -> Inspector.snapshot(Integer.MAX_VALUE));
        assertTrue(e.getMessage().startsWith("cannot attach to process " + Integer.MAX_VALUE), e.getMessage());
    }
}
