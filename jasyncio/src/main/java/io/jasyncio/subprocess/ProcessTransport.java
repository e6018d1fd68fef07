package io.jasyncio.subprocess;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.LoopResource;
import io.jasyncio.internal.io.ChildPipe;
import io.jasyncio.internal.io.ChildPipeProtocol;
import io.jasyncio.internal.io.ChildPipeTransport;
import io.jasyncio.internal.io.PipeReadTransport;
import io.jasyncio.internal.io.PipeTransport;
import io.jasyncio.internal.io.PipeWriteTransport;
import io.jasyncio.internal.io.SelectorReadPipeTransport;
import io.jasyncio.internal.io.SelectorWritePipeTransport;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The transport of a child process (asyncio's {@code BaseSubprocessTransport} with the Unix parts): starts
 * the child with {@link ProcessBuilder}, wraps its pipes in {@link PipeReadTransport}/{@link
 * PipeWriteTransport}, learns of its exit from {@link Process#onExit()} (the JDK's reaper), and calls the
 * {@link SubprocessProtocol}'s {@code connectionLost} once the child has exited and every pipe is closed.
 *
 * <p>Threads: none of its own. Its pipes are selectable ones watched by the loop's selector where the JVM allows
 * (see {@link ChildPipe}); otherwise each has one virtual thread while it is open (see {@link PipeTransport}).
 * The exit comes from the JDK's process reaper, which waits for every child the JDK starts.
 *
 * <p>Its loop owns it until it has finished ({@code connectionLost}; a {@link LoopResource}): a child still
 * running when the loop closes is reported, sent SIGTERM, then SIGKILL if it has not ended within a second, and
 * reaped before the loop's {@code close()} returns; its pipes are closed. One whose transport was closed (SIGKILL)
 * but that is not reaped yet is not reported, only waited for.
 *
 * <p>Threading: the loop's thread only.
 */
public final class ProcessTransport extends LoopResource implements SubprocessTransport {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.transport");

    private final EventLoop loop;
    private SubprocessProtocol protocol;
    private final Map<String, Object> extra = new HashMap<>();
    private Process proc;
    private final long pid;
    private Integer returncode;
    private boolean closed;
    private boolean finished;
    /** The pipes by fd (asyncio's {@code _pipes}); getPipeTransport shows each once connectPipes has run. */
    private final Map<Integer, PipeProtocol> pipes = new TreeMap<>();
    /** Protocol calls held back until connectionMade has run (asyncio's {@code _pending_calls}). */
    private List<Runnable> pendingCalls = new ArrayList<>();
    private List<Future<Integer>> exitWaiters = new ArrayList<>();
    /** Signals sent through this transport: an exit code 128+N with N in here means "killed by N". */
    private final Set<Integer> signalsSent = new HashSet<>();

    ProcessTransport(EventLoop loop, SubprocessProtocol protocol, List<String> args, SubprocessOptions options,
            Future<Void> waiter) throws IOException {
        this.loop = loop;
        this.protocol = protocol;
        ProcessBuilder pb = new ProcessBuilder(args);
        if (options.env() != null) {
            pb.environment().clear();
            pb.environment().putAll(options.env());
        }
        if (options.cwd() != null) pb.directory(options.cwd().toFile());
        boolean errToOut = options.stderr().isStdout();
        // Selectable pipes where this JVM allows (see ChildPipe): the loop's selector watches them, no thread.
        boolean selectable = ChildPipe.available();
        ChildPipe in = null, out = null, err = null;
        try {
            if (selectable && options.stdin().isPipe()) in = ChildPipe.open(true);
            if (selectable && options.stdout().isPipe()) out = ChildPipe.open(false);
            if (selectable && options.stderr().isPipe() && !errToOut) err = ChildPipe.open(false);
            pb.redirectInput(in != null ? in.redirect() : options.stdin().toRedirect(0));
            pb.redirectOutput(out != null ? out.redirect() : options.stdout().toRedirect(1));
            if (errToOut) pb.redirectErrorStream(true);
            else pb.redirectError(err != null ? err.redirect() : options.stderr().toRedirect(2));
            this.proc = pb.start();
        } catch (IOException | RuntimeException e) {
            for (ChildPipe cp : new ChildPipe[] {in, out, err}) {
                if (cp != null) cp.closeBoth(e);
            }
            throw e;
        }
        try {
            for (ChildPipe cp : new ChildPipe[] {in, out, err}) {
                if (cp != null) cp.closeChildEnd(); // the child has its own copy now
            }
        } catch (IOException e) {
            // Cannot happen short of a broken descriptor; then no transport will own the child: end it.
            proc.destroyForcibly();
            for (ChildPipe cp : new ChildPipe[] {in, out, err}) {
                if (cp != null) cp.closeBoth(e);
            }
            throw e;
        }
        this.pid = proc.pid();
        own(loop); // before its pipes: at the loop's close the child is told to end before they close
        extra.put("subprocess", proc);
        String name = "pid" + pid;
        if (options.stdin().isPipe()) {
            PipeProtocol p = new PipeProtocol(0);
            p.transport = in != null
                    ? new SelectorWritePipeTransport(loop, (Pipe.SinkChannel) in.parentEnd(), p)
                    : new PipeWriteTransport(loop, proc.getOutputStream(), p, name + "-stdin");
            pipes.put(0, p);
        }
        if (options.stdout().isPipe()) {
            PipeProtocol p = new PipeProtocol(1);
            p.transport = out != null
                    ? new SelectorReadPipeTransport(loop, (Pipe.SourceChannel) out.parentEnd(), p)
                    : new PipeReadTransport(loop, proc.getInputStream(), p, name + "-stdout");
            pipes.put(1, p);
        }
        if (options.stderr().isPipe() && !errToOut) {
            PipeProtocol p = new PipeProtocol(2);
            p.transport = err != null
                    ? new SelectorReadPipeTransport(loop, (Pipe.SourceChannel) err.parentEnd(), p)
                    : new PipeReadTransport(loop, proc.getErrorStream(), p, name + "-stderr");
            pipes.put(2, p);
        }
        if (loop.getDebug()) LOG.log(Level.DEBUG, "process " + args.get(0) + " created: pid " + pid);
        loop.callSoon(() -> connectPipes(waiter));
        Process child = proc;
        child.onExit().whenComplete((p, e) -> {
            try {
                loop.callSoonThreadsafe(() -> processExited(child.exitValue()));
            } catch (IllegalStateException loopClosed) {
                // the loop is gone: nobody is left to tell
            }
        });
    }

    /**
     * asyncio's {@code _connect_pipes}: the pipes first, then the protocol's connectionMade (scheduled, so an
     * error in it goes to the loop's exception handler, as in asyncio), then what happened meanwhile.
     */
    private void connectPipes(Future<Void> waiter) {
        for (PipeProtocol p : pipes.values()) p.connected = true;
        SubprocessProtocol proto = protocol;
        loop.callSoon(() -> proto.connectionMade(this));
        List<Runnable> pending = pendingCalls;
        pendingCalls = null;
        for (Runnable r : pending) loop.callSoon(r);
        for (PipeProtocol p : pipes.values()) p.transport.start();
        if (waiter != null && !waiter.cancelled()) waiter.setResult(null);
    }

    private void call(Runnable r) {
        if (pendingCalls != null) pendingCalls.add(r);
        else loop.callSoon(r);
    }

    private void pipeConnectionLost(int fd, Throwable exc) {
        SubprocessProtocol p = protocol;
        call(() -> p.pipeConnectionLost(fd, exc));
        tryFinish();
    }

    private void pipeDataReceived(int fd, ByteBuffer data) {
        SubprocessProtocol p = protocol;
        call(() -> p.pipeDataReceived(fd, data));
    }

    private void processExited(int exitValue) {
        if (returncode != null) return;
        int code = exitValue;
        if (exitValue > 128 && signalsSent.contains(exitValue - 128)) code = -(exitValue - 128);
        returncode = code;
        if (loop.getDebug()) LOG.log(Level.DEBUG, this + " exited with return code " + code);
        // The child is gone, so is the reader of its stdin (asyncio sees the pipe's other end close).
        PipeProtocol stdin = pipes.get(0);
        if (stdin != null && !stdin.disconnected) stdin.transport.readerGone();
        SubprocessProtocol p = protocol;
        call(p::processExited);
        tryFinish();
    }

    private void tryFinish() {
        if (finished || returncode == null) return;
        for (PipeProtocol p : pipes.values()) {
            if (!p.disconnected) return;
        }
        finished = true;
        call(() -> callConnectionLost(null));
    }

    private void callConnectionLost(Throwable exc) {
        disown(loop);
        try {
            protocol.connectionLost(exc);
        } finally {
            for (Future<Integer> w : exitWaiters) {
                if (!w.cancelled()) w.setResult(returncode);
            }
            exitWaiters = null;
            proc = null;
        }
    }

    /** Completes with the return code once the transport has finished (asyncio's {@code _wait}). */
    Future<Integer> exitFuture() {
        Future<Integer> f = loop.createFuture();
        if (exitWaiters == null) f.setResult(returncode);
        else exitWaiters.add(f);
        return f;
    }

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public BaseTransport getPipeTransport(int fd) {
        PipeProtocol p = pipes.get(fd);
        return p != null && p.connected ? p.transport : null;
    }

    @Override
    public void sendSignal(int signal) {
        Process p = proc;
        if (p == null) throw new ProcessLookupError("process " + pid + " has exited and been reaped; it cannot be signalled");
        if (signal <= 0) throw new IllegalArgumentException("signal must be a positive signal number, got " + signal);
        if (!p.isAlive()) return; // as os.kill's ProcessLookupError, which asyncio ignores
        signalsSent.add(signal);
        if (signal == Signals.SIGTERM) {
            p.toHandle().destroy(); // not Process.destroy(): that also closes the pipes
        } else if (signal == Signals.SIGKILL) {
            p.toHandle().destroyForcibly();
        } else {
            runKill(signal);
        }
    }

    /** Sends a signal the JDK cannot send, with the shell's {@code kill}. Blocks the loop for that short run. */
    private void runKill(int signal) {
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid)
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("LC_ALL", "C"); // untranslated messages, to recognise "No such process"
            Process k = pb.start();
            String output = new String(k.getInputStream().readAllBytes()).trim();
            int rc = k.waitFor();
            // "No such process": it exited (and was reaped) since isAlive(); asyncio ignores that case too
            if (rc != 0 && !output.contains("No such process")) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed (exit " + rc + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run /bin/sh to send signal " + signal + " to process " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending signal " + signal + " to process " + pid, e);
        }
    }

    @Override
    public void terminate() {
        sendSignal(Signals.SIGTERM);
    }

    @Override
    public void kill() {
        sendSignal(Signals.SIGKILL);
    }

    @Override
    public Object getExtraInfo(String name) {
        return extra.get(name);
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    /**
     * Kills the child if it still runs, then closes the pipes (asyncio's {@code close}, which closes the pipes
     * first: killing first keeps a child that would exit on stdin's EOF from racing the kill). Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // Still the loop's until connectionLost: a child killed here and not yet reaped when the loop closes is
        // waited for then (see awaitAbandoned), so it does not outlive run() either.
        Process p = proc;
        if (p != null && returncode == null && p.isAlive()) {
            if (loop.getDebug()) LOG.log(Level.WARNING, "Close running child process: kill " + this);
            signalsSent.add(Signals.SIGKILL);
            p.toHandle().destroyForcibly();
        }
        for (PipeProtocol pp : pipes.values()) pp.transport.close();
    }

    /** A child still running when the loop closed, asked to end by {@link #closeAbandoned()}; ended for good by {@link #awaitAbandoned}. */
    private Process abandoned;
    /** After SIGKILL, how long the loop's close waits for the reaper to see the child go. */
    private static final long KILL_WAIT_NANOS = 2_000_000_000L;

    /**
     * Left open when the loop closed: reported; a child still running is sent SIGTERM (its pipes close by
     * themselves, as the loop's too). Closed but not finished: not reported; a child not reaped yet (killed by
     * {@link #close()}) is waited for all the same. asyncio's transport, collected unclosed, warns and kills; we first let the
     * child end cleanly, as a service manager would.
     */
    @Override
    protected String closeAbandoned() {
        boolean wasClosed = closed; // then SIGKILL was sent already, and there is nothing to report
        String report = wasClosed ? null : "unclosed transport " + this;
        closed = true;
        Process p = proc;
        if (p != null && returncode == null && p.isAlive()) {
            if (!wasClosed) {
                signalsSent.add(Signals.SIGTERM);
                p.toHandle().destroy();
            }
            abandoned = p;
        }
        return report;
    }

    /** Waits for the child told to end until {@code deadlineNanos}, then SIGKILL, and waits for it to be reaped. */
    @Override
    protected void awaitAbandoned(long deadlineNanos) {
        Process p = abandoned;
        abandoned = null;
        if (p == null) return;
        if (waitForExit(p, deadlineNanos - System.nanoTime())) return;
        LOG.log(Level.WARNING, "child process " + pid + " did not end within a second of SIGTERM: killing it (SIGKILL)");
        signalsSent.add(Signals.SIGKILL);
        p.toHandle().destroyForcibly();
        if (!waitForExit(p, KILL_WAIT_NANOS)) {
            LOG.log(Level.WARNING, "child process " + pid + " still not reaped " + KILL_WAIT_NANOS / 1_000_000
                    + " ms after SIGKILL");
        }
    }

    private static boolean waitForExit(Process p, long nanos) {
        try {
            return p.waitFor(Math.max(0, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = (SubprocessProtocol) protocol;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<ProcessTransport");
        if (closed) sb.append(" closed");
        sb.append(" pid=").append(pid);
        if (returncode != null) sb.append(" returncode=").append(returncode);
        else sb.append(" running");
        PipeProtocol in = pipes.get(0), out = pipes.get(1), err = pipes.get(2);
        if (in != null) sb.append(" stdin=").append(in.transport);
        if (out != null) sb.append(" stdout=").append(out.transport);
        if (err != null) sb.append(" stderr=").append(err.transport);
        return sb.append('>').toString();
    }

    /** The protocol of one pipe: forwards to the transport (asyncio's {@code ReadSubprocessPipeProto}). */
    private final class PipeProtocol implements Protocol, ChildPipeProtocol {
        final int fd;
        ChildPipeTransport transport;
        boolean connected;
        boolean disconnected;

        PipeProtocol(int fd) {
            this.fd = fd;
        }

        @Override
        public void connectionLost(Throwable exc) {
            disconnected = true;
            pipeConnectionLost(fd, exc);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            pipeDataReceived(fd, data);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }

        @Override
        public String toString() {
            return "<PipeProtocol fd=" + fd + " pipe=" + transport + ">";
        }
    }
}
