package io.jasyncio.bench;

/** Quick entry point for profiling: prints the core metrics. */
public final class BenchMain {
    public static void main(String[] args) {
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (CoreBench.Metric m : new CoreBench(scale, rounds).runAll()) System.out.println(m.line());
    }
}
