package io.jasyncio.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code install}: listed here so that {@code help} shows it and {@code bin/jasyncio install --help} explains
 * it; the launcher itself runs Maven for it.
 */
@Command(name = "install", mixinStandardHelpOptions = true, customSynopsis = "bin/jasyncio install [MAVEN_ARG...]",
        description = {"Builds the library modules (jasyncio, http, pg) and installs them, with sources and Javadoc "
                + "jars, into the local Maven repository (~/.m2), for Maven or Gradle's mavenLocal() to find.",
                "This is 'mvn install' of those modules, without the tests; extra arguments go to Maven."})
public final class InstallCommand implements Callable<Integer> {
    /** What the launcher would pass to Maven. */
    @Unmatched
    List<String> mavenArgs;

    @Override
    public Integer call() {
        System.err.println("jasyncio install: Maven installs the modules, from the launcher: bin/jasyncio install");
        return 2;
    }
}
