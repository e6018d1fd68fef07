package io.jasyncio.inspect;

import io.jasyncio.Asyncio;
import io.jasyncio.Event;
import io.jasyncio.EventLoop;
import io.jasyncio.TaskGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link InspectorTest} inspects from outside (and the one to time {@code jasyncio ps} against):
 * a task "supervisor" in a TaskGroup under "main", gathering {@code args[0]} tasks "worker-i" that wait in
 * {@link #workerWaits}; with a second argument {@code tree}, the workers hang under a tree of TaskGroups instead
 * (100 "team-i" tasks, each a TaskGroup of its share of the workers), as a service's tasks do. Prints "READY"
 * once every task waits, and ends when its standard input closes.
 */
public final class PsFixture {
    private PsFixture() {}

    static final int TEAMS = 100;

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

    /** The tree form: TEAMS teams, worker i in team i % TEAMS. */
    static Object superviseTeams(Event stop, int workers) {
        return TaskGroup.run(tg -> {
            for (int t = 0; t < TEAMS; t++) {
                int team = t;
                tg.createTask(() -> TaskGroup.run(members -> {
                    for (int i = team; i < workers; i += TEAMS) members.createTask(() -> workerWaits(stop), "worker-" + i);
                    return null;
                }), "team-" + team);
            }
            return null;
        });
    }

    public static void main(String[] args) {
        int workers = Integer.parseInt(args[0]);
        boolean tree = args.length > 1 && args[1].equals("tree");
        int tasks = workers + 2 + (tree ? Math.min(TEAMS, workers) : 0);
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
                tg.createTask(() -> tree ? superviseTeams(stop, workers) : supervise(stop, workers), "supervisor");
                tg.createTask(() -> {
                    while (Asyncio.allTasks().size() < tasks) Asyncio.sleep(0);
                    System.out.println("READY");
                    System.out.flush();
                    return null;
                }, "announcer");
                return null;
            });
        });
    }
}
