package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Coroutine;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001's three execution models, with tasks A = 2 s, B = 1 s and C = 3 s:
 * <ol>
 *   <li>synchronous: each task blocks its thread ({@link Thread#sleep}) — 6 s;</li>
 *   <li>awaited one after the other: each task suspends ({@link Asyncio#sleep}) but the next starts only when
 *       it is done — still 6 s;</li>
 *   <li>concurrent: {@code await asyncio.gather(task_a(), task_b(), task_c())} — all three run as tasks at
 *       once, ≈ 3 s, the longest task.</li>
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

    /** Model 3: {@code gather} runs A, B and C as tasks; they sleep at the same time. */
    public Timeline concurrent() {
        EventLoop loop = Asyncio.getRunningLoop();
        double t0 = loop.time();
        List<Coroutine<Timeline.Span>> jobs = new ArrayList<>();
        for (Job job : JOBS) jobs.add(() -> runJob(job, loop, t0));
        List<Timeline.Span> spans = new ArrayList<>();
        for (Object span : Asyncio.await(Asyncio.gather(jobs, false))) spans.add((Timeline.Span) span);
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
}
