package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code io.jasyncio.SlowStep}: in debug mode, one callback or task step held the loop for at least the loop's slow
 * callback duration ({@code EventLoop.setSlowCallbackDuration}, default 0.1 s; asyncio's
 * {@code slow_callback_duration}): the event beside asyncio's "Executing ... took N seconds" warning. Committed
 * when the step returns. Outside debug mode steps are not timed (that would cost two clock reads per callback);
 * {@link LoopBlocked} reports a loop held past the watchdog's threshold in any mode.
 *
 * <p>Threading: filled and committed by the library on one thread; read from recordings.
 */
@Name("io.jasyncio.SlowStep")
@Label("Slow Callback or Task Step")
@Category({"jasyncio", "Loop"})
@Description("A callback or task step held the loop for at least its slow callback duration")
@StackTrace(false)
public final class SlowStep extends jdk.jfr.Event {
    @Label("Held For") @Timespan(Timespan.NANOSECONDS)
    long heldFor;
    @Label("What") @Description("The task (name and id) or the callback")
    String what;
    @Label("Loop")
    String loop;

    SlowStep() {}
}
