/**
 * jasyncio's load tester: targets, arrival models, HdrHistogram metrics, scenarios, thresholds and reports. Start
 * at {@link io.jasyncio.loadtest.Plan}.
 */
module io.jasyncio.loadtest {
    requires transitive io.jasyncio;
    requires transitive io.jasyncio.http;
    // HdrHistogram 2.2.2 has no module descriptor: this is its automatic module, named after the jar.
    requires transitive HdrHistogram;
    // GeneratorMonitor reads the generator's own CPU time (ThreadMXBean) and the process's (com.sun.management).
    requires java.management;
    requires jdk.management;

    exports io.jasyncio.loadtest;
    exports io.jasyncio.loadtest.cli;
    exports io.jasyncio.loadtest.engine;
    exports io.jasyncio.loadtest.examples;
    exports io.jasyncio.loadtest.metrics;
    exports io.jasyncio.loadtest.model;
    exports io.jasyncio.loadtest.report;
    exports io.jasyncio.loadtest.scenario;
    exports io.jasyncio.loadtest.target;
    exports io.jasyncio.loadtest.threshold;
    exports io.jasyncio.loadtest.workflow;
}
