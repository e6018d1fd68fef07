package io.jasyncio.subprocess;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.io.PipeTransport;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * asyncio's {@code loop.subprocess_exec} and {@code loop.subprocess_shell}: start a child process driven by a
 * {@link SubprocessProtocol}. Unset stdio choices are {@link Stdio#PIPE}, as in asyncio. For streams and a
 * {@code Process}-like object, use {@code io.jasyncio.subprocess.Subprocesses}.
 *
 * <p>How it runs: the child is started with {@link ProcessBuilder}; each of its pipes is served by one virtual
 * thread while it is open (the JDK has no selectable pipes, see {@link PipeTransport}); its exit comes from
 * {@link Process#onExit()}. There is no thread per process of jasyncio's own.
 *
 * <p>Threading: call from a task of the running loop; each function suspends the calling task until the
 * protocol's {@code connectionMade} has run. If the task is cancelled meanwhile, the child is killed and reaped
 * before the cancellation goes on. A program that cannot be started raises the JDK's {@link java.io.IOException}
 * (unchecked: thrown as is).
 */
public final class Processes {
    private Processes() {}

    /** Runs {@code args} (program and arguments, no shell) with pipes for stdin, stdout and stderr. */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(Supplier<P> protocolFactory,
            List<String> args) throws IOException {
        return subprocessExec(protocolFactory, args, SubprocessOptions.DEFAULTS);
    }

    /** Runs {@code args} (program and arguments, no shell) with {@code options}. */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(Supplier<P> protocolFactory,
            List<String> args, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(args, "args");
        if (args.isEmpty()) throw new IllegalArgumentException("args must name at least the program to run");
        for (String a : args) {
            if (a == null) throw new IllegalArgumentException("args must not contain null: " + args);
        }
        return start(protocolFactory, List.copyOf(args), options);
    }

    /** Runs {@code cmd} with {@code /bin/sh -c}, with pipes for stdin, stdout and stderr. */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(Supplier<P> protocolFactory,
            String cmd) throws IOException {
        return subprocessShell(protocolFactory, cmd, SubprocessOptions.DEFAULTS);
    }

    /** Runs {@code cmd} with {@code /bin/sh -c} and {@code options}. */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(Supplier<P> protocolFactory,
            String cmd, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (cmd == null || cmd.isEmpty()) throw new IllegalArgumentException("cmd must be a non-empty string");
        return start(protocolFactory, List.of("/bin/sh", "-c", cmd), options);
    }

    private static <P extends SubprocessProtocol> SubprocessConnection<P> start(Supplier<P> protocolFactory,
            List<String> args, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = protocolFactory.get();
        if (protocol == null) throw new IllegalArgumentException("protocolFactory returned null");
        Future<Void> waiter = loop.createFuture();
        ProcessTransport transport = new ProcessTransport(loop, protocol, args, options.withDefaults(Stdio.PIPE), waiter);
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            // as asyncio: kill the child and wait until it is reaped, then let the error (or cancellation) go on
            transport.close();
            Asyncio.await(transport.exitFuture());
            throw e;
        }
        return new SubprocessConnection<>(transport, protocol);
    }
}
