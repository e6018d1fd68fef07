package io.jasyncio.internal.io;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;

/**
 * A selectable pipe to one standard stream of a child process, so that the loop's selector watches it and no
 * thread waits on it: a {@link Pipe} whose child-side end is given to {@link ProcessBuilder} as the file
 * {@code /proc/self/fd/N}. The JDK opens that path (on Linux, a second descriptor of the same pipe), hands it to
 * the child, and closes its copy; {@link #closeChildEnd()} then closes ours, so the parent's end sees EOF (or a
 * broken pipe) when the child is done with it. The JDK's own process streams stay unused and empty.
 *
 * <p>The descriptor number N is known only to the JDK-internal {@code sun.nio.ch.SelChImpl}, readable with
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} ({@code bin/jasyncio} passes it). Without that flag, or
 * without {@code /proc/self/fd}, {@link #available()} is false and a child's pipes are the JDK's blocking
 * streams, each read or written by one virtual thread (see {@link PipeTransport}).
 *
 * <p>Threading: made and closed by the loop's thread.
 */
public final class ChildPipe {
    /** {@code SelChImpl.getFDVal()} as {@code (SelectableChannel) -> int}, or null when not available. */
    private static final MethodHandle FD_VAL = findFdVal();

    private final Pipe pipe;
    /** True for the child's stdin: the child reads, the parent writes. */
    private final boolean childReads;

    private ChildPipe(Pipe pipe, boolean childReads) {
        this.pipe = pipe;
        this.childReads = childReads;
    }

    private static MethodHandle findFdVal() {
        if (!new File("/proc/self/fd").isDirectory()) return null;
        try {
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            MethodHandle mh = MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class));
            return mh.asType(MethodType.methodType(int.class, SelectableChannel.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // sun.nio.ch is not exported to us: the thread-per-pipe transports serve instead
        }
    }

    /** Whether selectable child pipes can be made in this JVM. */
    public static boolean available() {
        return FD_VAL != null;
    }

    /** A new pipe for a child's stdin ({@code childReads}) or its stdout/stderr. */
    public static ChildPipe open(boolean childReads) throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return new ChildPipe(p, childReads);
    }

    /** The redirect that gives the child its end. */
    public ProcessBuilder.Redirect redirect() {
        SelectableChannel childEnd = childReads ? pipe.source() : pipe.sink();
        int fd;
        try {
            fd = (int) FD_VAL.invokeExact(childEnd);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the descriptor of " + childEnd, t);
        }
        File f = new File("/proc/self/fd/" + fd);
        return childReads ? ProcessBuilder.Redirect.from(f) : ProcessBuilder.Redirect.to(f);
    }

    /** The parent's end: the sink for the child's stdin, the source for its stdout or stderr. */
    public SelectableChannel parentEnd() {
        return childReads ? pipe.sink() : pipe.source();
    }

    /** Closes our copy of the child's end, once the child has it (or the start failed). */
    public void closeChildEnd() throws IOException {
        (childReads ? pipe.source() : pipe.sink()).close();
    }

    /** Closes both ends because the child could not be started; a failure to close is added to {@code failure}. */
    public void closeBoth(Throwable failure) {
        for (SelectableChannel end : new SelectableChannel[] {pipe.source(), pipe.sink()}) {
            try {
                end.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
