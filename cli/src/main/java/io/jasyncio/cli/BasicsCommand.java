package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.Basics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code basics}: seeds 002 and 003, one idea per section. */
@Command(name = "basics", mixinStandardHelpOptions = true,
        description = "Seeds 002/003: coroutines, callbacks, futures, tasks, cancellation, executors, gather/wait.")
public final class BasicsCommand implements Callable<Integer> {
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
        Basics basics = new Basics(System.out, scale);
        Asyncio.run(() -> basics.runAll());
        System.out.println();
        System.out.println("== 9. Executors: blocking I/O on a thread pool, CPU work on every core ==");
        basics.executors(4, 0.5, 4, 600_000L);
        return 0;
    }
}
