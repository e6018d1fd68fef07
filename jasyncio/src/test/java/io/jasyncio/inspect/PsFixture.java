package io.jasyncio.inspect;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;
import io.jasyncio.EventLoop;
import io.jasyncio.TaskGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link InspectorTest} inspects from outside: a task "supervisor" in a TaskGroup under "main",
 * gathering {@code args[0]} tasks "worker-i" that wait in {@link #workerWaits}; prints "READY" once they all
 * wait, and ends when its standard input closes.
 */
public final class PsFixture {
    private PsFixture() {}

    static Object workerWaits(Event stop) {
        stop.await();
        return null;
    }

    static Object supervise(Event stop, int workers) {
        List<io.jasyncio.Task<?>> ts = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) ts.add(Asyncio.createTask(() -> workerWaits(stop), "worker-" + i));
        Asyncio.await(Asyncio.gather(ts.toArray(new io.jasyncio.Future<?>[0])));
        return null;
    }

    public static void main(String[] args) {
        int workers = Integer.parseInt(args[0]);
        Asyncio.run(() -> {
            Event stop = new Event();
            EventLoop loop = Asyncio.getRunningLoop();
            Thread stdin = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) { /* until the test closes our input */ }
                } catch (IOException ignored) {
                    // a broken pipe ends us as a close would
                }
                loop.callSoonThreadsafe(stop::set);
            }, "stdin-watch");
            stdin.setDaemon(true);
            stdin.start();
            return TaskGroup.run(tg -> {
                tg.createTask(() -> supervise(stop, workers), "supervisor");
                tg.createTask(() -> {
                    while (Asyncio.allTasks().size() < workers + 2) Asyncio.sleep(0);
                    System.out.println("READY");
                    System.out.flush();
                    return null;
                }, "announcer");
                return null;
            });
        });
    }
}
