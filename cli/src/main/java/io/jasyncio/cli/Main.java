package io.jasyncio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jasyncio} command: one subcommand per program of the seeds, plus benchmarks. */
@Command(name = "jasyncio", mixinStandardHelpOptions = true, version = "jasyncio 0.2.0",
        description = "Python's asyncio in Java: the seeds' programs, servers and benchmarks.",
        subcommands = {TourCommand.class, ModelsCommand.class, BasicsCommand.class, EchoServerCommand.class, EchoClientsCommand.class,
                RunDemoCommand.class, VectorDbCommand.class, LoadTestCommand.class, EchoLoadCommand.class, WebServerCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        OneLineLogging.install();
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The command line with jasyncio's error handling: what {@link #main} runs (tests run it too). */
    static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /** A failure is one line naming what went wrong (the stack trace only with -Djasyncio.trace=true). */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof io.jasyncio.KeyboardInterrupt) {
            System.err.println("interrupted");
            return 130;
        }
        if (Boolean.getBoolean("jasyncio.trace")) e.printStackTrace();
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        System.err.println(cmd.getCommandName() + ": " + msg);
        return 1;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
