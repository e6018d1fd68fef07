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
     *
     * @param failureKind null for a success, else an {@link io.jasyncio.loadtest.metrics.ErrorKind}
     * @param status the status code (HTTP), or 0
     * @param keepAlive false if the peer closes the connection after this answer
     */
    void response(String failureKind, int status, boolean keepAlive);
}
