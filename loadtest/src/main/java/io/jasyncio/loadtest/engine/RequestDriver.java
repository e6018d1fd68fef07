package io.jasyncio.loadtest.engine;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.TimerHandle;
import io.jasyncio.loadtest.metrics.ErrorKind;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.metrics.StepMetrics;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.target.Connector;
import io.jasyncio.loadtest.target.ProtocolViolation;
import io.jasyncio.loadtest.target.ResponseReader;
import io.jasyncio.loadtest.target.ResponseSink;
import io.jasyncio.loadtest.target.Wire;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The one-request form's engine, written for the generator's efficiency: no task per request, no parsing
 * beyond what framing needs, the request's bytes written as made once. Each of {@code connections} slots is a
 * keep-alive connection (a {@link Protocol} on the loop) with up to {@code pipeline} requests outstanding. The
 * requests a read's answers make room for are written together, in one write, after the read (with pipelining,
 * a read that brings k answers costs one write of k requests, not k writes).
 *
 * <p>Closed model: every slot keeps {@code pipeline} requests outstanding, sending the next as an answer comes
 * (wrk's loop); stages change how many slots are active. Open model: arrivals come from the
 * {@link io.jasyncio.loadtest.model.ArrivalSchedule}; each is sent on a slot with room, or waits (in order, costing no memory: the
 * schedule is only read further when a slot frees) and its wait counts in its latency.
 *
 * <p>A slot connects when it first has a request; a lost connection fails what it had outstanding
 * ({@code reset}) and the slot connects again for its next request (in the closed model after a back-off when
 * connecting itself failed: 10 ms doubling to 1 s). A request with no answer after {@code timeoutSeconds}
 * fails ({@code timeout}) with the rest of its connection's, and the connection is closed. Every request ends
 * in exactly one success or failure; an answer to no request counts as one more failure ({@code malformed}).
 *
 * <p>Threading: the event loop's thread only.
 */
public final class RequestDriver extends PacedDriver<RequestDriver.Slot> {
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;
    private static final long FIRST_BACKOFF_NANOS = 10_000_000L;
    /** A request's send time while it waits for its connection (0 is a time like any other on a virtual clock). */
    private static final long NOT_SENT = Long.MIN_VALUE;

    private final StepMetrics step;
    private final Wire wire;
    private final Connector connector;
    private final int pipeline;
    private final long timeoutNanos;
    private final double timeoutSeconds;
    private final Slot[] slots;
    private final ByteBuffer batch;   // the request, pipeline times over, direct: a slot writes its first k*length bytes
    private final int requestLength;
    private final ArrayDeque<Slot> room = new ArrayDeque<>();   // open model: one entry per free place
    private TimerHandle sweeper;

    /**
     * A driver sending {@code wire}'s request under {@code model}.
     *
     * @param loop the loop it runs on
     * @param metrics where it records (its step is {@code request}, also the overall metric)
     * @param wire the request and how answers are framed
     * @param model the load model
     * @param connections the slots (keep-alive connections), at least 1
     * @param pipeline requests outstanding per connection, 1 to 1024
     * @param timeoutSeconds how long a request may wait for its answer, in seconds
     * @param connector opens the connections
     * @throws IllegalArgumentException a bad pipeline depth or connection count
     */
    public RequestDriver(EventLoop loop, Metrics metrics, Wire wire, LoadModel model, int connections, int pipeline,
            double timeoutSeconds, Connector connector) {
        if (pipeline < 1 || pipeline > 1024) throw new IllegalArgumentException("pipelining must be 1 to 1024, got " + pipeline);
        if (connections < 1) throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        super(loop, metrics, model);
        this.step = metrics.step("request");
        metrics.overall(step);
        this.wire = wire;
        this.connector = connector;
        this.pipeline = pipeline;
        this.timeoutSeconds = timeoutSeconds;
        this.timeoutNanos = (long) (timeoutSeconds * 1e9);
        this.slots = new Slot[connections];
        ByteBuffer one = wire.request();
        this.requestLength = one.remaining();
        ByteBuffer b = ByteBuffer.allocateDirect(requestLength * pipeline);
        for (int p = 0; p < pipeline; p++) b.put(one.duplicate());
        this.batch = b.flip().asReadOnlyBuffer();
        for (int i = 0; i < connections; i++) slots[i] = new Slot(i);
        long sweep = Math.max(10_000_000L, Math.min(100_000_000L, timeoutNanos / 10));
        sweeper = loop.callLater(sweep / 1e9, () -> sweep(sweep));
    }

    // ---------------------------------------------------------------- closed model

    @Override
    void rampTo(int users) {
        int n = Math.min(users, slots.length);
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[i];
            boolean was = s.active;
            s.active = i < n;
            if (s.active && !was) fill(s);
            if (!s.active && was && s.count == 0 && s.transport != null) s.transport.close();
        }
    }

    /** Closed model: gives {@code s} requests up to its pipeline depth. */
    private void fill(Slot s) {
        if (s.backoffTimer != null) return;
        long now = loop.nanoTime();
        while (sending && s.active && s.count < pipeline && s.state != State.CLOSING) {
            metrics.sent(now, 0);
            assign(s, now, now);
        }
    }

    // ---------------------------------------------------------------- open model

    @Override
    void openPlaces() {
        for (int p = 0; p < pipeline; p++) for (Slot s : slots) giveRoom(s);
    }

    @Override
    Slot takeFree() {
        Slot s = room.poll();
        if (s != null) s.inRoom--;
        return s;
    }

    @Override
    boolean anyFree() {
        return !room.isEmpty();
    }

    @Override
    long freeSince(Slot s) {
        return s.freeSince;
    }

    @Override
    void launch(Slot s, long intended, long now) {
        assign(s, intended, now);
    }

    @Override
    boolean idle() {
        return metrics.inFlight() == 0;
    }

    private void giveRoom(Slot s) {
        room.add(s);
        s.inRoom++;
        s.freeSince = loop.nanoTime();
    }

    // ---------------------------------------------------------------- both

    /** Gives {@code s} a request intended at {@code intended}; the caller has counted it as sent. */
    private void assign(Slot s, long intended, long now) {
        s.push(intended);
        switch (s.state) {
            case OPEN -> s.send(now);
            case CLOSED -> s.connect();
            case CONNECTING -> { } // sent once connected
            case CLOSING -> throw new IllegalStateException("a request given to a closing connection");
        }
    }

    /** One request of {@code s} ended: record it, then give the slot its next request. */
    private void ended(Slot s, String kind, String message, long now, boolean keepOpen) {
        long intended = s.intended[s.head];
        long sent = s.sent[s.head];
        s.pop();
        if (kind == null) step.ok(now - intended, now - (sent == NOT_SENT ? intended : sent));
        else metrics.failed(step, kind, message);
        metrics.finished();
        if (!keepOpen) return;
        if (open()) {
            giveRoom(s);
            dispatch();
        } else {
            fill(s);
        }
        checkDrained();
    }

    /** Fails every request outstanding on {@code s}, with {@code kind}. */
    private void failAll(Slot s, String kind, String message) {
        long now = loop.nanoTime();
        while (s.count > 0) ended(s, kind, message, now, false);
    }

    /**
     * After {@code s} lost its connection (or never got one) and failed what it had: in the open model its
     * places not in the room queue go back there; in the closed model it is filled again (after a back-off
     * when connecting failed).
     */
    private void slotFreed(Slot s, boolean connectFailed) {
        if (open()) {
            while (s.inRoom + s.count < pipeline) giveRoom(s);
            dispatch();
        } else if (sending && s.active) {
            if (connectFailed) {
                long delay = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(20, s.failuresInARow - 1));
                s.backoffTimer = loop.callLater(delay / 1e9, () -> {
                    s.backoffTimer = null;
                    fill(s);
                });
            } else {
                fill(s);
            }
        }
        checkDrained();
    }

    private void sweep(long every) {
        long now = loop.nanoTime();
        for (Slot s : slots) {
            if (s.state == State.OPEN && s.count > 0) {
                long sent = s.sent[s.head];
                if (sent != NOT_SENT && now - sent > timeoutNanos) {
                    failAll(s, ErrorKind.TIMEOUT, "no answer within " + io.jasyncio.loadtest.model.Durations.format(timeoutSeconds));
                    s.transport.abort();
                }
            }
        }
        sweeper = loop.callLater(every / 1e9, () -> sweep(every));
    }

    @Override
    public void stopSending() {
        for (Slot s : slots) {
            if (s.backoffTimer != null) {
                s.backoffTimer.cancel();
                s.backoffTimer = null;
            }
        }
        super.stopSending();
    }

    @Override
    public void close() {
        sending = false;
        if (sweeper != null) sweeper.cancel();
        for (Slot s : slots) {
            if (s.count > 0) failAll(s, ErrorKind.TIMEOUT, "still unanswered when the run ended");
            if (s.connectTask != null) s.connectTask.cancel();
            if (s.transport != null) s.transport.abort();
        }
        checkDrained();
    }

    private enum State { CLOSED, CONNECTING, OPEN, CLOSING }

    /** One connection's place: its requests outstanding, oldest first, and its protocol. */
    final class Slot implements Protocol, ResponseSink {
        final int index;
        final long[] intended = new long[pipeline];
        final long[] sent = new long[pipeline];
        int head;
        int count;
        State state = State.CLOSED;
        boolean active;
        int failuresInARow;
        int inRoom;         // open model: this slot's entries in the room queue
        long freeSince;     // open model: when it last got a free place
        TimerHandle backoffTimer;
        Task<?> connectTask;
        Transport transport;
        ResponseReader reader;
        ByteBuffer request;
        boolean reading;    // in dataReceived: requests are counted in unsent and written together after it
        int unsent;
        long now;   // the time of the data being read: one clock read per read, not per answer

        Slot(int index) {
            this.index = index;
        }

        void push(long when) {
            int i = (head + count) % pipeline;
            intended[i] = when;
            sent[i] = NOT_SENT;
            count++;
        }

        void pop() {
            head = (head + 1) % pipeline;
            count--;
        }

        void send(long now) {
            sent[(head + count - 1) % pipeline] = now;
            if (reading) unsent++;
            else write(1);
        }

        /** Writes {@code k} requests in one write. */
        void write(int k) {
            request.clear();
            request.limit(k * requestLength);
            transport.write(request);
        }

        void connect() {
            state = State.CONNECTING;
            connectTask = loop.createTask(() -> Asyncio.timeout(timeoutSeconds,
                    () -> connector.connect(() -> this, wire.tls(), wire.host(), wire.port(), index)), "loadtest-connect-" + index);
            connectTask.addDoneCallback(t -> {
                connectTask = null;
                if (t.cancelled() || t.exception() == null) return;
                if (state == State.OPEN) { // connected, then something else failed: the connection is ours
                    return;
                }
                Failure f = Failure.of(t.exception(), timeoutSeconds);
                state = State.CLOSED;
                failuresInARow++;
                failAll(this, f.kind(), "connecting to " + wire.host() + ":" + wire.port() + ": " + f.message());
                slotFreed(this, true);
            });
        }

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
            reader = wire.newReader();
            request = batch.duplicate();
            state = State.OPEN;
            failuresInARow = 0;
            long now = loop.nanoTime();
            for (int k = 0; k < count; k++) sent[(head + k) % pipeline] = now;
            if (count > 0) write(count);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            now = loop.nanoTime();
            reading = true;
            try {
                reader.feed(data, this);
            } catch (ProtocolViolation e) {
                unsent = 0;   // what was to be sent failed with the rest
                failAll(this, ErrorKind.MALFORMED, e.getMessage());
                if (transport != null) transport.abort();
            } finally {
                reading = false;
                int k = unsent;
                unsent = 0;
                if (k > 0 && state == State.OPEN) write(k);
            }
        }

        @Override
        public void response(String failureKind, int status, boolean keepAlive) {
            if (count == 0) {
                // an answer nobody asked for: counted as a failure of its own (it is no request's answer), and the
                // connection is dropped, since what follows cannot be matched to requests any more
                metrics.failed(step, ErrorKind.MALFORMED, "an answer to no request (the peer sent more than it was asked)");
                throw new ProtocolViolation("an answer to no request");
            }
            if (!keepAlive && state == State.OPEN) {
                state = State.CLOSING; // the peer closes after this answer: no more requests on this connection
                transport.close();
            }
            String message = failureKind == null ? null : "HTTP " + status + " from " + wire.name();
            ended(this, failureKind, message, now, state == State.OPEN);
        }

        @Override
        public boolean eofReceived() {
            return false;
        }

        @Override
        public void connectionLost(Throwable exc) {
            boolean wasConnected = state == State.OPEN || state == State.CLOSING;
            if (!wasConnected) return; // a connect that failed: its task reports it
            now = loop.nanoTime();
            if (reader != null) {
                try {
                    reader.eof(this);
                } catch (ProtocolViolation e) {
                    failAll(this, ErrorKind.MALFORMED, e.getMessage());
                }
            }
            state = State.CLOSED;
            transport = null;
            if (count > 0) {
                String why = exc == null ? "the peer closed the connection" : String.valueOf(exc.getMessage());
                failAll(this, ErrorKind.RESET, why + " with " + count + " request(s) unanswered");
            }
            slotFreed(this, false);
        }
    }
}
