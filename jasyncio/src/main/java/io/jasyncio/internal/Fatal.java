package io.jasyncio.internal;

/**
 * Which throwables end a loop's run instead of being reported and survived: the JVM's own failures
 * ({@link VirtualMachineError}: {@link OutOfMemoryError}, {@link InternalError}, {@link UnknownError}), which no
 * code on the loop can recover from, except {@link StackOverflowError}: by the time it is caught the stack has
 * unwound, so it fails what raised it, as a RecursionError does in Python (docs/ENGINES.md, "Errors on the loop").
 *
 * <p>Threading: stateless.
 */
public final class Fatal {
    private Fatal() {}

    /** Whether {@code t} must end the loop's run wherever it is caught on the loop's thread. */
    public static boolean endsTheRun(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    /** Throws {@code t} when it {@link #endsTheRun ends the run}; returns otherwise. */
    public static void rethrowIfFatal(Throwable t) {
        if (endsTheRun(t)) throw (Error) t;
    }
}
