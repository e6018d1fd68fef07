package io.jasyncio.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jasyncio} command: one subcommand per program of the seeds, plus benchmarks. */
@Command(name = "jasyncio", mixinStandardHelpOptions = true, version = "jasyncio 0.1.0",
        description = "Python's asyncio in Java: the seeds' programs, servers and benchmarks.",
        subcommands = {TourCommand.class, BasicsCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        OneLineLogging.install();
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
