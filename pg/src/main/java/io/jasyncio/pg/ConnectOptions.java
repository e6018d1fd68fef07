package io.jasyncio.pg;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * How to connect (asyncpg's {@code connect()} arguments), immutable: parse a DSN with {@link #parse(String)} or
 * start from {@link #defaults()}, then adjust with the {@code withX} methods (each returns a copy).
 *
 * <p>DSNs are libpq's: a URI {@code postgresql://user:password@host:port/database?sslmode=require&...} (also
 * {@code postgres://}; a host {@code %2Fvar%2Frun%2Fpostgresql} or {@code ?host=/var/run/postgresql} is a Unix
 * socket directory), or {@code key=value} pairs ({@code host=localhost port=5432 user=me dbname=app}). Unset values
 * come from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT, PGCHANNELBINDING,
 * PGAPPNAME and PGCONNECT_TIMEOUT, then the defaults: the first Unix socket found in /run/postgresql,
 * /var/run/postgresql or /tmp, else localhost; port 5432; the OS user; a database named as the user.
 *
 * <p>Threading: immutable.
 *
 * @param host a host name or address, or a directory (starting with '/') holding the server's Unix socket
 * @param port the port (for a Unix socket: the number in its file name, {@code .s.PGSQL.PORT})
 * @param user the role to log in as
 * @param password the password, or null (trust authentication)
 * @param database the database
 * @param sslMode whether and how to use TLS
 * @param sslRootCert PEM file of the certificate authorities to trust (VERIFY_CA and VERIFY_FULL); null: the JDK's
 * @param sslContext a ready {@link SSLContext} to use instead (its trust managers decide); null: built from the above
 * @param channelBinding whether SCRAM binds to the TLS channel
 * @param connectTimeout seconds the whole connection set-up (TCP, TLS, authentication) may take (asyncpg: 60)
 * @param commandTimeout default seconds a query may take before it is cancelled (asyncpg's command_timeout); null: none
 * @param statementCacheSize how many prepared statements each connection keeps (LRU; 0: none; asyncpg: 100)
 * @param maxMessageSize the longest server message accepted, in bytes; longer is a {@link ProtocolError}
 * @param maxResultSize the most bytes of rows one fetch may collect; more is a {@link ResultTooLargeError}
 * @param serverSettings run-time parameters sent at start-up ({@code application_name}, {@code search_path}, ...)
 * @param rewriteInserts whether {@link Connection#executemany} sends a plain {@code INSERT ... VALUES (...)} as
 *     multi-row INSERTs (default true; PgJDBC's {@code reWriteBatchedInserts}); false: one statement per row
 * @param groupReads whether reads that tasks queue in the same loop turn on an idle connection may share one Sync
 *     (default false; see {@link #withGroupReads})
 */
public record ConnectOptions(String host, int port, String user, String password, String database, SslMode sslMode,
        Path sslRootCert, SSLContext sslContext, ChannelBinding channelBinding, double connectTimeout,
        Double commandTimeout, int statementCacheSize, int maxMessageSize, long maxResultSize,
        Map<String, String> serverSettings, boolean rewriteInserts, boolean groupReads) {

    /** The default {@link #maxMessageSize()}: 256 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024;
    /** The default {@link #maxResultSize()}: 512 MiB of rows per fetch. */
    public static final long DEFAULT_MAX_RESULT_SIZE = 512L * 1024 * 1024;

    /**
     * Checks the values and copies {@code serverSettings}.
     *
     * @throws IllegalArgumentException a port outside 1..65535, a timeout that is not positive, a negative cache size,
     *     a {@code maxMessageSize} under 1024 or a {@code maxResultSize} under 1
     */
    public ConnectOptions {
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
        if (!(connectTimeout > 0)) throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        if (commandTimeout != null && !(commandTimeout > 0)) {
            throw new IllegalArgumentException("commandTimeout must be positive or null, got " + commandTimeout);
        }
        if (statementCacheSize < 0) throw new IllegalArgumentException("statementCacheSize must be >= 0");
        if (maxMessageSize < 1024) throw new IllegalArgumentException("maxMessageSize must be at least 1024 bytes");
        if (maxResultSize < 1) throw new IllegalArgumentException("maxResultSize must be positive");
        serverSettings = Map.copyOf(serverSettings);
    }

    /**
     * Everything from the environment and the defaults (see the class comment).
     *
     * @return the options the environment gives, with the defaults for the rest (asyncpg's {@code connect()} without
     *     arguments)
     */
    public static ConnectOptions defaults() {
        Map<String, String> env = System.getenv();
        return fromValues(new LinkedHashMap<>(), env);
    }

    /**
     * Parses a URI or key=value DSN; values it does not set come from the environment and the defaults.
     *
     * @param dsn a libpq URI ({@code postgresql://...}) or {@code key=value} string (asyncpg's {@code dsn})
     * @return the options
     * @throws IllegalArgumentException the DSN is malformed or names an unknown key or value
     */
    public static ConnectOptions parse(String dsn) {
        return fromValues(dsnValues(dsn), System.getenv());
    }

    /** The DSN's values under libpq's key names. */
    static Map<String, String> dsnValues(String dsn) {
        Map<String, String> v = new LinkedHashMap<>();
        String s = dsn.strip();
        if (s.startsWith("postgresql://") || s.startsWith("postgres://")) {
            parseUri(s.substring(s.indexOf("://") + 3), v);
        } else if (!s.isEmpty()) {
            parseKeyValues(s, v);
        }
        return v;
    }

    private static void parseUri(String rest, Map<String, String> v) {
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        if (slash >= 0 && slash + 1 < rest.length()) v.put("dbname", decode(rest.substring(slash + 1)));
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userinfo.indexOf(':');
            if (colon >= 0) {
                v.put("user", decode(userinfo.substring(0, colon)));
                v.put("password", decode(userinfo.substring(colon + 1)));
            } else if (!userinfo.isEmpty()) {
                v.put("user", decode(userinfo));
            }
        }
        if (authority.contains(",")) {
            throw new IllegalArgumentException("several hosts in one DSN are not supported yet: " + authority);
        }
        String host = authority;
        String port = null;
        if (host.startsWith("[")) { // [IPv6]:port
            int close = host.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("invalid IPv6 host in DSN: " + authority);
            if (close + 1 < host.length() && host.charAt(close + 1) == ':') port = host.substring(close + 2);
            host = host.substring(1, close);
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                port = host.substring(colon + 1);
                host = host.substring(0, colon);
            }
        }
        if (!host.isEmpty()) v.put("host", decode(host));
        if (port != null && !port.isEmpty()) v.put("port", port);
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = decode(eq >= 0 ? pair.substring(0, eq) : pair);
                String val = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
                v.put(k.equals("database") ? "dbname" : k, val);
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** libpq's keyword/value form: {@code key=value} separated by spaces, values optionally 'quoted' with \ escapes. */
    private static void parseKeyValues(String s, Map<String, String> v) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n) break;
            int eq = s.indexOf('=', i);
            if (eq < 0) throw new IllegalArgumentException("missing \"=\" after \"" + s.substring(i) + "\" in the connection string");
            String key = s.substring(i, eq).strip();
            i = eq + 1;
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            StringBuilder val = new StringBuilder();
            if (i < n && s.charAt(i) == '\'') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) val.append(s.charAt(i++));
                    else if (c == '\'') {
                        closed = true;
                        break;
                    } else val.append(c);
                }
                if (!closed) throw new IllegalArgumentException("unterminated quoted value for \"" + key + "\"");
            } else {
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) val.append(s.charAt(i++));
                    else val.append(c);
                }
            }
            v.put(key, val.toString());
        }
    }

    static ConnectOptions fromValues(Map<String, String> v, Map<String, String> env) {
        String host = first(v.get("host"), env.get("PGHOST"));
        String portS = first(v.get("port"), env.get("PGPORT"), "5432");
        int port;
        try {
            port = Integer.parseInt(portS.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port \"" + portS + "\": a number 1..65535");
        }
        if (host == null || host.isEmpty()) host = defaultHost(port);
        String user = first(v.get("user"), env.get("PGUSER"), System.getProperty("user.name"));
        String password = first(v.get("password"), env.get("PGPASSWORD"));
        String database = first(v.get("dbname"), env.get("PGDATABASE"), user);
        SslMode ssl = SslMode.parse(first(v.get("sslmode"), env.get("PGSSLMODE"), "prefer"));
        String root = first(v.get("sslrootcert"), env.get("PGSSLROOTCERT"));
        ChannelBinding cb = ChannelBinding.parse(first(v.get("channel_binding"), env.get("PGCHANNELBINDING"), "prefer"));
        String timeout = first(v.get("connect_timeout"), env.get("PGCONNECT_TIMEOUT"));
        double connectTimeout = 60;
        if (timeout != null && !timeout.isBlank()) {
            try {
                connectTimeout = Double.parseDouble(timeout.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid connect_timeout \"" + timeout + "\": seconds");
            }
            if (connectTimeout <= 0) connectTimeout = 60; // libpq: 0 means no limit; we keep a bound
        }
        Map<String, String> settings = new LinkedHashMap<>();
        String app = first(v.get("application_name"), env.get("PGAPPNAME"));
        if (app != null) settings.put("application_name", app);
        if (v.containsKey("options")) settings.put("options", v.get("options"));
        for (Map.Entry<String, String> e : v.entrySet()) {
            if (e.getKey().startsWith("server_settings.")) settings.put(e.getKey().substring(16), e.getValue());
        }
        for (String k : v.keySet()) {
            if (!KNOWN.contains(k) && !k.startsWith("server_settings.")) {
                throw new IllegalArgumentException("unknown connection parameter \"" + k + "\"; known: " + KNOWN);
            }
        }
        return new ConnectOptions(host, port, user, password, database, ssl, root == null ? null : Path.of(root), null, cb,
                connectTimeout, null, 100, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RESULT_SIZE, settings, true, false);
    }

    private static final java.util.List<String> KNOWN = java.util.List.of("host", "port", "user", "password", "dbname",
            "sslmode", "sslrootcert", "channel_binding", "connect_timeout", "application_name", "options");

    private static String first(String... values) {
        for (String s : values) if (s != null) return s;
        return null;
    }

    /** libpq and asyncpg look for a local socket first. */
    private static String defaultHost(int port) {
        for (String dir : new String[] {"/run/postgresql", "/var/run/postgresql", "/tmp"}) {
            if (Files.exists(Path.of(dir, ".s.PGSQL." + port))) return dir;
        }
        return "localhost";
    }

    /**
     * Whether {@link #host()} is a Unix socket directory.
     *
     * @return true if the host starts with '/'
     */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    /**
     * The Unix socket file, for a socket directory host.
     *
     * @return {@code host/.s.PGSQL.port}
     */
    public Path socketPath() {
        return Path.of(host, ".s.PGSQL." + port);
    }

    /**
     * A copy connecting to {@code host:port} (asyncpg's {@code host}, {@code port}).
     *
     * @param host a host name or address, or a Unix socket directory
     * @param port the port
     * @return the copy
     */
    public ConnectOptions withHost(String host, int port) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy logging in as {@code user} (asyncpg's {@code user}, {@code password}).
     *
     * @param user the role
     * @param password the password, or null
     * @return the copy
     */
    public ConnectOptions withUser(String user, String password) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy connecting to {@code database} (asyncpg's {@code database}).
     *
     * @param database the database's name
     * @return the copy
     */
    public ConnectOptions withDatabase(String database) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy with this TLS mode (asyncpg's {@code ssl}, libpq's {@code sslmode} and {@code sslrootcert}).
     *
     * @param mode whether and how to use TLS
     * @param rootCert PEM file of the authorities to trust for VERIFY_CA and VERIFY_FULL (null: the JDK's)
     * @return the copy
     */
    public ConnectOptions withSsl(SslMode mode, Path rootCert) {
        return new ConnectOptions(host, port, user, password, database, mode, rootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * TLS with this context (its trust managers decide what is trusted); {@code mode} must not be DISABLE.
     *
     * @param mode how to use TLS (not DISABLE)
     * @param context the context to make connections' engines with
     * @return the copy
     */
    public ConnectOptions withSslContext(SslMode mode, SSLContext context) {
        return new ConnectOptions(host, port, user, password, database, mode, sslRootCert, context, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy with this SCRAM channel binding setting (libpq's {@code channel_binding}).
     *
     * @param cb whether SCRAM-SHA-256-PLUS is used, allowed or required
     * @return the copy
     */
    public ConnectOptions withChannelBinding(ChannelBinding cb) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, cb,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy whose connection set-up (TCP, TLS, authentication) may take {@code seconds} (asyncpg's {@code timeout}).
     *
     * @param seconds a positive number of seconds
     * @return the copy
     */
    public ConnectOptions withConnectTimeout(double seconds) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                seconds, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy whose queries may take {@code seconds} each unless given their own timeout (asyncpg's {@code
     * command_timeout}).
     *
     * @param seconds a positive number of seconds, or null for no limit
     * @return the copy
     */
    public ConnectOptions withCommandTimeout(Double seconds) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, seconds, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy keeping {@code size} prepared statements per connection (asyncpg's {@code statement_cache_size}).
     *
     * @param size the cache's size (LRU); 0 turns the cache off
     * @return the copy
     */
    public ConnectOptions withStatementCacheSize(int size) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, size, maxMessageSize, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy accepting server messages up to {@code bytes} long; a longer one is a {@link ProtocolError}.
     *
     * @param bytes the bound, at least 1024
     * @return the copy
     */
    public ConnectOptions withMaxMessageSize(int bytes) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, bytes, maxResultSize, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * A copy letting one fetch collect up to {@code bytes} of rows; more is a {@link ResultTooLargeError}.
     *
     * @param bytes the bound, positive
     * @return the copy
     */
    public ConnectOptions withMaxResultSize(long bytes) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, bytes, serverSettings, rewriteInserts, groupReads);
    }

    /**
     * Whether executemany may send a plain INSERT as multi-row INSERTs (see {@link Connection#executemany}).
     *
     * @param rewrite true (the default) to rewrite, false for one statement per row
     * @return the copy
     */
    public ConnectOptions withRewriteInserts(boolean rewrite) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings, rewrite, groupReads);
    }

    /**
     * Whether plain reads ({@code SELECT}/{@code VALUES} without {@code INTO} or a locking clause) that tasks queue
     * in the same loop turn on an idle connection may share one Sync, up to 64 of them: the server then runs them in
     * one implicit transaction and answers once, about half its work per query at 32 in flight. Off by default,
     * because it changes two things a program may notice: when one member of a group fails, the others are rolled
     * back and run again on their own, so a read that calls a function with effects outside the transaction
     * ({@code nextval}, {@code pg_advisory_lock}, dblink) runs twice; and a quick read grouped before a slow one
     * gets its answer only when the slow one ends. Turn it on for pipelined, side-effect-free reads.
     *
     * @param group true to group reads, false (the default) for one Sync per query
     * @return the copy
     */
    public ConnectOptions withGroupReads(boolean group) {
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, serverSettings,
                rewriteInserts, group);
    }

    /**
     * Adds a run-time parameter sent at start-up (asyncpg's {@code server_settings}).
     *
     * @param name the parameter's name ({@code application_name}, {@code search_path}, ...)
     * @param value its value
     * @return the copy
     */
    public ConnectOptions withServerSetting(String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(serverSettings);
        m.put(name, value);
        return new ConnectOptions(host, port, user, password, database, sslMode, sslRootCert, sslContext, channelBinding,
                connectTimeout, commandTimeout, statementCacheSize, maxMessageSize, maxResultSize, m, rewriteInserts, groupReads);
    }

    /** The options without the password, for messages. */
    @Override
    public String toString() {
        return "ConnectOptions[" + user + "@" + host + ":" + port + "/" + database + ", sslmode="
                + sslMode.name().toLowerCase(Locale.ROOT).replace('_', '-') + "]";
    }
}
