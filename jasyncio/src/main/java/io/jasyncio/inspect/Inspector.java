package io.jasyncio.inspect;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import io.jasyncio.TaskDump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.zip.CRC32;

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

    /**
     * A snapshot of another JVM: the tasks of its loops, and a line per loop that could not answer.
     *
     * @param rows the tasks of every loop that answered
     * @param loopErrors one line per loop that could not answer, saying why
     */
    public record Snapshot(List<TaskDump.Row> rows, List<String> loopErrors) {}

    /**
     * Takes the snapshot of the JVM {@code pid}: attaches, loads the agent and reads what it wrote.
     *
     * @param pid the process id of a JVM of the same user with jasyncio on its class path
     * @return the snapshot
     * @throws InspectionException if the JVM cannot be attached to or the agent fails; the message says why
     */
    public static Snapshot snapshot(long pid) throws InspectionException {
        Path dir = null;
        try {
            dir = privateDirectory();
            Path jar = dir.resolve("jasyncio-inspect-agent.jar");
            Files.write(jar, AGENT_JAR);
            Path out = dir.resolve("tasks.bin");
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
            try (InputStream in = Files.newInputStream(out)) {
                return SnapshotFormat.read(in);
            }
        } catch (IOException e) {
            throw new InspectionException("inspecting process " + pid + " failed: " + e.getMessage());
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    /**
     * A new directory only this user can enter, under {@code java.io.tmpdir}. Not {@code Files.createTempDirectory}:
     * its random name comes from a {@code SecureRandom}, whose providers cost a cold JVM ~0.1 s of a {@code ps}
     * that should take well under a second; a name made of our pid and the clock, created exclusively (it fails if
     * the name exists, and we try the next), is as private.
     */
    private static Path privateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        boolean posix = tmp.getFileSystem().supportedFileAttributeViews().contains("posix");
        String prefix = "jasyncio-ps-" + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path dir = tmp.resolve(prefix + Long.toHexString(System.nanoTime()));
            try {
                return posix ? Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------"))) : Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) throw e;
            }
        }
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

    private static final String MANIFEST_NAME = "META-INF/MANIFEST.MF";

    /**
     * The agent jar: nothing but a manifest naming {@link InspectAgent}, stored uncompressed. Laid out here (the zip
     * format's local header, central directory and end record) rather than written with {@code JarOutputStream},
     * whose deflater, manifest and time-zone classes cost a cold JVM ~0.1 s; the target's JVM reads it with its
     * own zip reader.
     */
    private static final byte[] AGENT_JAR = agentJar(("Manifest-Version: 1.0\r\nAgent-Class: "
            + InspectAgent.class.getName() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));

    static byte[] agentJar(byte[] manifest) {
        byte[] name = MANIFEST_NAME.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(manifest);
        int dosDate = (1 << 5) | 1; // 1980-01-01, the zip format's epoch; time 00:00
        ByteBuffer b = ByteBuffer.allocate(30 + name.length + manifest.length + 46 + name.length + 22)
                .order(ByteOrder.LITTLE_ENDIAN);
        // local file header
        b.putInt(0x04034b50).putShort((short) 10).putShort((short) 0).putShort((short) 0) // version, flags, stored
                .putShort((short) 0).putShort((short) dosDate).putInt((int) crc.getValue())
                .putInt(manifest.length).putInt(manifest.length).putShort((short) name.length).putShort((short) 0)
                .put(name).put(manifest);
        int centralAt = b.position();
        // central directory: the one entry
        b.putInt(0x02014b50).putShort((short) 20).putShort((short) 10).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) dosDate).putInt((int) crc.getValue())
                .putInt(manifest.length).putInt(manifest.length).putShort((short) name.length)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt(0) // offset of the local header
                .put(name);
        int centralSize = b.position() - centralAt;
        // end of central directory
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(centralSize).putInt(centralAt).putShort((short) 0);
        return b.array();
    }

    /** Deletes what this class put in {@code dir}, then {@code dir}. */
    private static void deleteQuietly(Path dir) {
        for (String f : new String[] {"jasyncio-inspect-agent.jar", "tasks.bin", "tasks.bin.part"}) {
            dir.resolve(f).toFile().delete();
        }
        dir.toFile().delete(); // left behind (harmless) only if something else was put in it
    }

    /** Inspection failed for a reason the user can act on; the message says which. */
    public static final class InspectionException extends Exception {
        /**
         * An inspection failure.
         *
         * @param message what went wrong and what to do
         */
        public InspectionException(String message) {
            super(message);
        }
    }
}
