package io.jasyncio.pg;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.pg.PostgresErrors.InvalidAuthorizationSpecificationError;
import io.jasyncio.pg.PostgresErrors.InvalidPasswordError;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connecting: DSNs, Unix sockets, each authentication method, TLS modes and channel binding, connect timeout. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectTest {
    static PgCluster pg;

    @BeforeAll
    static void server() {
        pg = PgCluster.get();
    }

    private static String whoAndTls(Connection c) {
        Record r = c.fetchrow("SELECT current_user, coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)");
        return r.getString(0) + " tls=" + r.getBoolean(1);
    }

    @Test
    void trustOverTcpAndUnixSocket() {
        Asyncio.run(() -> {
            try (Connection c = Pg.connect(pg.dsn())) {
                assertEquals("postgres tls=false", whoAndTls(c));
                assertTrue(c.getServerVersion().startsWith("15"), c.getServerVersion());
                assertEquals("UTF8", c.getSettings().get("client_encoding"));
                assertTrue(c.getServerPid() > 0);
            }
            String unix = "postgresql://postgres@/postgres?host=" + pg.socketDir + "&port=" + pg.port;
            try (Connection c = Pg.connect(unix)) {
                assertEquals("postgres", c.fetchval("SELECT current_user"));
                assertNull(c.fetchval("SELECT inet_client_addr()"), "a Unix socket has no client address");
            }
            try (Connection c = Pg.connect("host=" + pg.socketDir + " port=" + pg.port + " user=md5_user password=md5pw dbname=postgres")) {
                assertEquals("md5_user", c.fetchval("SELECT current_user"), "md5 over the socket, key=value DSN");
            }
            return null;
        });
    }

    @Test
    void passwordMd5AndScram() {
        Asyncio.run(() -> {
            for (String[] u : new String[][] {{"md5_user", "md5pw"}, {"scram_user", "scrampw"}, {"pw_user", "clearpw"}}) {
                try (Connection c = Pg.connect(pg.dsn(u[0], u[1], null))) {
                    assertEquals(u[0] + " tls=false", whoAndTls(c));
                }
                InvalidPasswordError e = assertThrows(InvalidPasswordError.class, () -> Pg.connect(pg.dsn(u[0], "wrong", null)));
                assertEquals("28P01", e.sqlstate());
                InterfaceError none = assertThrows(InterfaceError.class, () -> Pg.connect(pg.dsn(u[0], null, null)));
                assertTrue(none.getMessage().contains("none was given"), none.getMessage());
            }
            return null;
        });
    }

    @Test
    void tlsModesAndChannelBinding() {
        org.junit.jupiter.api.Assumptions.assumeTrue(pg.tls, "openssl is not installed: no certificate for TLS");
        Asyncio.run(() -> {
            // hostssl only: refused in plain, accepted over TLS (prefer, require, allow's fallback).
            assertThrows(InvalidAuthorizationSpecificationError.class, () -> Pg.connect(pg.dsn("ssl_user", "sslpw", "sslmode=disable")));
            for (String mode : List.of("prefer", "require", "allow")) {
                try (Connection c = Pg.connect(pg.dsn("ssl_user", "sslpw", "sslmode=" + mode))) {
                    assertEquals("ssl_user tls=true", whoAndTls(c), mode);
                }
            }
            // channel_binding=require succeeds only with SCRAM-SHA-256-PLUS over TLS.
            try (Connection c = Pg.connect(pg.dsn("scram_user", "scrampw", "sslmode=require&channel_binding=require"))) {
                assertEquals("scram_user tls=true", whoAndTls(c));
            }
            InterfaceError noTls = assertThrows(InterfaceError.class,
                    () -> Pg.connect(pg.dsn("scram_user", "scrampw", "sslmode=disable&channel_binding=require")));
            assertTrue(noTls.getMessage().contains("channel_binding=require"), noTls.getMessage());
            assertThrows(InterfaceError.class, () -> Pg.connect(pg.dsn("md5_user", "md5pw", "sslmode=require&channel_binding=require")));
            // verify-ca: our root certificate makes it trusted; the JDK's default authorities do not know it.
            String root = "sslrootcert=" + pg.rootCert;
            try (Connection c = Pg.connect(pg.dsn("scram_user", "scrampw", "sslmode=verify-ca&" + root))) {
                assertEquals("scram_user tls=true", whoAndTls(c));
            }
            assertThrows(SSLHandshakeException.class, () -> Pg.connect(pg.dsn("scram_user", "scrampw", "sslmode=verify-ca")));
            // verify-full: the certificate names localhost, not 127.0.0.1.
            String viaName = "postgresql://scram_user:scrampw@localhost:" + pg.port + "/postgres?sslmode=verify-full&" + root;
            try (Connection c = Pg.connect(viaName)) {
                assertEquals("scram_user tls=true", whoAndTls(c));
            }
            assertThrows(SSLHandshakeException.class, () -> Pg.connect(pg.dsn("scram_user", "scrampw", "sslmode=verify-full&" + root)));
            // A Unix socket never has TLS: require cannot be met there.
            InterfaceError unix = assertThrows(InterfaceError.class,
                    () -> Pg.connect("postgresql://postgres@/postgres?sslmode=require&host=" + pg.socketDir + "&port=" + pg.port));
            assertTrue(unix.getMessage().contains("Unix socket"), unix.getMessage());
            return null;
        });
    }

    @Test
    void refusedAndSilentServers() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int port = closed;
        Asyncio.run(() -> {
            assertThrows(ConnectException.class, () -> Pg.connect("postgresql://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable"));
            return null;
        });
        // A server that accepts and never answers: the connect timeout ends the wait.
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(silent.accept());
                } catch (Exception e) {
                    // closed
                }
            });
            Asyncio.run(() -> {
                ConnectOptions o = ConnectOptions.parse("postgresql://postgres@127.0.0.1:" + silent.getLocalPort() + "/postgres")
                        .withConnectTimeout(0.3);
                TimeoutError e = assertThrows(TimeoutError.class, () -> Pg.connect(o));
                assertTrue(e.getMessage().contains("connectTimeout"), e.getMessage());
                return null;
            });
            silent.close();
            acceptor.join();
            for (Socket s : accepted) s.close();
        }
    }

    @Test
    void dsnForms() {
        ConnectOptions o = ConnectOptions.parse("postgresql://u%40x:p%3Aw@[::1]:6543/db%2F1?sslmode=verify-full&application_name=app&connect_timeout=5");
        assertEquals("u@x", o.user());
        assertEquals("p:w", o.password());
        assertEquals("::1", o.host());
        assertEquals(6543, o.port());
        assertEquals("db/1", o.database());
        assertEquals(SslMode.VERIFY_FULL, o.sslMode());
        assertEquals("app", o.serverSettings().get("application_name"));
        assertEquals(5.0, o.connectTimeout());
        ConnectOptions kv = ConnectOptions.parse("host=/run/x port=5433 user=me password='a \\'b' dbname=d sslmode=disable");
        assertTrue(kv.isUnixSocket());
        assertEquals("/run/x/.s.PGSQL.5433", kv.socketPath().toString());
        assertEquals("a 'b", kv.password());
        assertFalse(kv.toString().contains("a 'b"), "toString hides the password");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ConnectOptions.parse("postgresql://h/db?sslmod=require"));
        assertTrue(bad.getMessage().contains("sslmod"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConnectOptions.parse("postgresql://h:99999/db"));
    }
}
