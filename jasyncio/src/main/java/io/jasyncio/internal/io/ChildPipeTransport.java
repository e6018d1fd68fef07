package io.jasyncio.internal.io;

import io.jasyncio.transport.BaseTransport;

/**
 * What {@code ProcessTransport} (in io.jasyncio.subprocess) needs from the transport of one of its child's pipes, whichever kind serves it:
 * a selectable pipe watched by the loop ({@link SelectorReadPipeTransport}, {@link SelectorWritePipeTransport})
 * or a JDK process stream with a thread ({@link PipeReadTransport}, {@link PipeWriteTransport}).
 *
 * <p>Threading: the loop's thread only.
 */
public interface ChildPipeTransport extends BaseTransport {
    /** Starts moving data, once the subprocess protocol's connectionMade has been scheduled. */
    void start();

    /** The child exited, so nobody reads its stdin any more: a write pipe closes. Nothing for a read pipe. */
    default void readerGone() {}
}
