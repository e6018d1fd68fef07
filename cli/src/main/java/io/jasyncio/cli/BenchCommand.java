package io.jasyncio.cli;

import io.jasyncio.bench.CoreBench;
import io.jasyncio.bench.ParkedTasks;
import io.jasyncio.bench.PeerRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/** {@code bench core}: jasyncio's core metrics, then CPython asyncio's and uvloop's in the same run, and ratios. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks. 'bench core': the core loop metrics beside CPython asyncio and uvloop.",
                "'bench jmh [JMH options]': the JMH benchmarks (io.jasyncio.bench.jmh).",
                "'bench parked': where a parked task's bytes go (class histogram of --tasks parked tasks)."})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = "core", description = "Which benchmark: core, jmh or parked.")
    String which;

    /** Everything else goes to JMH (bench jmh only), for example {@code -l} or {@code -f 1 CoreJmh.switchOnce}. */
    @picocli.CommandLine.Unmatched
    List<String> jmhArgs = new java.util.ArrayList<>();

    @Spec
    CommandSpec spec;

    @Option(names = "--scale", defaultValue = "1.0",
            description = "Shrinks every count: 0.001 to 1 (0.1 for a quick run). Default ${DEFAULT-VALUE}.")
    double scale;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per metric, 1 to 1000 (median reported). Default ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--no-peers", description = "Skip the Python peers.")
    boolean noPeers;

    /** bench parked keeps every task alive at once: ~0.7 KB each, 1.4 GB at this many. */
    static final int MAX_PARKED = 2_000_000;

    @Option(names = "--tasks", defaultValue = "200000",
            description = "bench parked: how many tasks to park, 1 to " + MAX_PARKED + ". Default ${DEFAULT-VALUE}.")
    int tasks;

    @Option(names = "--peers", description = "Folder holding asyncio_core.py (default: bench/peers/core in the project).")
    Path peers;

    @Override
    public Integer call() throws InterruptedException {
        if (!which.equals("core") && !which.equals("jmh") && !which.equals("parked")) {
            throw Check.fail(spec, "unknown benchmark '" + which + "'; available: core, jmh, parked");
        }
        if (!which.equals("jmh") && !jmhArgs.isEmpty()) {
            throw Check.fail(spec, "unknown option(s) for 'bench " + which + "': " + String.join(" ", jmhArgs));
        }
        if (which.equals("core")) {
            Check.range(spec, "--scale", scale, 0.001, 1);
            Check.count(spec, "--rounds", rounds, 1, 1000);
        }
        if (which.equals("parked")) Check.count(spec, "--tasks", tasks, 1, MAX_PARKED);
        if (which.equals("jmh")) {
            try {
                org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
                return 0;
            } catch (Exception e) {
                System.err.println("JMH failed: " + e);
                return 1;
            }
        }
        if (which.equals("parked")) return parked();
        System.out.println("# jasyncio (engine " + io.jasyncio.EventLoop.defaultEngineName() + ", JDK "
                + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
        List<CoreBench.Metric> ours = new CoreBench(scale, rounds).runAll();
        ours.forEach(m -> System.out.println(m.line()));
        if (noPeers) return 0;
        PeerRunner peerRunner = new PeerRunner(peers != null ? peers : PeerRunner.defaultPeersDir());
        for (String variant : List.of("asyncio", "uvloop")) {
            PeerRunner.Result r = peerRunner.run(variant, scale);
            System.out.println();
            if (!r.ok()) {
                System.out.println("# " + variant + ": not measured (" + r.reason() + ")");
                continue;
            }
            System.out.println("# CPython " + variant + " (" + r.python() + "), same workloads, same run");
            r.lines().forEach(System.out::println);
            System.out.println("# ratio " + variant + " / jasyncio (higher is better for jasyncio)");
            Map<String, Double> peer = r.metrics();
            for (CoreBench.Metric m : ours) {
                Double p = peer.get(m.name());
                if (p == null || m.value() <= 0) continue;
                System.out.printf("ratio_%s_%s %.1fx%n", variant, m.name(), p / m.value());
            }
        }
        return 0;
    }

    private int parked() throws InterruptedException {
        ParkedTasks.Report r = ParkedTasks.measure(tasks, true);
        System.out.printf("# %,d tasks parked on one Event, as bench core's parked_task_bytes (engine %s, after its warm-up)%n",
                r.tasks(), io.jasyncio.EventLoop.defaultEngineName());
        System.out.printf("parked_task_bytes %.0f bytes%n", r.bytesPerTask());
        System.out.println("# classes that grew (live-heap class histograms, while parked minus before):"
                + " class, instances and bytes per parked task");
        r.shares().forEach(sh -> System.out.println(sh.line()));
        ParkedTasks.Report plain = ParkedTasks.measurePlainVirtualThreads(tasks);
        System.out.printf("%n# the JDK's share: %,d plain virtual threads parked in LockSupport.park%n", plain.tasks());
        System.out.printf("parked_virtual_thread_bytes %.0f bytes%n", plain.bytesPerTask());
        plain.shares().forEach(sh -> System.out.println(sh.line()));
        return 0;
    }
}
