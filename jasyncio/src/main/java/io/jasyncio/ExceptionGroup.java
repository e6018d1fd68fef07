package io.jasyncio;

import java.util.List;

/**
 * Python's {@code ExceptionGroup} / {@code BaseExceptionGroup}: several exceptions raised together, as a
 * {@link TaskGroup} does when its children fail. {@link #exceptions()} holds them all, in the order they
 * happened; each is also attached as a suppressed exception, so a stack trace shows every one of them.
 *
 * <p>Java has one class for both of Python's: a group that holds a {@link KeyboardInterrupt} or an
 * {@link Error} is what Python calls a {@code BaseExceptionGroup}. Python's {@code except*} becomes a look at
 * {@link #exceptions()} (nested groups included).
 *
 * <p>Threading: immutable once thrown.
 */
public class ExceptionGroup extends RuntimeException {
    /** The message without the count (Python's {@code eg.message}). */
    private final String message;
    /** The exceptions of the group, in order. */
    private final List<Throwable> exceptions;

    /**
     * A group of {@code exceptions} (at least one) under {@code message}.
     *
     * @param message what the exceptions have in common (the full message adds their count)
     * @param exceptions the exceptions, at least one
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(describe(message, exceptions));
        this.message = message;
        this.exceptions = List.copyOf(exceptions);
        for (Throwable e : this.exceptions) addSuppressed(e);
    }

    private static String describe(String message, List<? extends Throwable> exceptions) {
        if (exceptions == null || exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        }
        int n = exceptions.size();
        return message + " (" + n + " sub-exception" + (n == 1 ? "" : "s") + ")";
    }

    /** {@return the message without the count (Python's {@code eg.message})} */
    public String message() {
        return message;
    }

    /** {@return the exceptions of the group, in order (Python's {@code eg.exceptions})} */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
