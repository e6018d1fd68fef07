package io.jasyncio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jasyncio} command: one subcommand per program of the seeds, plus benchmarks. */
@Command(name = "jasyncio", mixinStandardHelpOptions = true, version = "jasyncio 0.1.0",
        description = "Python's asyncio in Java: the seeds' programs, servers and benchmarks.",
        subcommands = {TourCommand.class, ModelsCommand.class, BasicsCommand.class, EchoServerCommand.class, EchoClientsCommand.class,
                RunDemoCommand.class, VectorDbCommand.class, LoadTestCommand.class, EchoLoadCommand.class, WebServerCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    /** The exit status when an Error ended the program (sysexits' EX_SOFTWARE): not 1, which bad input gives. */
    static final int FATAL_STATUS = 70;

    public static void main(String[] args) {
        OneLineLogging.install();
        System.exit(execute(commandLine(), args));
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
