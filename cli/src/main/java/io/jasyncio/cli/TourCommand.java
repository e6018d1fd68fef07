package io.jasyncio.cli;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.examples.Basics;
import io.jasyncio.examples.EchoClients;
import io.jasyncio.examples.StreamsConnector;
import io.jasyncio.examples.echo.EchoServer;
import java.util.List;
import io.jasyncio.examples.ModelsDemo;
import io.jasyncio.examples.RunDemo;
import io.jasyncio.examples.RunLifecycle;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job: the seeds' system end to end, in the seeds' order, briefly, with headings. */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = "Runs the seeds' programs briefly, in the seeds' order, with headings (under a minute).")
public final class TourCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "0.1",
            description = "Multiplies the seeds' durations, 0.01 to 10; times are shown in the seeds' seconds. "
                    + "Default ${DEFAULT-VALUE}.")
    double scale;

    @Override
    public Integer call() throws Exception {
        Check.scale(spec, scale);
        long t0 = System.nanoTime();
        ScaleNote.print(scale);
        RunLifecycle lifecycle = new RunLifecycle(System.out, scale);
        section("Seed 000: the event loop runs task A (download) and task B (database write) on one thread");
        Asyncio.run(lifecycle::interleaving);
        section("Seed 000/004: what asyncio.run(main()) does, seen from the inside");
        lifecycle.lifecycle();

        section("Seed 000: the load-test tool: 100 users against a workflow service with 5 workers");
        io.jasyncio.loadtest.workflow.WorkflowDemo.run(new io.jasyncio.loadtest.workflow.WorkflowDemo.Options(
                100, 2, 20, 5, 0.2, 0.05, io.jasyncio.loadtest.workflow.Faults.NONE), System.out);

        section("Seed 001: the low-level loop API (new loop, tasks, runUntilComplete, close)");
        lifecycle.lowLevel();
        section("Seed 001: three execution models, A = 2 s, B = 1 s, C = 3 s");
        ModelsDemo models = new ModelsDemo(scale);
        System.out.println(models.synchronous().render());
        System.out.println(Asyncio.run(models::awaitedInTurn).render());
        System.out.println(Asyncio.run(models::concurrent).render());

        section("Seed 002: one echo server, seven ways, each visited by three clients at once");
        echoServers();

        section("Seeds 002/003: asyncio basics");
        Basics basics = new Basics(System.out, scale);
        Asyncio.run(() -> basics.runAll());
        System.out.println();
        System.out.println("== Executors: blocking I/O on a thread pool, CPU work on every core ==");
        basics.executors(4, 0.5, 4, 300_000L);

        section("Seed 004: asyncio.run in practice, ten parts");
        new RunDemo(System.out, scale, EventLoop::new).runAll();

        section("Seed 004: the vector-database CLI, served over TCP by jasyncio and used remotely");
        VectorDbCommand vectordb = new VectorDbCommand();
        vectordb.remote = true;
        vectordb.seed = 1;
        vectordb.timeout = 10;
        vectordb.call();

        section("Seed 004: the web server (aiohttp-style Application, router, AppRunner, TcpSite)");
        Asyncio.run(() -> io.jasyncio.examples.web.WebApp.demo(System.out, 5, 0.1));
        Asyncio.run(() -> io.jasyncio.examples.web.WebApp.wsDemo(System.out));

        System.out.printf("%nTour finished in %.1f s on the %s engine.%n", (System.nanoTime() - t0) / 1e9,
                io.jasyncio.EventLoop.defaultEngineName());
        return 0;
    }

    /** Seed 002: the clients finish together against every concurrent server, one after another otherwise. */
    private void echoServers() throws Exception {
        for (EchoServerCommand.Mode mode : EchoServerCommand.Mode.values()) {
            boolean showLines = mode == EchoServerCommand.Mode.sequential || mode == EchoServerCommand.Mode.streams;
            try (EchoServer server = EchoServerCommand.create(mode)) {
                int port = server.start(0);
                List<EchoClients.Event> events = Asyncio.run(() -> new EchoClients("127.0.0.1", port).clients(3)
                        .scale(scale).printTo(showLines ? System.out::println : line -> {}, EchoClients.Lang.ZH)
                        .connector(new StreamsConnector()).run());
                double last = events.getLast().time();
                System.out.printf("%-10s server: 3 clients done after %.2f s (%s)%n%s", mode, last,
                        last < 1.5 ? "served together" : "served one after another", showLines ? "\n" : "");
            }
        }
    }

    /** A heading of 100 columns. */
    private static void section(String title) {
        System.out.println();
        System.out.println("#".repeat(100));
        System.out.println("# " + title);
        System.out.println("#".repeat(100));
    }
}
