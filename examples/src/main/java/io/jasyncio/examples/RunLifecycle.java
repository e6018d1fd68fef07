package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Seeds 000 and 001: what {@code asyncio.run(main())} does, observed from the inside, and the low-level loop
 * API it stands for. Each method returns the events it saw, in order, so a test can check the order itself.
 *
 * <p>Threading: {@link #interleaving()} is a coroutine (call it from a task); the others start their own loops
 * on the calling thread and must not be called from inside a running loop.
 */
public final class RunLifecycle {
    private final PrintStream out;
    private final double scale;

    public RunLifecycle(PrintStream out, double scale) {
        if (!(scale > 0)) throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        this.out = out;
        this.scale = scale;
    }

    private void log(List<String> events, String line) {
        out.println("  " + line);
        events.add(line);
    }

    /**
     * Seed 000's sequence diagram: task A downloads a file and waits for the network, so the loop switches to
     * task B, which writes to a database and waits for the disk; each resumes when its I/O is ready (here: a
     * sleep standing for it: the network answers after 1 s, the disk after 2 s, as in the seed).
     */
    public List<String> interleaving() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Task<Void> a = Asyncio.createTask(() -> {
            log(events, "A: start downloading, await the network");
            Asyncio.sleep(1 * scale);
            log(events, "A: network data arrived, download done");
            return null;
        }, "A-download");
        Task<Void> b = Asyncio.createTask(() -> {
            log(events, "B: start writing to the database, await the disk");
            Asyncio.sleep(2 * scale);
            log(events, "B: disk write done");
            return null;
        }, "B-database");
        Asyncio.await(a);
        Asyncio.await(b);
        log(events, "both done: the loop ran A and B on one thread, switching at each await");
        return events;
    }

    /**
     * {@code asyncio.run}'s life cycle: a new loop runs {@code main} as a task; when main returns, the tasks it
     * left behind are cancelled and awaited, the default executor is shut down, the loop is closed, and main's
     * result comes back.
     */
    public List<String> lifecycle() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        EventLoop[] loop = new EventLoop[1];
        Task<?>[] leftBehind = new Task<?>[1];
        String result = Asyncio.run(() -> {
            loop[0] = Asyncio.getRunningLoop();
            log(events, "1. a new event loop is running: " + loop[0].isRunning());
            log(events, "2. main runs as a task: " + Asyncio.currentTask().getName().startsWith("Task-"));
            leftBehind[0] = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(3600);
                } catch (CancelledError e) {
                    log(events, "3. the task main left behind is cancelled by run()");
                    throw e;
                }
                return null;
            });
            String fromThread = Asyncio.toThread(() -> "executor job done");
            log(events, "   main used the default executor: " + fromThread);
            Asyncio.sleep(0); // let the background task start
            return "main's result";
        });
        log(events, "4. the default executor is shut down: " + noExecutorThreadAlive());
        log(events, "5. the loop is closed: " + loop[0].isClosed() + ", left-behind task cancelled: "
                + leftBehind[0].cancelled());
        log(events, "run() returned \"" + result + "\"");
        return events;
    }

    /** The low-level form for long-running programs (seed 001): new loop, set it, create tasks, run, close. */
    public List<String> lowLevel() {
        List<String> events = new ArrayList<>();
        EventLoop loop = Asyncio.newEventLoop();
        Asyncio.setEventLoop(loop);
        try {
            Task<String> first = loop.createTask(() -> {
                Asyncio.sleep(0.05 * scale);
                return "first";
            });
            log(events, "runUntilComplete(first) -> " + loop.runUntilComplete(first));
            Task<String> later = loop.createTask(() -> "a task added later, same loop");
            log(events, "runUntilComplete(later) -> " + loop.runUntilComplete(later));
        } finally {
            Asyncio.setEventLoop(null);
            loop.close();
        }
        log(events, "loop closed: " + loop.isClosed());
        return events;
    }

    private static boolean noExecutorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("asyncio-"));
    }
}
