package io.jasyncio.pg;

/**
 * Receives LISTEN/NOTIFY notifications ({@link Connection#addListener}): asyncpg's listener callback
 * {@code (connection, pid, channel, payload)}.
 *
 * <p>Threading: called on the connection's loop thread as a plain callback (through {@code callSoon}); it must
 * not block or await: start a task for work that waits. An exception it throws goes to the loop's exception
 * handler.
 */
@FunctionalInterface
public interface NotificationListener {
    /**
     * Gets one notification.
     *
     * @param connection the connection that received it
     * @param pid the server process that sent the NOTIFY
     * @param channel the channel
     * @param payload the payload ("" if none)
     */
    void onNotification(Connection connection, int pid, String channel, String payload);
}
