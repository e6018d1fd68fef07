package io.jasyncio.cli;

import io.jasyncio.bench.CoreBench;
import io.jasyncio.bench.ParkedTasks;
import io.jasyncio.bench.PeerRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    @Option(names = "--scale", defaultValue = "1.0", description = "Shrinks every count (0.1 for a quick run).")
    double scale;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds per metric (median reported).")
    int rounds;

    @Option(names = "--no-peers", description = "Skip the Python peers.")
    boolean noPeers;

    @Option(names = "--tasks", defaultValue = "200000", description = "bench parked: how many tasks to park.")
    int tasks;

    @Option(names = "--peers", description = "Folder holding asyncio_core.py (default: bench/peers/core in the project).")
    Path peers;

    @Override
    public Integer call() throws InterruptedException {
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
        if (!which.equals("core")) {
            System.err.println("unknown benchmark '" + which + "'; available: core, jmh, parked");
            return 2;
        }
        if (rounds < 1) {
            System.err.println("--rounds must be at least 1");
            return 2;
        }
        System.out.println("# jasyncio (engine " + io.jasyncio.internal.Engine.get().name() + ", JDK "
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
        if (tasks < 1) {
            System.err.println("--tasks must be at least 1");
            return 2;
        }
        ParkedTasks.Report r = ParkedTasks.measure(tasks, true);
        System.out.printf("# %,d tasks parked on one Event, as bench core's parked_task_bytes (engine %s, after its warm-up)%n",
                r.tasks(), io.jasyncio.internal.Engine.get().name());
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
