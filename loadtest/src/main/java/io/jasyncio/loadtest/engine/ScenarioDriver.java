package io.jasyncio.loadtest.engine;

import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.scenario.IterationFailed;
import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.VirtualUser;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs scenarios: each iteration of a {@link Scenario} by a {@link VirtualUser}, in a task. Closed model: each
 * active user loops, iteration after iteration (stages change how many are active; a user told to stop finishes
 * its iteration). Open model: each arrival starts one iteration on a free user (at most {@code maxConcurrency}
 * users); an arrival that finds none waits, and its wait counts in its iteration's latency, which is measured
 * from the intended start. Each iteration is counted once, in its scenario and overall: a success, or a failure
 * of the kind its failed step had.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class ScenarioDriver extends PacedDriver<VirtualUser> {
    /** The message of an iteration or step cut short by the end of the run. */
    public static final String ENDED = "still running when the run ended";

    private final List<WeightedScenario> mix;
    private final VirtualUser[] users;
    private final boolean[] active;
    private final long[] freeSince;
    private final boolean[] finished;   // closed model: the user did its iterations
    private final ArrayDeque<VirtualUser> free = new ArrayDeque<>();
    private final Set<Task<?>> running = new HashSet<>();
    private final StepMetrics overall = new StepMetrics("iteration");
    private final long iterationsPerUser;
    private int usersLooping;
    private final UserFactory factory;
    private final int firstUser;   // the id of this driver's user 0 (with several loops, the earlier loops' users come first)

    /**
     * Makes user {@code id}.
     *
     * <p>Threading: called on the driver's loop thread.
     */
    public interface UserFactory {
        /**
         * Makes the user.
         *
         * @param id the user's number
         * @return a new user
         */
        VirtualUser make(int id);
    }

    /**
     * A driver of {@code mix} under {@code model}; in the closed model each user stops after
     * {@code iterationsPerUser} iterations (0: no limit); its users are numbered from {@code firstUser}.
     *
     * @param loop the loop it runs on
     * @param metrics where it records (the overall metric is {@code iteration})
     * @param mix the scenarios and their weights (not empty)
     * @param model the load model
     * @param iterationsPerUser each user's iterations in the closed model; 0: no limit
     * @param firstUser the number of this driver's first user
     * @param factory makes the users
     */
    public ScenarioDriver(EventLoop loop, Metrics metrics, List<WeightedScenario> mix, LoadModel model,
            long iterationsPerUser, int firstUser, UserFactory factory) {
        if (mix.isEmpty()) throw new IllegalArgumentException("no scenario to run");
        super(loop, metrics, model);
        this.mix = List.copyOf(mix);
        this.factory = factory;
        this.firstUser = firstUser;
        int n = places(model);
        this.users = new VirtualUser[n];
        this.active = new boolean[n];
        this.freeSince = new long[n];
        this.finished = new boolean[n];
        metrics.overall(overall);
        for (WeightedScenario w : mix) metrics.scenario(w.scenario().name());
        this.iterationsPerUser = iterationsPerUser;
    }

    private VirtualUser user(int i) {
        if (users[i] == null) users[i] = factory.make(firstUser + i);
        return users[i];
    }

    @Override
    void openPlaces() {
        for (int i = 0; i < users.length; i++) {
            free.add(user(i));
            freeSince[i] = startNanos;
        }
    }

    @Override
    VirtualUser takeFree() {
        return free.poll();
    }

    @Override
    boolean anyFree() {
        return !free.isEmpty();
    }

    @Override
    long freeSince(VirtualUser u) {
        return freeSince[u.id() - firstUser];
    }

    @Override
    void launch(VirtualUser u, long intended, long now) {
        spawn(() -> {
            try {
                iterate(u, intended, now);
            } finally {
                free.add(u);
                freeSince[u.id() - firstUser] = loop.nanoTime();
                loop.callSoon(this::dispatch);
            }
            return null;
        }, "loadtest-iteration");
    }

    @Override
    boolean idle() {
        return running.isEmpty();
    }

    @Override
    void rampTo(int n) {
        for (int i = 0; i < users.length; i++) {
            boolean want = i < n && !finished[i];
            if (want && !active[i]) {
                active[i] = true;
                int id = i;
                usersLooping++;
                spawn(() -> {
                    VirtualUser u = user(id);
                    try {
                        while (sending && active[id] && (iterationsPerUser == 0 || u.iteration() < iterationsPerUser)) {
                            long now = loop.nanoTime();
                            metrics.sent(now, 0);
                            iterate(u, now, now);
                        }
                    } finally {
                        active[id] = false;
                        if (iterationsPerUser > 0 && u.iteration() >= iterationsPerUser) finished[id] = true;
                        if (--usersLooping == 0 && iterationsPerUser > 0 && !exhausted.done()) exhausted.setResult(null);
                    }
                    return null;
                }, "loadtest-user-" + i);
            } else if (!want) {
                active[i] = false;
            }
        }
    }

    private void spawn(io.jasyncio.Coroutine<Void> body, String name) {
        Task<Void> t = loop.createTask(body, name);
        running.add(t);
        t.addDoneCallback(x -> {
            running.remove(x);
            checkDrained();
        });
    }

    /** One iteration of {@code u}, intended to start at {@code intended}, started at {@code started}. */
    private void iterate(VirtualUser u, long intended, long started) {
        Scenario s = WeightedScenario.pick(mix, u.random());
        StepMetrics sm = metrics.scenario(s.name());
        u.nextIteration();
        try {
            s.run(u);
            long now = loop.nanoTime();
            sm.ok(now - intended, now - started);
            overall.ok(now - intended, now - started);
        } catch (CancelledError e) { // only close() cancels an iteration: the run ended under it
            sm.failed("timeout", ENDED);
            overall.failed("timeout", ENDED);
            throw e;
        } catch (IterationFailed e) {
            sm.failed(e.kind(), e.getMessage());
            overall.failed(e.kind(), e.getMessage());
        } catch (Exception e) { // thrown outside any step: the scenario's own fault, counted, never hidden
            Failure f = Failure.of(e, 0);
            metrics.failed(metrics.step("(outside steps)"), f.kind(), f.message());
            sm.failed(f.kind(), "outside any step: " + f.message());
            overall.failed(f.kind(), "outside any step: " + f.message());
        } finally {
            metrics.finished();
        }
    }

    /** Iterations still running when the run ended are cancelled and counted as timeouts. */
    @Override
    public void close() {
        sending = false;
        for (Task<?> t : List.copyOf(running)) t.cancel();
        for (VirtualUser u : users) if (u != null) u.close();
    }
}
