package io.jasyncio.pg;

/**
 * Receives the server's notices and warnings (NoticeResponse: {@code RAISE NOTICE}, "table does not exist,
 * skipping", ...) for {@link Connection#addLogListener}: asyncpg's log listener {@code (connection, message)}.
 *
 * <p>Threading: as {@link NotificationListener}: a plain callback on the loop's thread.
 */
@FunctionalInterface
public interface LogListener {
    /**
     * Gets one notice.
     *
     * @param connection the connection that received it
     * @param message the notice's fields
     */
    void onLog(Connection connection, ServerMessage message);
}
