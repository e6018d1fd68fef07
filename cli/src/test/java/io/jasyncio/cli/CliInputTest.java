package io.jasyncio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, item 19: every option is checked before any work; bad input gets one line naming the option, the
 * synopsis and where to read more, exit status 2, never a stack trace.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliInputTest {
    static Stream<Arguments> badInput() {
        return Stream.of(
                // the cases: an index out of bounds, an OutOfMemoryError, "Infinity ns", 71 MB of output
                Arguments.of("vectordb bench --queries 0 --n 100", "--queries must be from 1 to 100000, got 0"),
                Arguments.of("vectordb bench --dim 100000000 --n 10", "--dim must be from 1 to 65536, got 100000000"),
                Arguments.of("bench core --scale -1 --no-peers", "--scale must be from 0.001 to 1, got -1"),
                Arguments.of("models --scale 1e-9", "--scale must be from 0.01 to 10, got 1.00e-09"),
                // every numeric option of every command this helper owns
                Arguments.of("vectordb bench --n 5", "--n must be from 10 to 100000000, got 5"),
                Arguments.of("vectordb bench --n 100000000 --dim 65536", "MiB of heap; this JVM has"),
                Arguments.of("vectordb --connect nohost", "--connect wants HOST:PORT, got 'nohost'"),
                Arguments.of("vectordb --connect 127.0.0.1:x", "--connect wants HOST:PORT with a numeric port"),
                Arguments.of("vectordb --connect 127.0.0.1:70000", "--connect's port must be a port from 1 to 65535"),
                Arguments.of("vectordb --timeout 0", "--timeout must be a number of seconds above 0"),
                Arguments.of("vectordb --remote --connect 127.0.0.1:1", "--remote and --connect exclude each other"),
                Arguments.of("web-server --port 70000", "--port must be a port from 0 (any free one) to 65535, got 70000"),
                Arguments.of("web-server --loops -1", "--loops must be from 1 to 1024, or 0 for one per available processor; got -1"),
                Arguments.of("web-server --loops 5000", "--loops must be from 1 to 1024, or 0 for one per available processor; got 5000"),
                Arguments.of("web-server --loops two", "Invalid value for option '--loops': 'two' is not an int"),
                Arguments.of("web-server --loops 2 --sharding nope", "Invalid value for option '--sharding'"),
                Arguments.of("echo-server --mode protocol --loops -2", "--loops must be from 1 to 1024, or 0 for one per available processor; got -2"),
                Arguments.of("echo-server --mode pool --loops 2", "--loops applies to --mode streams and protocol only"),
                Arguments.of("web-server --static /nonexistent-jasyncio-dir", "--static: no directory at /nonexistent-jasyncio-dir"),
                Arguments.of("web-server --cert /nonexistent.pem", "--cert needs --key"),
                Arguments.of("web-server --key /nonexistent.pem", "--key needs --cert"),
                Arguments.of("web-server --https --unix /tmp/jasyncio-x.sock", "--unix serves plain HTTP"),
                Arguments.of("web-server --unix /nonexistent-jasyncio-dir/x.sock", "--unix: no directory /nonexistent-jasyncio-dir"),
                Arguments.of("web-server --cert /nonexistent.pem --key /nonexistent.key", "--cert: cannot read /nonexistent.pem"),
                Arguments.of("web-server --loops 2 --access-log", "--access-log with --loops 2: not yet"),
                Arguments.of("echo-load --host nonexistent.invalid --port 1", "--host: cannot resolve 'nonexistent.invalid'"),
                Arguments.of("vectordb serve --port 65536", "--port must be a port from 0 (any free one) to 65535"),
                Arguments.of("vectordb serve --max-mib 0", "--max-mib must be from 1 to"),
                Arguments.of("bench core --rounds 0 --no-peers", "--rounds must be from 1 to 1000, got 0"),
                Arguments.of("bench core --scale NaN --no-peers", "--scale must be from 0.001 to 1, got NaN"),
                Arguments.of("bench nonsense", "unknown benchmark 'nonsense'; available: core, jmh, parked"),
                Arguments.of("bench parked --tasks 0", "--tasks must be from 1 to 2000000, got 0"),
                Arguments.of("bench core --no-peers -f 1", "unknown option(s) for 'bench core': -f 1"),
                Arguments.of("models --scale -1", "--scale must be from 0.01 to 10, got -1"),
                Arguments.of("models --scale 1e9", "--scale must be from 0.01 to 10, got 1000000000"),
                Arguments.of("models --scale abc", "Invalid value for option '--scale': 'abc' is not a double"),
                Arguments.of("basics --scale 0", "--scale must be from 0.01 to 10, got 0"),
                Arguments.of("run-demo --scale Infinity", "--scale must be from 0.01 to 10, got Infinity"),
                Arguments.of("tour --scale 0.001", "--scale must be from 0.01 to 10, got 0.001"),
                Arguments.of("echo-server --mode streams --port 70000", "--port must be a port from 0 (any free one) to 65535"),
                Arguments.of("echo-server --mode streams --port -1", "--port must be a port from 0 (any free one) to 65535"),
                Arguments.of("echo-server --mode nonsense", "Invalid value for option '--mode'"),
                Arguments.of("echo-clients --port 0", "--port must be a port from 1 to 65535, got 0"),
                Arguments.of("echo-clients --port 1 --clients 0", "--clients must be from 1 to 100, got 0"),
                Arguments.of("echo-clients --port 1 --scale 0", "--scale must be from 0.01 to 10, got 0"),
                Arguments.of("echo-load --port 1 --conns 0", "--conns must be from 1 to 10000, got 0"),
                Arguments.of("echo-load --port 1 --msize 0", "--msize must be from 1 to 16777216, got 0"),
                Arguments.of("echo-load --port 1 --duration -1", "--duration must be a number of seconds above 0"),
                Arguments.of("echo-load --port 99999", "--port must be a port from 1 to 65535, got 99999"),
                Arguments.of("client-bench --concurrency 0 http://127.0.0.1:1/", "--concurrency must be from 1 to 10000, got 0"),
                Arguments.of("client-bench --h2c --http1 http://127.0.0.1:1/", "--h2c and --http1 exclude each other"),
                Arguments.of("client-bench ftp://127.0.0.1/", "URL: "),
                Arguments.of("pg-demo", "Missing required argument (specify one of these): (--dsn=<dsn> | --local)"),
                Arguments.of("pg-demo --local --accounts 5", "--accounts must be from 10 to 10000000, got 5"),
                Arguments.of("pg-demo --dsn postgresql://h/db?nope=1", "--dsn: unknown connection parameter \"nope\""),
                Arguments.of("vectordb --pg postgresql://h/db --remote", "--pg stores in PostgreSQL: it goes with neither --remote nor --connect"),
                Arguments.of("vectordb --pg postgresql://h:0/db", "--pg: port must be 1..65535, got 0"),
                Arguments.of("nonsense", "Unmatched argument at index 0: 'nonsense'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputIsRefusedBeforeAnyWorkInOneLine(String args, String message) {
        CliTest.Run r = CliTest.run(args.split(" "));
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out(), "nothing was done");
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("jasyncio") && first.contains(message), "first line: " + first + "\n" + r.err());
        assertTrue(r.err().contains("\nUsage: "), r.err());
        assertTrue(r.err().contains("for more information."), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "a stack trace:\n" + r.err());
    }

    // issue 13, item 20: 'help' lists the commands, 'test' among them
    @Test
    void helpListsEveryCommandAndHelpTestSaysWhatTestDoes() {
        CliTest.Run r = CliTest.run("help");
        assertEquals(0, r.code(), r.err());
        for (String command : new String[] {"tour", "test", "install", "models", "basics", "echo-server", "echo-clients",
                "run-demo", "vectordb", "loadtest", "echo-load", "web-server", "bench", "client-bench", "pg-demo", "help"}) {
            assertTrue(r.out().matches("(?s).*\n  " + command + " .*"), command + " is not listed:\n" + r.out());
        }
        assertTrue(r.out().contains("Exit status: 0 done, 1 the program failed, 2 bad command-line input"), r.out());
        CliTest.Run t = CliTest.run("help", "test");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().startsWith("Usage: bin/jasyncio test [MAVEN_ARG...]\nRuns every test of every module"), t.out());
    }
}
