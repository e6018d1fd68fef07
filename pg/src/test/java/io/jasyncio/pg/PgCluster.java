package io.jasyncio.pg;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL 15 cluster for the tests, made once per test JVM: {@code initdb} in a temporary
 * directory, a free TCP port on localhost and a Unix socket directory, TLS with a self-signed certificate made
 * by {@code openssl} now, and these roles:
 *
 * <ul>
 * <li>{@code postgres}: superuser, trust (TCP and socket)
 * <li>{@code md5_user} / {@code md5pw}: md5 (its password stored as MD5)
 * <li>{@code scram_user} / {@code scrampw}: scram-sha-256
 * <li>{@code pw_user} / {@code clearpw}: password (cleartext)
 * <li>{@code ssl_user} / {@code sslpw}: scram-sha-256, TLS connections only (hostssl)
 * </ul>
 *
 * Stopped and deleted by a shutdown hook (also when tests fail). The server runs as the {@code postgres} OS user
 * when the tests run as root (initdb refuses root), else as the current user. Without Debian's postgresql-15
 * ({@code .ci/run} installs it) the tests that need it are skipped, saying so.
 */
final class PgCluster {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static PgCluster instance;
    private static String unavailable;

    final Path dir;
    final Path data;
    final Path socketDir;
    final Path rootCert;
    int port;
    final boolean tls;

    private PgCluster(Path dir, int port, boolean tls) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.socketDir = dir.resolve("sock");
        this.rootCert = dir.resolve("server.crt");
        this.port = port;
        this.tls = tls;
    }

    /** The cluster, started on first use; skips the calling test if PostgreSQL 15 is not installed. */
    static synchronized PgCluster get() {
        if (instance == null && unavailable == null) {
            try {
                instance = start();
            } catch (Exception e) {
                unavailable = e.getMessage();
            }
        }
        if (instance == null && "true".equals(System.getenv("CI"))) {
            // CI installs postgresql-15 (.ci/run): a cluster that will not start there is a failure, not a skip.
            throw new IllegalStateException("no PostgreSQL server for the tests (CI=true, so this fails rather than "
                    + "skips): " + unavailable);
        }
        Assumptions.assumeTrue(instance != null, () -> "no PostgreSQL server for the tests: " + unavailable);
        return instance;
    }

    /** A DSN for {@code user} over TCP on localhost (sslmode disable unless given in {@code extra}). */
    String dsn(String user, String password, String extra) {
        String auth = password == null ? user : user + ":" + password;
        String q = extra == null || extra.isEmpty() ? "sslmode=disable" : extra.contains("sslmode") ? extra : "sslmode=disable&" + extra;
        return "postgresql://" + auth + "@127.0.0.1:" + port + "/postgres?" + q;
    }

    /** The superuser over TCP, no TLS. */
    String dsn() {
        return dsn("postgres", null, null);
    }

    ConnectOptions options() {
        return ConnectOptions.parse(dsn());
    }

    /** Runs SQL as the superuser with psql over the Unix socket (set-up outside the driver under test). */
    void psql(String sql) throws IOException, InterruptedException {
        run(List.of(BIN.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDir.toString(),
                "-p", String.valueOf(port), "-U", "postgres", "-d", "postgres", "-c", sql), false);
    }

    private static PgCluster start() throws Exception {
        if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
            throw new IllegalStateException(BIN + "/initdb not found: install Debian's postgresql-15 "
                    + "(apt-get install postgresql-15; .ci/run does)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("jasyncio-pg-");
        int port = freePort();
        PgCluster c = new PgCluster(dir, port, which("openssl"));
        Runtime.getRuntime().addShutdownHook(new Thread(c::destroy, "pg-cluster-cleanup"));
        Files.createDirectories(c.socketDir);
        if (root) run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        c.asServerUser(List.of(BIN.resolve("initdb").toString(), "-D", c.data.toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C", "-N"));
        if (c.tls) {
            c.asServerUser(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", dir.resolve("server.key").toString(), "-out", c.rootCert.toString()));
            c.asServerUser(List.of("chmod", "600", dir.resolve("server.key").toString()));
        }
        String conf = String.join("\n",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + c.socketDir + "'",
                "ssl = " + (c.tls ? "on" : "off"),
                "ssl_cert_file = '" + c.rootCert + "'",
                "ssl_key_file = '" + dir.resolve("server.key") + "'",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off",
                "max_connections = 200", "shared_buffers = 32MB",
                "password_encryption = 'scram-sha-256'", "");
        String hba = String.join("\n",
                "local all md5_user md5",
                "local all scram_user scram-sha-256",
                "local all all trust",
                "hostnossl all ssl_user 127.0.0.1/32 reject",
                "host all md5_user 127.0.0.1/32 md5",
                "host all scram_user 127.0.0.1/32 scram-sha-256",
                "host all pw_user 127.0.0.1/32 password",
                "host all ssl_user 127.0.0.1/32 scram-sha-256",
                "host all all 127.0.0.1/32 trust", "");
        c.asServerUser(List.of("sh", "-c", "cat >> '" + c.data.resolve("postgresql.conf") + "' <<'EOF'\n" + conf + "EOF\n"
                + "cat > '" + c.data.resolve("pg_hba.conf") + "' <<'EOF'\n" + hba + "EOF\n"));
        c.startServer();
        c.psql("SET password_encryption = 'md5'; CREATE ROLE md5_user LOGIN PASSWORD 'md5pw'; "
                + "SET password_encryption = 'scram-sha-256'; CREATE ROLE scram_user LOGIN PASSWORD 'scrampw'; "
                + "CREATE ROLE pw_user LOGIN PASSWORD 'clearpw'; CREATE ROLE ssl_user LOGIN PASSWORD 'sslpw';");
        return c;
    }

    /**
     * Starts the server; the free port was only free when probed, so another process (other test JVMs, other
     * users of this machine) may take it before the postmaster binds: then try again on a new port.
     */
    private void startServer() throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                asServerUser(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                        dir.resolve("server.log").toString(), "-w", "-t", "120", "start"));
                return;
            } catch (IOException e) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                if (attempt == 5 || !log.contains("could not bind") && !log.contains("could not create any TCP/IP sockets")
                        && !log.contains("lock file")) {
                    throw new IOException(e.getMessage() + "\nserver.log:\n" + log, e);
                }
                port = freePort(); // a later "port =" line overrides the earlier one
                asServerUser(List.of("sh", "-c", "echo 'port = " + port + "' >> '" + data.resolve("postgresql.conf") + "'"));
            }
        }
    }

    private void asServerUser(List<String> cmd) throws IOException, InterruptedException {
        run(cmd, "root".equals(System.getProperty("user.name")));
    }

    private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + full);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed (" + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static boolean which(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the server (immediate: it is a throwaway) and deletes the directory. */
    private void destroy() {
        try {
            asServerUser(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        } catch (Exception e) {
            System.err.println("[pg-cluster] stopping the test server failed: " + e.getMessage());
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[pg-cluster] deleting " + dir + " failed: " + e.getMessage());
        }
    }
}
