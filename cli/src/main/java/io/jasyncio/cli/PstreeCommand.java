package io.jasyncio.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pstree PID}: the awaited-by tree of another running jasyncio JVM, as Python 3.14's {@code asyncio pstree}. */
@Command(name = "pstree", mixinStandardHelpOptions = true,
        description = {"The awaited-by tree of a running jasyncio program (Python 3.14's 'python -m asyncio pstree'):"
                + " per loop, each task with the frames it is suspended in and, under them, the tasks it awaits.",
                "Attaches with the JDK's Attach API (same user); nothing listens on the network. See docs/INTROSPECTION.md."})
public final class PstreeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PID", description = "The process id of the JVM to inspect.")
    long pid;

    @Override
    public Integer call() {
        return PsCommand.run(spec, pid, true);
    }
}
