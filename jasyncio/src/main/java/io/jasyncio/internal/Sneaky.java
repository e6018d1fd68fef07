package io.jasyncio.internal;

/** Rethrows any throwable unchanged, checked or not, as Kotlin and Python do: identity matters to callers. */
public final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    public static <E extends Throwable> RuntimeException rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
