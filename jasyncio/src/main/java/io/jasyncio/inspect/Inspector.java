package io.jasyncio.inspect;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.jasyncio.TaskDump;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The client side of {@code jasyncio ps/pstree PID}: attaches to another JVM of the same user with the JDK's
 * Attach API (module {@code jdk.attach}), loads {@link InspectAgent} into it from a manifest-only jar (the agent's
 * classes are the ones the program already has: jasyncio must be on its class path) and reads back the snapshot
 * the agent wrote into a private temporary directory. No port is opened, on either side.
 *
 * <p>Threading: blocking; call from a plain thread, not from a loop.
 */
public final class Inspector {
    private Inspector() {}

    /** A snapshot of another JVM: the tasks of its loops, and a line per loop that could not answer. */
    public record Snapshot(List<TaskDump.Row> rows, List<String> loopErrors) {}

    /** Takes the snapshot of the JVM {@code pid}. */
    public static Snapshot snapshot(long pid) throws InspectionException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jasyncio-ps");
            Path jar = dir.resolve("jasyncio-inspect-agent.jar");
            writeAgentJar(jar);
            Path out = dir.resolve("tasks.txt");
            VirtualMachine vm = attach(pid);
            try {
                vm.loadAgent(jar.toString(), out.toString());
            } catch (AgentLoadException | AgentInitializationException e) {
                throw new InspectionException("process " + pid + " could not run the jasyncio inspection agent (is"
                        + " jasyncio on its class path? a program whose classes come from its own class loader cannot"
                        + " be inspected): " + e.getMessage());
            } finally {
                vm.detach();
            }
            return parse(Files.readAllLines(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InspectionException("inspecting process " + pid + " failed: " + e.getMessage());
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    static Snapshot parse(List<String> lines) {
        List<TaskDump.Row> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("E\t")) errors.add("loop " + l.substring(2));
            else if (!l.isEmpty()) rows.add(TaskTables.decode(l));
        }
        return new Snapshot(rows, errors);
    }

    private static VirtualMachine attach(long pid) throws InspectionException {
        if (pid == ProcessHandle.current().pid()) throw new InspectionException("cannot inspect this process itself");
        try {
            return VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new InspectionException("cannot attach to process " + pid + ": " + e.getMessage()
                    + " (it must be a running JVM of the same user, started without -XX:+DisableAttachMechanism)");
        }
    }

    private static void writeAgentJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Agent-Class", InspectAgent.class.getName());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(os, m)) {
            j.flush();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless; the snapshot was already read or failed
        }
    }

    /** Inspection failed for a reason the user can act on; the message says which. */
    public static final class InspectionException extends Exception {
        public InspectionException(String message) {
            super(message);
        }
    }
}
