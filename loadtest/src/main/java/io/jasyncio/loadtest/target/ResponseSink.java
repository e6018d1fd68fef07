package io.jasyncio.loadtest.target;

/**
 * Told of each complete answer a {@link ResponseReader} parsed.
 *
 * <p>Threading: the event loop's thread.
 */
public interface ResponseSink {
    /**
     * An answer is complete: {@code failureKind} is null for a success, else the kind of failure it is (an
     * HTTP 5xx, say); {@code keepAlive} false when the peer will close the connection after it.
     */
    void response(String failureKind, int status, boolean keepAlive);
}
