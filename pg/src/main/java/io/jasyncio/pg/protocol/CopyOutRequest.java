package io.jasyncio.pg.protocol;

import io.jasyncio.Future;
import java.util.ArrayDeque;

/**
 * COPY ... TO STDOUT, as a simple Query: CopyOutResponse, CopyData messages, CopyDone, then the command tag. The data
 * is queued for the task that consumes it ({@link #take()}); when more than {@link #HIGH_WATER} bytes wait, the
 * transport stops reading until the consumer catches up, so a slow sink holds the server back instead of filling
 * memory.
 *
 * <p>Threading: the connection's loop thread only.
 */
public final class CopyOutRequest extends SimpleQuery {
    static final int HIGH_WATER = 1 << 20;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private long queued;
    private boolean paused;
    private Future<Void> wakeup;

    public CopyOutRequest(PgProtocol proto, String sql) {
        super(proto, sql);
    }

    @Override
    protected void copyOutResponse(byte[] b, int off, int len) {}

    @Override
    protected void copyData(byte[] b, int off, int len) {
        if (done()) return; // cancelled: the rest is dropped
        byte[] c = new byte[len];
        System.arraycopy(b, off, c, 0, len);
        chunks.add(c);
        queued += len;
        if (queued > HIGH_WATER && !paused) {
            paused = true;
            proto.transport.pauseReading();
        }
        wake();
    }

    @Override
    protected void copyDone() {}

    @Override
    protected void ready(char txStatus) {
        super.ready(txStatus);
        wake();
    }

    @Override
    protected void lost(RuntimeException e) {
        super.lost(e);
        wake();
    }

    /** A cancelled copy drops the rest of its data: reading must go on for that. */
    @Override
    public boolean cancel(String msg) {
        chunks.clear();
        queued = 0;
        if (paused) {
            paused = false;
            if (proto.lostWith() == null) proto.transport.resumeReading();
        }
        return super.cancel(msg);
    }

    private void wake() {
        Future<Void> w = wakeup;
        wakeup = null;
        if (w != null && !w.done()) w.setResult(null);
    }

    /**
     * The next chunk of data, suspending the calling task until one comes; null once the COPY is over (then await
     * this request for its outcome).
     */
    public byte[] take() {
        while (chunks.isEmpty()) {
            if (done()) return null;
            wakeup = proto.loop.createFuture();
            io.jasyncio.Asyncio.await(wakeup);
        }
        byte[] c = chunks.pollFirst();
        queued -= c.length;
        if (paused && queued < HIGH_WATER / 4) {
            paused = false;
            if (proto.lostWith() == null) proto.transport.resumeReading();
        }
        return c;
    }
}
