package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.loadtest.LoadTest;
import io.jasyncio.examples.loadtest.WorkflowService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loadtest}: seed 000's load-test tool against a workflow service (in this process, or elsewhere). */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = {"Seed 000's load test: C virtual users each run query -> run_single_task (which start_task's "
                + "on a pool of W workers), with per-step timeouts; failures are counted by kind.",
                "Against an in-process workflow service unless --connect is given; 'loadtest serve' runs one."},
        subcommands = LoadTestCommand.Serve.class)
public final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--users", defaultValue = "50", description = "Concurrent virtual users. Default ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--rounds", defaultValue = "10", description = "Rounds per user. Default ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--duration", defaultValue = "30", description = "At most this many seconds. Default ${DEFAULT-VALUE}.")
    double duration;

    @Option(names = "--step-timeout", defaultValue = "5", description = "Client-side timeout per step, seconds. Default ${DEFAULT-VALUE}.")
    double stepTimeout;

    @Option(names = "--workers", defaultValue = "10", description = "In-process service: task slots. Default ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--input-timeout", defaultValue = "1", description = "In-process service: how long a request waits for a slot. Default ${DEFAULT-VALUE}.")
    double inputTimeout;

    @Option(names = "--work", defaultValue = "0.05", description = "In-process service: seconds of work per task. Default ${DEFAULT-VALUE}.")
    double work;

    @Option(names = "--connect", paramLabel = "HOST:PORT", description = "A workflow service elsewhere (loopback only).")
    String connect;

    @Override
    public Integer call() {
        LoadTest.Options o = LoadTest.Options.defaults().withUsers(users).withRounds(rounds).withDuration(duration)
                .withStepTimeout(stepTimeout).withService(workers, inputTimeout, work);
        if (connect != null) {
            int colon = connect.lastIndexOf(':');
            if (colon < 1) throw new IllegalArgumentException("--connect wants HOST:PORT, got '" + connect + "'");
            o = o.withTarget(connect.substring(0, colon), Integer.parseInt(connect.substring(colon + 1)));
        }
        LoadTest.run(o, System.out);
        return 0;
    }

    /** {@code loadtest serve}: a workflow service on 127.0.0.1 until Ctrl-C. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the workflow service on 127.0.0.1 until Ctrl-C.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "0", description = "Port (0: any free one). Default ${DEFAULT-VALUE}.")
        int port;

        @Option(names = "--workers", defaultValue = "10", description = "Task slots. Default ${DEFAULT-VALUE}.")
        int workers;

        @Option(names = "--input-timeout", defaultValue = "1", description = "Seconds a request waits for a slot. Default ${DEFAULT-VALUE}.")
        double inputTimeout;

        @Option(names = "--work", defaultValue = "0.05", description = "Seconds of work per task. Default ${DEFAULT-VALUE}.")
        double work;

        @Override
        public Integer call() {
            Asyncio.run(() -> {
                try (WorkflowService s = WorkflowService.start(port, workers, inputTimeout, work)) {
                    System.out.println("workflow service on 127.0.0.1:" + s.port() + "; Ctrl-C stops it");
                    Asyncio.await(Asyncio.getRunningLoop().createFuture());
                }
                return null;
            });
            return 0;
        }
    }
}
