package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.examples.ModelsDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code models}: seed 001's three execution models with tasks A = 2 s, B = 1 s, C = 3 s. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Seed 001: synchronous (≈6 s), awaited one after the other (≈6 s), concurrent (≈3 s).")
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "1.0",
            description = "Multiplies every duration, 0.01 to 10 (0.1 for a quick run); times are shown in the "
                    + "seed's seconds. Default ${DEFAULT-VALUE}.")
    double scale;

    @Override
    public Integer call() throws Exception {
        Check.scale(spec, scale);
        ScaleNote.print(scale);
        ModelsDemo demo = new ModelsDemo(scale);
        System.out.println(demo.synchronous().render());
        System.out.println(Asyncio.run(demo::awaitedInTurn).render());
        System.out.println(Asyncio.run(demo::concurrent).render());
        return 0;
    }
}
