package io.jasyncio.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code test}: listed here so that {@code help} shows it and {@code bin/jasyncio test --help} explains it; the
 * launcher itself runs the tests (they run under Maven, which a running JVM cannot be).
 */
@Command(name = "test", mixinStandardHelpOptions = true, customSynopsis = "bin/jasyncio test [MAVEN_ARG...]",
        description = {"Runs every test of every module, each test class once per coroutine engine (vthread and "
                + "portable), then prints one line: 'jasyncio: N passed, N failed, N skipped'.",
                "This is 'mvn verify' from the project's root; extra arguments go to Maven, for example "
                        + "'bin/jasyncio test -pl jasyncio -Dtest=TaskTest'.",
                "Exit status: Maven's (0: every test passed). Takes a few minutes."})
public final class TestCommand implements Callable<Integer> {
    /** What the launcher would pass to Maven. */
    @Unmatched
    List<String> mavenArgs;

    @Override
    public Integer call() {
        System.err.println("jasyncio test: the tests run under Maven, from the launcher: bin/jasyncio test");
        return 2;
    }
}
