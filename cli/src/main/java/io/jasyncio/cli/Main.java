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
                BenchCommand.class, ClientBenchCommand.class, PgDemoCommand.class, PsCommand.class, PstreeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 done, 1 the program failed, 2 bad command-line input, 130 interrupted.",
                "'bin/jasyncio help COMMAND' or 'bin/jasyncio COMMAND --help' tells more about a command."})
public final class Main implements Runnable {
    /** The exit status when an Error ended the program (sysexits' EX_SOFTWARE): not 1, which bad input gives. */
    static final int FATAL_STATUS = 70;

    public static void main(String[] args) {
        OneLineLogging.install();
        String first = args.length > 0 ? args[0] : "";
        System.exit(execute(first.equals("loadtest") ? loadTestCommandLine()
                : first.equals("ps") || first.equals("pstree") ? psCommandLine() : commandLine(), args));
    }

    /**
     * Only the {@code loadtest} command, under the same name: a load generator's start-up is part of the CPU it is
     * measured by (requests per CPU-second), and picocli's model of every command costs ~0.4 CPU-second, of
     * which this one's is a tenth.
     */
    @Command(name = "jasyncio", subcommands = LoadTestCommand.class)
    static final class LoadTestOnly implements Runnable {
        @Override
        public void run() {
            new CommandLine(new Main()).usage(System.out);
        }
    }

    static CommandLine loadTestCommandLine() {
        return handled(new CommandLine(new LoadTestOnly()));
    }

    /** Only {@code ps} and {@code pstree}, for the same reason: they should answer in well under a second. */
    @Command(name = "jasyncio", subcommands = {PsCommand.class, PstreeCommand.class})
    static final class PsOnly implements Runnable {
        @Override
        public void run() {
            new CommandLine(new Main()).usage(System.out);
        }
    }

    static CommandLine psCommandLine() {
        return handled(new CommandLine(new PsOnly()));
    }

    /**
     * Runs {@code args} on {@code cl} as {@link #main} does (tests run it in a child JVM with commands of their
     * own): an Error, on this thread or any other, ends the JVM with {@link #FATAL_STATUS} and one line.
     */
    static int execute(CommandLine cl, String[] args) {
        memoryForLastWords = new byte[MEMORY_FOR_LAST_WORDS];
        // A loop on another thread (the echo servers') that dies of an Error must not leave this JVM running
        // without it, port open and answering nothing: the zombie of issue 13, item 4.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof Error err) dieOf(err, cl);
            System.err.print("Exception in thread \"" + t.getName() + "\" "); // what the JVM prints without us
            e.printStackTrace();
        });
        try {
            return cl.execute(args); // picocli lets an Error through: an Exception became a one-line failure already
        } catch (Error e) {
            dieOf(e, cl);
            return FATAL_STATUS; // not reached
        }
    }

    /** The subcommand being run ("web-server"), or the command's own name before parsing. */
    private static String commandName(CommandLine cl) {
        CommandLine.ParseResult pr = cl.getParseResult();
        String name = cl.getCommandName();
        while (pr != null && pr.subcommand() != null) {
            pr = pr.subcommand();
            name = pr.commandSpec().name();
        }
        return name;
    }

    /**
     * Ends the JVM at once with one line naming {@code e}. Halts rather than exits: shutdown hooks may wait for
     * the thread that died (the echo servers' does). The heap may be exhausted: whatever fails here, it halts.
     */
    static void dieOf(Error e, CommandLine cl) {
        memoryForLastWords = null; // with the heap exhausted, this is what the message below is made of
        try {
            if (Boolean.getBoolean("jasyncio.trace")) e.printStackTrace();
            System.out.flush();
            // A StringBuilder, not +: a first string concatenation links a call site, which needs memory.
            System.err.println(new StringBuilder(commandName(cl)).append(": fatal error, stopping: ").append(e));
            System.err.flush();
        } catch (Throwable cannotSay) {
            try {
                System.err.println(FATAL_WITHOUT_MEMORY);
            } catch (Throwable ignored) {
                // the status still says it
            }
        } finally {
            Runtime.getRuntime().halt(FATAL_STATUS);
        }
    }

    /** Kept from the start, dropped by {@link #dieOf}: an exhausted heap leaves nothing to format a message with. */
    private static volatile byte[] memoryForLastWords;
    private static final int MEMORY_FOR_LAST_WORDS = 256 * 1024;

    private static final String FATAL_WITHOUT_MEMORY = "jasyncio: fatal error, stopping (no memory left to say more)";

    /** The command line with jasyncio's error handling: what {@link #main} runs (tests run it too). */
    static CommandLine commandLine() {
        return handled(new CommandLine(new Main()));
    }

    private static CommandLine handled(CommandLine cl) {
        return cl.setCaseInsensitiveEnumValuesAllowed(true)
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
