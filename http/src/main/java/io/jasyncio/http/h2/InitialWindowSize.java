package io.jasyncio.http.h2;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * SETTINGS_INITIAL_WINDOW_SIZE changing mid-connection (RFC 9113 §6.9.2): every open stream's send window moves by
 * the difference, and one taken over 2^31-1 is a connection error FLOW_CONTROL_ERROR. Shared by both ends, whose
 * streams keep their send window in a field of their own.
 *
 * <p>Threading: the connection's loop thread.
 */
final class InitialWindowSize {
    private InitialWindowSize() {}

    /** Adds {@code delta} to a stream's send window and returns the new window. */
    @FunctionalInterface
    interface Shift<S> {
        long add(S stream, long delta);
    }

    /**
     * The peer's initial window went from {@code previous} to {@code value}: moves each of {@code streams}' send
     * windows with {@code shift}, and wakes its sender with {@code wake} when the window grew. Returns {@code value}.
     */
    static <S> long apply(long previous, long value, Collection<S> streams, Shift<S> shift, ToIntFunction<S> id, Consumer<S> wake) {
        long delta = value - previous;
        for (S st : streams) {
            if (shift.add(st, delta) > Integer.MAX_VALUE) {
                throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                        "SETTINGS_INITIAL_WINDOW_SIZE takes stream " + id.applyAsInt(st) + "'s window over 2^31-1");
            }
            if (delta > 0) wake.accept(st);
        }
        return value;
    }
}
