package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001's three execution models, with tasks A = 2 s, B = 1 s and C = 3 s:
 * <ol>
 *   <li>synchronous: each task blocks its thread ({@link Thread#sleep}) — 6 s;</li>
 *   <li>awaited one after the other: each task suspends ({@link Asyncio#sleep}) but the next starts only when
 *       it is done — still 6 s;</li>
 *   <li>concurrent: all three are started as tasks, then awaited — ≈ 3 s, the longest task.</li>
 * </ol>
 * Each model returns a {@link Timeline} (when each task started and ended) that renders as the seed's text
 * time line. All durations are multiplied by {@code scale} (1 = the seed's seconds); the timelines report
 * them divided by it again, so they read in the seed's seconds whatever the scale.
 *
 * <p>Threading: {@link #synchronous} may run anywhere (and blocks its thread); {@link #awaitedInTurn} and
 * {@link #concurrent} are coroutines and must be called from a task's code.
 */
public final class ModelsDemo {
    /** One of the seed's tasks: a name and a duration in (unscaled) seconds. */
    public record Job(String name, double seconds) {}

    /** The seed's three tasks. */
    public static final List<Job> JOBS = List.of(new Job("A", 2), new Job("B", 1), new Job("C", 3));

    private final double scale;

    /** A demo whose sleeps last {@code scale} times the seed's (scale > 0). */
    public ModelsDemo(double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        this.scale = scale;
    }

    /** Model 1: {@code taskA(); taskB(); taskC()} with blocking sleeps, timed with the system clock. */
    public Timeline synchronous() throws InterruptedException {
        long t0 = System.nanoTime();
        List<Timeline.Span> spans = new ArrayList<>();
        for (Job job : JOBS) {
            double start = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(java.time.Duration.ofNanos((long) (job.seconds() * scale * 1e9)));
            spans.add(span(job, start, (System.nanoTime() - t0) / 1e9));
        }
        return new Timeline("synchronous (blocking)", spans, (System.nanoTime() - t0) / 1e9 / scale);
    }

    /** Model 2: {@code await taskA(); await taskB(); await taskC()}, timed with the loop's clock. */
    public Timeline awaitedInTurn() {
        EventLoop loop = Asyncio.getRunningLoop();
        double t0 = loop.time();
        List<Timeline.Span> spans = new ArrayList<>();
        for (Job job : JOBS) spans.add(runJob(job, loop, t0));
        return new Timeline("awaited one after the other", spans, (loop.time() - t0) / scale);
    }

    /** Model 3: start A, B and C as tasks, then await each; they sleep at the same time. */
    public Timeline concurrent() {
        EventLoop loop = Asyncio.getRunningLoop();
        double t0 = loop.time();
        List<Task<Timeline.Span>> tasks = new ArrayList<>();
        for (Job job : JOBS) tasks.add(Asyncio.createTask(() -> runJob(job, loop, t0), job.name()));
        List<Timeline.Span> spans = new ArrayList<>();
        for (Task<Timeline.Span> t : tasks) spans.add(Asyncio.await(t));
        return new Timeline("concurrent (tasks)", spans, (loop.time() - t0) / scale);
    }

    private Timeline.Span runJob(Job job, EventLoop loop, double t0) {
        double start = loop.time() - t0;
        Asyncio.sleep(job.seconds() * scale);
        return span(job, start, loop.time() - t0);
    }

    private Timeline.Span span(Job job, double start, double end) {
        return new Timeline.Span(job.name(), start / scale, end / scale);
    }

    /** Prints the three time lines. Options: {@code --scale S} (default 1). */
    public static void main(String[] args) throws Exception {
        double scale = 1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--scale") && i + 1 < args.length) scale = Double.parseDouble(args[++i]);
            else throw new IllegalArgumentException("unknown option " + args[i] + "; usage: ModelsDemo [--scale S]");
        }
        ModelsDemo demo = new ModelsDemo(scale);
        System.out.println(demo.synchronous().render());
        System.out.println(Asyncio.run(demo::awaitedInTurn).render());
        System.out.println(Asyncio.run(demo::concurrent).render());
    }
}
