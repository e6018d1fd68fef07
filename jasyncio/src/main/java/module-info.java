/**
 * jasyncio: Python's asyncio in Java. One event loop per thread, cooperative tasks, futures, timers, and I/O
 * (transports and protocols, streams, TLS, datagrams, subprocesses, files).
 *
 * <p>Start at {@link io.jasyncio.Asyncio} (the {@code asyncio.*} functions) and {@link io.jasyncio.EventLoop}.
 * The packages {@code io.jasyncio.internal} (the coroutine engines), {@code io.jasyncio.internal.io} (the
 * selector-based transports) and {@code io.jasyncio.internal.tls} (the TLS layer) are not exported.
 */
module io.jasyncio {
    // Runner's Ctrl-C handling uses sun.misc.Signal.
    requires jdk.unsupported;
    // The metrics MXBean (io.jasyncio.inspect.LoopMetrics) and the platform MBean server.
    requires java.management;
    // 'jasyncio ps PID' attaches to a running JVM (io.jasyncio.inspect.Inspector).
    requires jdk.attach;
    // The loop's and tasks' JFR events (io.jasyncio.jfr), recorded only when a recording asks for them.
    requires jdk.jfr;

    exports io.jasyncio;
    exports io.jasyncio.datagram;
    exports io.jasyncio.files;
    exports io.jasyncio.inspect;
    exports io.jasyncio.jfr;
    exports io.jasyncio.streams;
    exports io.jasyncio.subprocess;
    exports io.jasyncio.tls;
    exports io.jasyncio.transport;
}
