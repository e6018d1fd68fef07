package io.jasyncio;

/**
 * Python's {@code KeyboardInterrupt}: thrown by {@link Runner#run} when Ctrl-C (SIGINT) cancelled the main
 * task and the task let the cancellation end it. A command-line program exits with status 130 on it.
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class KeyboardInterrupt extends RuntimeException {
    /**
     * The interruption of a program by Ctrl-C.
     *
     * @param cause the main task's {@link CancelledError}
     */
    public KeyboardInterrupt(Throwable cause) {
        super("interrupted by SIGINT (Ctrl-C)", cause);
    }
}
