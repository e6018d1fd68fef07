package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.Basics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code basics}: seeds 002 and 003, one idea per section. */
@Command(name = "basics", mixinStandardHelpOptions = true,
        description = "Seeds 002/003: coroutines, callbacks, futures, tasks, cancellation, executors, gather/wait.")
public final class BasicsCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1.0", description = "Multiplies every sleep (0.1 for a quick run).")
    double scale;

    @Override
    public Integer call() {
        if (!(scale > 0)) {
            System.err.println("--scale must be a positive number, got " + scale);
            return 2;
        }
        Basics basics = new Basics(System.out, scale);
        Asyncio.run(() -> basics.runAll());
        System.out.println();
        System.out.println("== 9. Executors: blocking I/O on a thread pool, CPU work on every core ==");
        basics.executors(4, 0.5 * scale, 4, 600_000L);
        return 0;
    }
}
