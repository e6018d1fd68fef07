package io.jasyncio.examples.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.net.StreamPair;
import io.jasyncio.net.Streams;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WorkflowServiceTest {
    private static String ask(StreamPair c, String line) {
        c.writer().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return new String(c.reader().readline(), StandardCharsets.UTF_8).stripTrailing();
    }

    @Test
    void answersTheProtocolAndExplainsWhatItDoesNotUnderstand() {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            r.run(() -> {
                try (WorkflowService service = WorkflowService.start(0, 1, 0.5, 0.25)) {
                    StreamPair c = Streams.openConnection("127.0.0.1", service.port());
                    assertEquals("OK summarize translate classify", ask(c, "query"));
                    assertEquals("OK translate task-1", ask(c, "run_single_task translate"));
                    assertEquals("ERR unknown workflow 'paint'; known: summarize, translate, classify",
                            ask(c, "run_single_task paint"));
                    assertEquals("ERR malformed request 'hello': expected 'query' or 'run_single_task <workflow>'",
                            ask(c, "hello"));
                    assertEquals(1, service.completedTasks());
                    c.writer().close();
                    c.writer().waitClosed();
                }
                return null;
            });
        }
    }

    @Test
    void aRequestWaitsForASlotUpToTheInputTimeout() {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            r.run(() -> {
                try (WorkflowService service = WorkflowService.start(0, 1, 0.5, 0.4)) {
                    StreamPair a = Streams.openConnection("127.0.0.1", service.port());
                    StreamPair b = Streams.openConnection("127.0.0.1", service.port());
                    StreamPair c = Streams.openConnection("127.0.0.1", service.port());
                    a.writer().write("run_single_task summarize\n".getBytes(StandardCharsets.UTF_8));
                    io.jasyncio.Asyncio.sleep(0.1);
                    // b waits 0.3 s for a's slot (under its 0.5 s timeout); c arrives after b and would need 0.7 s
                    b.writer().write("run_single_task classify\n".getBytes(StandardCharsets.UTF_8));
                    io.jasyncio.Asyncio.sleep(0.1);
                    c.writer().write("run_single_task translate\n".getBytes(StandardCharsets.UTF_8));
                    assertEquals("OK summarize task-1\n", new String(a.reader().readline(), StandardCharsets.UTF_8));
                    assertEquals("OK classify task-2\n", new String(b.reader().readline(), StandardCharsets.UTF_8));
                    assertEquals("ERR Timeout waiting for input for _run_single_task\n",
                            new String(c.reader().readline(), StandardCharsets.UTF_8));
                    assertEquals(1, service.inputTimeouts());
                    for (StreamPair p : new StreamPair[] {a, b, c}) p.writer().close();
                }
                return null;
            });
        }
    }
}
