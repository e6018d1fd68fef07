package io.jasyncio.cli;

import io.jasyncio.inspect.Inspector;
import io.jasyncio.inspect.TaskTables;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ps PID}: the tasks of another running JVM that uses jasyncio, as Python 3.14's {@code asyncio ps}. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"The tasks of a running jasyncio program (Python 3.14's 'python -m asyncio ps'): per loop,"
                + " task id, name, state, where it is suspended and which task awaits it.",
                "Attaches with the JDK's Attach API (same user); nothing listens on the network. See docs/INTROSPECTION.md."})
public final class PsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PID", description = "The process id of the JVM to inspect.")
    long pid;

    @Override
    public Integer call() {
        return run(spec, pid, false);
    }

    /** Shared with {@code pstree}: prints the table or the tree; a failure is one line on stderr and exit code 1. */
    static int run(CommandSpec spec, long pid, boolean tree) {
        if (pid <= 0) throw new ParameterException(spec.commandLine(), "PID must be a positive process id, got " + pid);
        Inspector.Snapshot s;
        try {
            s = Inspector.snapshot(pid);
        } catch (Inspector.InspectionException e) {
            System.err.println("jasyncio " + spec.name() + ": " + e.getMessage());
            return 1;
        }
        System.out.print(tree ? TaskTables.tree(s.rows(), s.loopErrors()) : TaskTables.table(s.rows(), s.loopErrors()));
        return 0;
    }
}
