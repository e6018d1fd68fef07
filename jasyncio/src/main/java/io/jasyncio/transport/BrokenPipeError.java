package io.jasyncio.transport;

import java.io.IOException;

/**
 * Python's {@code BrokenPipeError}: writing to a pipe whose reading end is closed (for a child's stdin: the
 * child exited or closed it). The JDK's own error, if any, is the cause.
 *
 * <p>Threading: an ordinary exception.
 */
public class BrokenPipeError extends IOException {
    /**
     * An error naming the pipe.
     *
     * @param message what was written to
     * @param cause the JDK's error, or null
     */
    public BrokenPipeError(String message, Throwable cause) {
        super(message, cause);
    }
}
