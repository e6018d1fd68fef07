package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Run by {@link FatalExitTest} in a child JVM: the launcher's own execution ({@link Main#execute}) with commands
 * that die of an Error, as {@code bin/jasyncio} would run them.
 */
public final class FatalProbe {
    private FatalProbe() {}

    public static void main(String[] args) {
        OneLineLogging.install();
        CommandLine cl = Main.commandLine()
                .addSubcommand("callback-error", new CallbackError())
                .addSubcommand("loop-thread-oom", new LoopThreadOom());
        System.exit(Main.execute(cl, args));
    }

    /** A callback on the main thread's loop raises StackOverflowError. */
    @Command(name = "callback-error")
    static final class CallbackError implements Callable<Integer> {
        @Override
        public Integer call() {
            Asyncio.run(() -> {
                Asyncio.getRunningLoop().callSoon(() -> {
                    throw new StackOverflowError("raised by a callback");
                });
                Asyncio.sleep(3); // before: the error was logged, and this command ended with status 0
                return null;
            });
            return 0;
        }
    }

    /**
     * As the echo servers run: the loop on a thread of its own, main waiting for ever. Task code exhausts the
     * heap (run with a small -Xmx), and the loop's thread dies of it.
     */
    @Command(name = "loop-thread-oom")
    static final class LoopThreadOom implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            Thread loop = new Thread(() -> Asyncio.run(() -> {
                List<long[]> hog = new ArrayList<>();
                while (true) hog.add(new long[1 << 16]);
            }), "loop-thread");
            loop.start();
            new CountDownLatch(1).await(); // before: the loop's thread died and this waited for ever (the zombie)
            return 0;
        }
    }
}
