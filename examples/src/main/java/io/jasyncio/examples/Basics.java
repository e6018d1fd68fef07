package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.DoneAndPending;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.ReturnWhen;
import io.jasyncio.Task;
import io.jasyncio.TaskGroup;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds 002 and 003, "asyncio basics": each section shows one idea and returns what it observed (the order of
 * events, the loop time each step took), so that a test can check the idea and not only that it ran.
 *
 * <p>Every section is a coroutine: run it in a task ({@link #runAll} does it in one {@code Asyncio.run}).
 * Sleeps are multiplied by {@code scale} and every time printed is divided by it again, so the output reads in
 * the seeds' seconds whatever the scale; on a virtual-clock loop they take no real time and the totals are
 * exact. The last section runs real threads: its sleeps are scaled the same way, its CPU work is real time.
 *
 * <p>Threading: one instance per run; sections run on the loop's thread.
 */
public final class Basics {
    private final PrintStream out;
    private final double scale;
    private double origin;

    public Basics(PrintStream out, double scale) {
        this.out = out;
        this.scale = scale;
    }

    /** Runs every section in order, with headings; returns each section's log, in order. */
    public List<List<String>> runAll() {
        List<List<String>> all = new ArrayList<>();
        heading("1. Coroutines awaiting coroutines");
        all.add(coroutinesAwaitingCoroutines());
        heading("2. callSoon / callLater / callAt");
        all.add(callbacks());
        heading("3. A Future: pending, finished, awaited, with a done callback");
        all.add(futureLifecycle());
        heading("4. A Task cancelled");
        all.add(taskCancelled());
        heading("5. sayAfter: in series, with createTask, with a TaskGroup");
        all.add(seriesVersusTasks());
        heading("6. A future completed by another task");
        all.add(futureCompletedByTask());
        heading("7. runInExecutor and toThread");
        all.add(executorAndToThread());
        heading("8. gather with returnExceptions, wait, asCompleted");
        all.add(combinators());
        return all;
    }

    private void heading(String title) {
        out.println();
        out.println("== " + title + " ==");
    }

    /** Prints and records one line, stamped with the loop time since the section began (in seed seconds). */
    private void log(List<String> log, String line) {
        double t = (Asyncio.getRunningLoop().time() - origin) / scale;
        out.printf("  [%5.2fs] %s%n", t, line);
        log.add(line);
    }

    private void startSection() {
        origin = Asyncio.getRunningLoop().time();
    }

    private double elapsed() {
        return Asyncio.getRunningLoop().time() - origin;
    }

    private void sleep(double seconds) {
        Asyncio.sleep(seconds * scale);
    }

    // ---- 1
    /** {@code await inner()} inside {@code await outer()}: one task, each call suspends it where it waits. */
    public List<String> coroutinesAwaitingCoroutines() {
        startSection();
        List<String> log = new ArrayList<>();
        log(log, "outer: start");
        String r = middle(log);
        log(log, "outer: got " + r);
        return log;
    }

    private String middle(List<String> log) {
        log(log, "middle: awaiting inner");
        String r = inner(log);
        log(log, "middle: inner returned");
        return r + "!";
    }

    private String inner(List<String> log) {
        log(log, "inner: sleeping 0.1 s");
        sleep(0.1);
        return "inner-result";
    }

    // ---- 2
    /** Callbacks run in due order: callSoon first, then timers by deadline. */
    public List<String> callbacks() {
        startSection();
        List<String> log = new ArrayList<>();
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> done = loop.createFuture();
        loop.callLater(0.2 * scale, () -> {
            log(log, "callLater(0.2)");
            done.setResult(null);
        });
        loop.callAt(loop.time() + 0.1 * scale, () -> log(log, "callAt(now + 0.1)"));
        loop.callSoon(() -> log(log, "callSoon"));
        Asyncio.await(done);
        return log;
    }

    // ---- 3
    /** A future goes from pending to finished; the awaiting task resumes and the done callback runs. */
    public List<String> futureLifecycle() {
        startSection();
        List<String> log = new ArrayList<>();
        EventLoop loop = Asyncio.getRunningLoop();
        Future<String> fut = loop.createFuture();
        fut.addDoneCallback(f -> log(log, "done callback: result=" + f.result()));
        log(log, "state: done=" + fut.done());
        loop.callLater(0.3 * scale, () -> fut.setResult("ready"));
        // Done callbacks run in the order they were added: ours before the waiting task's wake-up.
        String r = Asyncio.await(fut);
        log(log, "awaited: " + r + ", done=" + fut.done());
        return log;
    }

    // ---- 4
    /** Cancel raises CancelledError at the task's await point; the task may clean up, then re-raise. */
    public List<String> taskCancelled() {
        startSection();
        List<String> log = new ArrayList<>();
        Task<Void> task = Asyncio.createTask(() -> {
            log(log, "task: sleeping 10 s");
            try {
                sleep(10);
                log(log, "task: finished (not reached)");
            } catch (CancelledError e) {
                log(log, "task: cancelled, cleaning up");
                throw e;
            }
            return null;
        });
        sleep(0.5);
        log(log, "main: cancel()");
        task.cancel();
        try {
            Asyncio.await(task);
        } catch (CancelledError e) {
            log(log, "main: task.cancelled()=" + task.cancelled());
        }
        return log;
    }

    // ---- 5
    private String sayAfter(List<String> log, double delay, String what) {
        sleep(delay);
        log(log, what);
        return what;
    }

    /** Awaiting one after the other adds the delays (3 s); tasks overlap them (2 s), and so does a TaskGroup. */
    public List<String> seriesVersusTasks() {
        List<String> log = new ArrayList<>();
        startSection();
        sayAfter(log, 1, "hello");
        sayAfter(log, 2, "world");
        log(log, String.format("in series: %.1f s", elapsed() / scale));

        startSection();
        Task<String> a = Asyncio.createTask(() -> sayAfter(log, 1, "hello"));
        Task<String> b = Asyncio.createTask(() -> sayAfter(log, 2, "world"));
        Asyncio.await(a);
        Asyncio.await(b);
        log(log, String.format("with createTask: %.1f s", elapsed() / scale));

        startSection();
        TaskGroup.run(tg -> {
            tg.createTask(() -> sayAfter(log, 1, "hello"));
            tg.createTask(() -> sayAfter(log, 2, "world"));
            return null;
        });
        log(log, String.format("with a TaskGroup: %.1f s", elapsed() / scale));
        return log;
    }

    // ---- 6
    /** {@code loop.create_future()} awaited by main while another task sets its result. */
    public List<String> futureCompletedByTask() {
        startSection();
        List<String> log = new ArrayList<>();
        Future<String> fut = Asyncio.getRunningLoop().createFuture();
        Asyncio.createTask(() -> {
            sleep(1);
            log(log, "setter: setResult(\"... world\")");
            fut.setResult("... world");
            return null;
        });
        log(log, "main: awaiting the future");
        log(log, "main: got " + Asyncio.await(fut));
        return log;
    }

    // ---- 7
    /** A blocking function on the default executor and with toThread: the loop keeps running meanwhile. */
    public List<String> executorAndToThread() {
        startSection();
        List<String> log = new ArrayList<>();
        EventLoop loop = Asyncio.getRunningLoop();
        Future<String> viaExecutor = loop.runInExecutor(null, () -> blockingWork("runInExecutor"));
        AtomicInteger ticks = new AtomicInteger();
        Task<Void> ticker = Asyncio.createTask(() -> {
            while (!viaExecutor.done()) {
                ticks.incrementAndGet();
                Asyncio.sleep(0);
            }
            return null;
        });
        log(log, "runInExecutor: " + Asyncio.await(viaExecutor));
        Asyncio.await(ticker);
        log(log, "the loop kept running meanwhile: " + (ticks.get() > 0));
        log(log, "toThread: " + Asyncio.toThread(() -> blockingWork("toThread")));
        return log;
    }

    private static String blockingWork(String who) throws InterruptedException {
        Thread.sleep(20); // a blocking call: fine on an executor thread, never on the loop
        return who + " ran on " + (Thread.currentThread().getName().startsWith("asyncio-") ? "asyncio-N" : "?");
    }

    // ---- 8
    private String quietlyAfter(double delay, String what) {
        sleep(delay);
        return what;
    }

    private int mightFail(boolean fail, double delay) {
        sleep(delay);
        if (fail) throw new IllegalArgumentException("task failed");
        return 1;
    }

    /** gather keeps argument order and, with returnExceptions, returns errors as values; wait and asCompleted. */
    public List<String> combinators() {
        startSection();
        List<String> log = new ArrayList<>();
        List<Object> results = Asyncio.await(Asyncio.gather(true,
                () -> mightFail(false, 0.1), () -> mightFail(true, 0.1), () -> mightFail(false, 0.1)));
        for (int i = 0; i < results.size(); i++) {
            Object r = results.get(i);
            log(log, "gather[" + i + "]: " + (r instanceof Throwable t ? "exception " + t.getMessage() : r));
        }
        List<Task<String>> tasks = List.of(
                Asyncio.createTask(() -> quietlyAfter(0.3, "slow")),
                Asyncio.createTask(() -> quietlyAfter(0.1, "fast")),
                Asyncio.createTask(() -> quietlyAfter(0.2, "medium")));
        DoneAndPending<Task<String>> first = Asyncio.wait(tasks, ReturnWhen.FIRST_COMPLETED);
        log(log, "wait(FIRST_COMPLETED): done=" + first.done().size() + " pending=" + first.pending().size());
        for (Future<String> f : Asyncio.asCompleted(tasks)) {
            log(log, "asCompleted: " + Asyncio.await(f));
        }
        return log;
    }

    // ---- 9 (real threads)
    /**
     * Seed 003's executors: blocking I/O on a thread pool overlaps ({@code ioJobs} sleeps of {@code ioSeconds}
     * take about one sleep), and CPU work on a pool of one thread per core runs in parallel — Java has no GIL, so
     * unlike CPython's threads the speed-up is real. Returns {@code [ioSeconds, cpuSerialSeconds,
     * cpuParallelSeconds, maxConcurrentCpuJobs, maxConcurrentIoJobs]}: the sleeps last {@code ioSeconds × scale}
     * and the I/O time is reported divided by the scale (seed seconds, as everywhere here); the CPU times are
     * real time, which no scale shrinks.
     */
    public double[] executors(int ioJobs, double ioSeconds, int cpuJobs, long primesBelow) {
        int cores = Runtime.getRuntime().availableProcessors();
        return Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            ExecutorService ioPool = Executors.newFixedThreadPool(ioJobs);
            ExecutorService cpuPool = Executors.newFixedThreadPool(cores);
            try {
                long t0 = System.nanoTime();
                AtomicInteger ioRunning = new AtomicInteger();
                AtomicInteger ioMaxRunning = new AtomicInteger();
                List<Future<?>> io = new ArrayList<>();
                for (int i = 0; i < ioJobs; i++) {
                    io.add(loop.runInExecutor(ioPool, () -> {
                        ioMaxRunning.accumulateAndGet(ioRunning.incrementAndGet(), Math::max);
                        Thread.sleep(java.time.Duration.ofNanos((long) (ioSeconds * scale * 1e9)));
                        ioRunning.decrementAndGet();
                        return null;
                    }));
                }
                Asyncio.await(Asyncio.gather(io, false));
                double ioTime = (System.nanoTime() - t0) / 1e9 / scale;
                out.printf("  %d blocking jobs of %.2f s on a pool of %d threads: %.2f s%n", ioJobs, ioSeconds, ioJobs, ioTime);

                // One after another on one thread of their own, not on the loop's (the loop would serve nothing
                // meanwhile, and its watchdog would say so); a first run lets the JIT compile the job.
                double serial = Asyncio.toThread(() -> {
                    cpuBound(primesBelow, new AtomicInteger(), new AtomicInteger());
                    long t1 = System.nanoTime();
                    for (int i = 0; i < cpuJobs; i++) cpuBound(primesBelow, new AtomicInteger(), new AtomicInteger());
                    return (System.nanoTime() - t1) / 1e9;
                });

                AtomicInteger running = new AtomicInteger();
                AtomicInteger maxRunning = new AtomicInteger();
                long t2 = System.nanoTime();
                List<Future<?>> cpu = new ArrayList<>();
                for (int i = 0; i < cpuJobs; i++) {
                    cpu.add(loop.runInExecutor(cpuPool, () -> cpuBound(primesBelow, running, maxRunning)));
                }
                Asyncio.await(Asyncio.gather(cpu, false));
                double parallel = (System.nanoTime() - t2) / 1e9;
                out.printf("  %d CPU jobs (real time): %.2f s one after another, %.2f s on %d cores (%.1fx; no GIL)%n",
                        cpuJobs, serial, parallel, cores, serial / parallel);
                return new double[] {ioTime, serial, parallel, maxRunning.get(), ioMaxRunning.get()};
            } finally {
                ioPool.shutdown();
                cpuPool.shutdown();
            }
        });
    }

    /**
     * A CPU-bound job: counts the primes below {@code limit} by trial division (branchy and data-dependent, so
     * the JIT cannot vectorise it away the way it can a plain sum); counts how many jobs run at the same moment.
     */
    static long cpuBound(long limit, AtomicInteger running, AtomicInteger maxRunning) {
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        long count = 0;
        for (long n = 2; n < limit; n++) {
            boolean prime = true;
            for (long d = 2; d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) count++;
        }
        running.decrementAndGet();
        return count;
    }
}
