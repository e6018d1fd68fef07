package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The main job: the seeds' system end to end, in the seeds' order. */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = "Runs the seeds' programs briefly, in order, with headings.")
public final class TourCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("== asyncio.run: two tasks interleaving at their awaits ==");
        long t0 = System.nanoTime();
        String result = Asyncio.run(() -> {
            Task<String> a = Asyncio.createTask(() -> step("A (download)", 0.2));
            Task<String> b = Asyncio.createTask(() -> step("B (database write)", 0.1));
            return Asyncio.await(a) + " + " + Asyncio.await(b);
        });
        System.out.printf("main returned \"%s\" after %.2f s (engine: %s)%n", result, (System.nanoTime() - t0) / 1e9,
                io.jasyncio.internal.Engine.get().name());
        return 0;
    }

    private static String step(String what, double seconds) {
        System.out.println("  start " + what);
        Asyncio.sleep(seconds);
        System.out.println("  done  " + what);
        return what;
    }
}
