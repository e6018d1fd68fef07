package io.jasyncio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandmadeEventLoopTest {

    /** A task that logs "name i" at each step and yields, {@code steps} times (the seed's EventLoopNoIO demo). */
    private static HandmadeEventLoop.Steps counter(String name, int steps, List<String> log) {
        return new HandmadeEventLoop.Steps() {
            int i;

            @Override
            public HandmadeEventLoop.Wait next() {
                if (i == steps) return HandmadeEventLoop.Wait.DONE;
                log.add(name + " " + i++);
                return HandmadeEventLoop.Wait.YIELD;
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void tasksThatOnlyYieldRunRoundRobin() throws IOException {
        List<String> log = new ArrayList<>();
        HandmadeEventLoop loop = new HandmadeEventLoop(true);
        loop.createTask(counter("a", 3, log));
        loop.createTask(counter("b", 2, log));
        loop.run();
        assertEquals(List.of("a 0", "b 0", "a 1", "b 1", "a 2"), log);
    }

    @Test
    void aTaskWaitingToReadIsParkedUntilDataArrives() throws IOException {
        List<String> log = new ArrayList<>();
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        HandmadeEventLoop loop = new HandmadeEventLoop(true);
        loop.createTask(new HandmadeEventLoop.Steps() { // reads one byte: waits for it first
            @Override
            public HandmadeEventLoop.Wait next() throws IOException {
                ByteBuffer b = ByteBuffer.allocate(1);
                if (pipe.source().read(b) == 0) {
                    log.add("reader waits");
                    return HandmadeEventLoop.Wait.read(pipe.source());
                }
                log.add("reader got " + b.get(0));
                return HandmadeEventLoop.Wait.DONE;
            }

            @Override
            public void close() {}
        });
        loop.createTask(new HandmadeEventLoop.Steps() { // counts to two, then writes the byte
            int i;

            @Override
            public HandmadeEventLoop.Wait next() throws IOException {
                if (i++ < 2) {
                    log.add("writer step " + i);
                    return HandmadeEventLoop.Wait.YIELD;
                }
                pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
                log.add("writer wrote");
                return HandmadeEventLoop.Wait.DONE;
            }

            @Override
            public void close() {}
        });
        loop.run();
        pipe.sink().close();
        pipe.source().close();
        assertEquals(List.of("reader waits", "writer step 1", "writer step 2", "writer wrote", "reader got 7"), log);
    }
}
