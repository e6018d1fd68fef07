package io.jasyncio.subprocess;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.subprocess.Processes;
import io.jasyncio.subprocess.Stdio;
import io.jasyncio.subprocess.SubprocessConnection;
import io.jasyncio.subprocess.SubprocessOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * asyncio's {@code asyncio.subprocess} functions: {@code create_subprocess_exec} and
 * {@code create_subprocess_shell}, returning a {@link Subprocess} whose pipes are streams. Unset stdio choices
 * are {@link Stdio#INHERIT} (Python's {@code None}), as in asyncio; pass {@link #PIPE} for a stream.
 *
 * <pre>{@code
 * Subprocess p = Subprocesses.createSubprocessExec(
 *         SubprocessOptions.DEFAULTS.stdin(Subprocesses.PIPE).stdout(Subprocesses.PIPE), "cat");
 * ProcessOutput out = p.communicate("hello".getBytes());   // out.stdout() is "hello"
 * }</pre>
 *
 * <p>How it runs: no thread per process; one virtual thread per open pipe, because the JDK offers no
 * selectable pipes (see {@link io.jasyncio.subprocess.Processes}).
 *
 * <p>Threading: call from a task of the running loop; each function suspends the calling task until the
 * child runs and its streams are ready. A program that cannot be started raises the JDK's
 * {@link java.io.IOException} (thrown as is, unchecked).
 */
public final class Subprocesses {
    private Subprocesses() {}

    /** A pipe to this process: a stream of the {@link Subprocess}. */
    public static final Stdio PIPE = Stdio.PIPE;
    /** For stderr: into stdout. */
    public static final Stdio STDOUT = Stdio.STDOUT;
    /** {@code /dev/null}. */
    public static final Stdio DEVNULL = Stdio.DEVNULL;
    /** This process's own stream (Python's {@code None}, the default). */
    public static final Stdio INHERIT = Stdio.INHERIT;

    /** Runs {@code program} with {@code args} (no shell), inheriting stdin, stdout and stderr. */
    public static Subprocess createSubprocessExec(String program, String... args) throws IOException {
        return createSubprocessExec(SubprocessOptions.DEFAULTS, program, args);
    }

    /** Runs {@code program} with {@code args} (no shell) and {@code options}. */
    public static Subprocess createSubprocessExec(SubprocessOptions options, String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(program);
        command.addAll(List.of(args));
        return createSubprocessExec(command, options);
    }

    /** Runs {@code command} (program, then arguments; no shell) with {@code options}. */
    public static Subprocess createSubprocessExec(List<String> command, SubprocessOptions options) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        SubprocessOptions o = options.withDefaults(Stdio.INHERIT);
        SubprocessConnection<SubprocessStreamProtocol> c =
                Processes.subprocessExec(() -> new SubprocessStreamProtocol(o.limit(), loop), command, o);
        return new Subprocess(c.transport(), c.protocol(), loop);
    }

    /** Runs {@code cmd} with {@code /bin/sh -c}, inheriting stdin, stdout and stderr. */
    public static Subprocess createSubprocessShell(String cmd) throws IOException {
        return createSubprocessShell(cmd, SubprocessOptions.DEFAULTS);
    }

    /** Runs {@code cmd} with {@code /bin/sh -c} and {@code options}. */
    public static Subprocess createSubprocessShell(String cmd, SubprocessOptions options) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        SubprocessOptions o = options.withDefaults(Stdio.INHERIT);
        SubprocessConnection<SubprocessStreamProtocol> c =
                Processes.subprocessShell(() -> new SubprocessStreamProtocol(o.limit(), loop), cmd, o);
        return new Subprocess(c.transport(), c.protocol(), loop);
    }
}
