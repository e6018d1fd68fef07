package io.jasyncio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code jasyncio} command: one subcommand per program of the seeds, plus benchmarks.
 *
 * <p>Exit status: 0 done; 1 the program failed (one line on stderr says why; {@code -Djasyncio.trace=true} adds
 * the stack trace); 2 bad command-line input (the message, the synopsis, and where to find help: picocli's
 * usage code); 130 interrupted (Ctrl-C).
 */
@Command(name = "jasyncio", mixinStandardHelpOptions = true, version = "jasyncio 0.2.0",
        description = "Python's asyncio in Java: the seeds' programs, servers and benchmarks.",
        subcommands = {TourCommand.class, TestCommand.class, InstallCommand.class, ModelsCommand.class,
                BasicsCommand.class, EchoServerCommand.class, EchoClientsCommand.class, RunDemoCommand.class,
                VectorDbCommand.class, LoadTestCommand.class, EchoLoadCommand.class, WebServerCommand.class,
                BenchCommand.class, PgDemoCommand.class, PsCommand.class, PstreeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 done, 1 the program failed, 2 bad command-line input, 130 interrupted.",
                "'bin/jasyncio help COMMAND' or 'bin/jasyncio COMMAND --help' tells more about a command."})
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
                .setParameterExceptionHandler(Main::reportBadInput)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /**
     * Bad command-line input: the message on one line, the command's synopsis, where to read more; status 2.
     * (picocli's default would print the whole usage, in which the one line that matters gets lost.)
     */
    private static int reportBadInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        err.println(qualifiedName(cmd) + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.print(cmd.getHelp().synopsis(0).replaceFirst("^\\s*", "Usage: "));
        err.println("Try 'bin/jasyncio " + qualifiedName(cmd).replaceFirst("^jasyncio ?", "")
                .concat(" --help").trim() + "' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** "jasyncio vectordb bench" for the bench subcommand of vectordb. */
    private static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    /** A failure is one line naming what went wrong (the stack trace only with -Djasyncio.trace=true). */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof io.jasyncio.KeyboardInterrupt) {
            System.err.println("interrupted");
            return 130;
        }
        if (Boolean.getBoolean("jasyncio.trace")) e.printStackTrace();
        String msg = e.getMessage() != null ? e.getMessage() : e.toString();
        System.err.println(qualifiedName(cmd) + ": " + msg);
        return 1;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
