package io.jasyncio.bench.jmh;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Plain-JDK task switches, without jasyncio: the reproducer for what a running flight recorder adds to a switch
 * (docs/BENCHMARKS.md, "JFR overhead"). Run with and without {@code -XX:StartFlightRecording:settings=none}
 * ({@code bench/jfr/run.sh jmh} does, interleaved):
 * <ul>
 *   <li>{@link #continuationYield}: one {@code jdk.internal.vm.Continuation} run and yielded, no thread involved
 *       (a freeze and a thaw per operation);
 *   <li>{@link #vthreadYield}: one virtual thread calling {@code Thread.yield()} on the JDK's scheduler with one
 *       carrier (a freeze, a submit to the scheduler, a mount and a thaw per operation) — the path of jasyncio's
 *       {@code vthread} engine, less its own scheduler;
 *   <li>{@link #vthreadPingPong}: two virtual threads handing a turn to each other with {@code LockSupport}
 *       park/unpark on that one carrier (an operation is one hand-over: a park and an unpark).
 * </ul>
 * Each forked JVM has one carrier ({@code jdk.virtualThreadScheduler.parallelism=1}), as a jasyncio loop has.
 * A {@code -jvmArgsAppend} given on JMH's command line replaces this class's: {@code bench/jfr/run.sh} passes
 * these options itself. With a recording running, {@code vthreadYield} and {@code vthreadPingPong} pay HotSpot's
 * JVMTI mount/unmount notifications and {@code continuationYield} does not: that contrast is the finding.
 *
 * <p>Threading: each invocation runs on JMH's thread, which starts the virtual threads and joins them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
        "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1",
        "-Djdk.trackAllThreads=false"})
public class JdkSwitchJmh {
    static final int BATCH = 10_000;

    // jdk.internal.vm.Continuation through method handles, so the bench module compiles without the export.
    private static final Object SCOPE;
    private static final MethodHandle NEW_CONTINUATION, RUN, YIELD;

    static {
        Object scope = null;
        MethodHandle make = null, run = null, yield = null;
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup l = MethodHandles.lookup(); // publicLookup sees only unconditional exports
            scope = l.findConstructor(scopeClass, MethodType.methodType(void.class, String.class)).invoke("bench");
            make = l.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class));
            run = l.findVirtual(contClass, "run", MethodType.methodType(void.class));
            yield = l.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass));
        } catch (Throwable e) {
            // not exported to this module (the fork runs without --add-exports): continuationYield says so
        }
        SCOPE = scope;
        NEW_CONTINUATION = make;
        RUN = run;
        YIELD = yield;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int continuationYield() throws Throwable {
        if (NEW_CONTINUATION == null) {
            throw new IllegalStateException("needs --add-exports java.base/jdk.internal.vm=ALL-UNNAMED");
        }
        int[] count = {0};
        Runnable body = () -> {
            try {
                while (true) {
                    count[0]++;
                    boolean ok = (boolean) YIELD.invoke(SCOPE);
                    if (!ok) throw new IllegalStateException("pinned");
                }
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
        Object c = NEW_CONTINUATION.invoke(SCOPE, body);
        for (int i = 0; i < BATCH; i++) RUN.invoke(c);
        return count[0];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int vthreadYield() throws InterruptedException {
        int[] count = {0};
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < BATCH; i++) {
                count[0]++;
                Thread.yield();
            }
        });
        t.join();
        return count[0];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int vthreadPingPong() throws InterruptedException {
        // turn: whose move it is (0 or 1); each side waits for its turn, passes it, unparks the other
        PingPong p = new PingPong();
        Thread a = Thread.ofVirtual().unstarted(() -> p.play(0));
        Thread b = Thread.ofVirtual().unstarted(() -> p.play(1));
        p.players[0] = a;
        p.players[1] = b;
        a.start();
        b.start();
        a.join();
        b.join();
        return p.moves;
    }

    private static final class PingPong {
        final Thread[] players = new Thread[2];
        volatile int turn;
        int moves;

        void play(int me) {
            for (int i = me; i < BATCH; i += 2) {
                while (turn != me) LockSupport.park();
                moves++;
                turn = 1 - me;
                LockSupport.unpark(players[1 - me]);
            }
        }
    }
}
