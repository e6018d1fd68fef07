package io.jasyncio.cli;

import io.jasyncio.EventLoop;
import io.jasyncio.examples.RunDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run-demo}: seed 004's ten-part practice program for asyncio.run, and the nested-run error. */
@Command(name = "run-demo", mixinStandardHelpOptions = true,
        description = "Seed 004: basics, structure, concurrency, exceptions, timeouts, cancellation, debug mode, "
                + "the vector-database CLI, 5 concurrent requests, a full application, nested run().")
public final class RunDemoCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1.0", description = "Multiplies every sleep (0.1 for a quick run).")
    double scale;

    @Override
    public Integer call() {
        new RunDemo(System.out, scale, EventLoop::new).runAll();
        return 0;
    }
}
