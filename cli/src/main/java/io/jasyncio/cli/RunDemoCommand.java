package io.jasyncio.cli;

import io.jasyncio.EventLoop;
import io.jasyncio.examples.RunDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run-demo}: seed 004's ten-part practice program for asyncio.run, and the nested-run error. */
@Command(name = "run-demo", mixinStandardHelpOptions = true,
        description = "Seed 004: basics, structure, concurrency, exceptions, timeouts, cancellation, debug mode, "
                + "the vector-database CLI, 5 concurrent requests, a full application, nested run().")
public final class RunDemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "1.0",
            description = "Multiplies every sleep, 0.01 to 10 (0.1 for a quick run); times are shown in the "
                    + "seed's seconds. Default ${DEFAULT-VALUE}.")
    double scale;

    @Override
    public Integer call() {
        Check.scale(spec, scale);
        ScaleNote.print(scale);
        new RunDemo(System.out, scale, EventLoop::new).runAll();
        return 0;
    }
}
