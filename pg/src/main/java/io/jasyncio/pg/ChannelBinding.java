package io.jasyncio.pg;

/**
 * libpq's {@code channel_binding}: whether SCRAM authentication binds itself to the TLS channel
 * ({@code SCRAM-SHA-256-PLUS} with {@code tls-server-end-point}).
 *
 * <p>Threading: constants.
 */
public enum ChannelBinding {
    /** Never bind. */
    DISABLE,
    /** Bind when the connection uses TLS and the server offers SCRAM-SHA-256-PLUS (the default). */
    PREFER,
    /** Refuse to connect unless the server authenticates with SCRAM-SHA-256-PLUS. */
    REQUIRE;

    /**
     * Parses libpq's spelling ({@code disable}, {@code prefer}, {@code require}; any case).
     *
     * @param s the value
     * @return the constant
     * @throws IllegalArgumentException another value
     */
    public static ChannelBinding parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "disable" -> DISABLE;
            case "prefer" -> PREFER;
            case "require" -> REQUIRE;
            default -> throw new IllegalArgumentException("channel_binding must be disable, prefer or require, got \"" + s + "\"");
        };
    }
}
