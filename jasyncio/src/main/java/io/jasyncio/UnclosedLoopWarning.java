package io.jasyncio;

import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;

/**
 * Asyncio's {@code ResourceWarning} for a loop collected without being closed: "unclosed event loop
 * &lt;EventLoop@hash&gt;", a WARNING on the "io.jasyncio" logger. Holds nothing that reaches the loop, so the loop
 * can be collected.
 *
 * <p>Threading: {@link #closed()} from the thread closing the loop; the warning from the cleaner's thread.
 */
final class UnclosedLoopWarning {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final Cleaner CLEANER = Cleaner.create();

    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    UnclosedLoopWarning(Object loop, String name) {
        this.cleanable = CLEANER.register(loop, new Warn(this, name));
    }

    /** The loop was closed: no warning. */
    void closed() {
        closed = true;
        cleanable.clean();
    }

    /** The cleaning action: holds this flag, never the loop. */
    private record Warn(UnclosedLoopWarning flag, String name) implements Runnable {
        @Override
        public void run() {
            if (!flag.closed) LOG.log(Level.WARNING, "unclosed event loop " + name);
        }
    }
}
