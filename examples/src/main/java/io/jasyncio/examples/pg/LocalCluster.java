package io.jasyncio.examples.pg;

import io.jasyncio.subprocess.ProcessOutput;
import io.jasyncio.subprocess.Subprocess;
import io.jasyncio.subprocess.SubprocessOptions;
import io.jasyncio.subprocess.Subprocesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL 15 cluster for {@code pg-demo --local}: {@code initdb} in a temporary directory, a free port
 * on 127.0.0.1, trust authentication; {@link #close()} stops it and deletes the directory. The server commands run
 * as jasyncio subprocesses (as the {@code postgres} OS user when we are root: initdb refuses root). Needs Debian's
 * postgresql-15 ({@code /usr/lib/postgresql/15/bin}, or the directory in {@code PG_BIN}).
 *
 * <p>Threading: {@link #start()} and {@link #close()} are coroutines of the running loop.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;
    private boolean running;

    private LocalCluster(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** Where Debian's server binaries are (PG_BIN overrides), or an explanation of what to install. */
    public static Path binaries() {
        Path bin = Path.of(System.getenv().getOrDefault("PG_BIN", "/usr/lib/postgresql/15/bin"));
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("no PostgreSQL server binaries in " + bin + ": install postgresql-15 "
                    + "(apt-get install postgresql-15), or set PG_BIN, or give --dsn of a running server");
        }
        return bin;
    }

    /** Creates and starts the cluster (a few seconds). */
    public static LocalCluster start() throws IOException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("jasyncio-pg-demo-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LocalCluster c = new LocalCluster(bin, dir, port, root);
        try {
            Files.createDirectories(dir.resolve("sock"));
            if (root) c.run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
            c.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--locale=C", "-N"), true);
            String conf = "port = " + port + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '"
                    + dir.resolve("sock") + "'\nfsync = off\n";
            c.run(List.of("sh", "-c", "cat >> '" + dir.resolve("data/postgresql.conf") + "'"), true,
                    conf.getBytes(StandardCharsets.UTF_8));
            c.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "120", "start"), true);
            c.running = true;
            return c;
        } catch (IOException | RuntimeException e) {
            // pg_ctl -w can give up (-t) while the postmaster goes on starting: stop whatever left a pid file.
            c.running = Files.exists(dir.resolve("data/postmaster.pid"));
            try {
                c.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** The superuser's DSN (TCP, no TLS). */
    public String dsn() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable";
    }

    private void run(List<String> cmd, boolean serverUser) throws IOException {
        run(cmd, serverUser, null);
    }

    private void run(List<String> cmd, boolean serverUser, byte[] input) throws IOException {
        List<String> full = new ArrayList<>();
        if (serverUser && asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(cmd);
        SubprocessOptions o = SubprocessOptions.DEFAULTS.stdin(input == null ? Subprocesses.DEVNULL : Subprocesses.PIPE)
                .stdout(Subprocesses.PIPE).stderr(Subprocesses.STDOUT);
        try (Subprocess p = Subprocesses.createSubprocessExec(full, o)) {
            ProcessOutput out = input == null ? p.communicate() : p.communicate(input);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", full) + " failed: " + new String(out.stdout(), StandardCharsets.UTF_8).strip());
            }
        }
    }

    /** Stops the server (immediately: it is a throwaway) and deletes its directory. Idempotent. */
    @Override
    public void close() throws IOException {
        if (running) {
            running = false;
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), true);
        }
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
