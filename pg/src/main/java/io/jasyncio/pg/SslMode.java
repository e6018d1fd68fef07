package io.jasyncio.pg;

import java.util.Locale;

/**
 * libpq's {@code sslmode}: whether and how the connection uses TLS. Unix-socket connections never use TLS
 * (as libpq: the socket is local), whatever the mode, except that modes from REQUIRE up refuse them.
 *
 * <p>Threading: constants.
 */
public enum SslMode {
    /** Plain connection only. */
    DISABLE,
    /** Plain first; TLS if the server refuses a plain connection (pg_hba.conf's hostssl). */
    ALLOW,
    /** TLS if the server supports it, else plain (the default, as libpq and asyncpg); no certificate check. */
    PREFER,
    /** TLS, or fail; no certificate check (it protects against listeners, not against a man in the middle). */
    REQUIRE,
    /** TLS with the server's certificate chain checked against the root certificates ({@code sslrootcert}). */
    VERIFY_CA,
    /** As VERIFY_CA, and the certificate must name the host connected to. */
    VERIFY_FULL;

    /**
     * Parses libpq's spelling ({@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
     * {@code verify-full}; any case, '_' for '-').
     *
     * @param s the value
     * @return the constant
     * @throws IllegalArgumentException another value
     */
    public static SslMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "disable" -> DISABLE;
            case "allow" -> ALLOW;
            case "prefer" -> PREFER;
            case "require" -> REQUIRE;
            case "verify-ca", "verify_ca" -> VERIFY_CA;
            case "verify-full", "verify_full" -> VERIFY_FULL;
            default -> throw new IllegalArgumentException("sslmode must be disable, allow, prefer, require, verify-ca or "
                    + "verify-full, got \"" + s + "\"");
        };
    }

    /**
     * Whether the certificate is checked.
     *
     * @return true for VERIFY_CA and VERIFY_FULL
     */
    public boolean verifies() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
