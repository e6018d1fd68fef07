package io.jasyncio.subprocess;

import java.io.IOException;
import static io.jasyncio.subprocess.SubprocessTesting.b;
import static io.jasyncio.subprocess.SubprocessTesting.run;
import static io.jasyncio.subprocess.SubprocessTesting.s;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.subprocess.SubprocessTesting.RecordingProtocol;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The loop-level subprocess API ({@link Processes}, {@link SubprocessTransport}, {@link SubprocessProtocol}):
 * CPython's SubprocessTestsMixin of test_events.py and the transport cases of test_subprocess.py, with
 * {@code cat}/{@code sh} in place of the Python helper scripts.
 */
class ProcessesTest {
    /** echo.py: copies stdin to stdout until EOF. */
    static final List<String> ECHO = List.of("cat");
    /** echo2.py: reads one chunk (here: 4 bytes), writes it to stdout and stderr with a prefix. */
    static final List<String> ECHO2 = List.of("/bin/sh", "-c", "x=$(head -c 4); printf 'OUT:%s' \"$x\"; printf 'ERR:%s' \"$x\" >&2");
    static final List<String> BLOCKED = List.of("sleep", "3600");

    static SubprocessConnection<RecordingProtocol> exec(List<String> args) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        return Processes.subprocessExec(() -> new RecordingProtocol(loop), args);
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_exec
    @Test
    void subprocessExec() {
        run(() -> {
            var c = exec(ECHO);
            RecordingProtocol proto = c.protocol();
            Asyncio.await(proto.connected);
            assertEquals("CONNECTED", proto.state);
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write(b("Python The Winner"));
            proto.gotData.get(1).await();
            // cat keeps running until its stdin closes: close() kills it
            while (!s(proto.data.get(1)).equals("Python The Winner")) {
                proto.gotData.get(1).clear();
                proto.gotData.get(1).await();
            }
            c.transport().close();
            Asyncio.await(proto.completed);
            assertEquals(-Signals.SIGKILL, proto.returncode);
            assertEquals("Python The Winner", s(proto.data.get(1)));
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_interactive
    @Test
    void subprocessInteractive() {
        run(() -> {
            var c = exec(ECHO);
            RecordingProtocol proto = c.protocol();
            Asyncio.await(proto.connected);
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.write(b("Python "));
            proto.gotData.get(1).await();
            proto.gotData.get(1).clear();
            assertEquals("Python ", s(proto.data.get(1)));
            stdin.write(b("The Winner"));
            proto.gotData.get(1).await();
            assertEquals("Python The Winner", s(proto.data.get(1)));
            c.transport().close();
            Asyncio.await(proto.completed);
            assertEquals(-Signals.SIGKILL, proto.returncode);
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_shell
    @Test
    void subprocessShell() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var c = Processes.subprocessShell(() -> new RecordingProtocol(loop), "echo Python");
            RecordingProtocol proto = c.protocol();
            Asyncio.await(proto.connected);
            c.transport().getPipeTransport(0).close();
            Asyncio.await(proto.completed);
            assertEquals(0, proto.returncode);
            for (Future<Throwable> f : proto.disconnects.values()) assertTrue(f.done());
            assertEquals("Python", s(proto.data.get(1)).strip());
            assertEquals("", s(proto.data.get(2)));
            c.transport().close();
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_exitcode
    @Test
    void subprocessExitcode() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var opts = SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL).stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL);
            var c = Processes.subprocessShell(() -> new RecordingProtocol(loop), "exit 7", opts);
            Asyncio.await(c.protocol().completed);
            assertEquals(7, c.protocol().returncode);
            c.transport().close();
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_close_after_finish
    @Test
    void subprocessCloseAfterFinish() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var opts = SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL).stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL);
            var c = Processes.subprocessShell(() -> new RecordingProtocol(loop), "exit 7", opts);
            assertNull(c.transport().getPipeTransport(0));
            assertNull(c.transport().getPipeTransport(1));
            assertNull(c.transport().getPipeTransport(2));
            Asyncio.await(c.protocol().completed);
            assertEquals(7, c.protocol().returncode);
            c.transport().close();
            assertEquals(7, c.transport().getReturncode());
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_kill
    @Test
    void subprocessKill() {
        run(() -> {
            var c = exec(ECHO);
            Asyncio.await(c.protocol().connected);
            c.transport().kill();
            Asyncio.await(c.protocol().completed);
            assertEquals(-Signals.SIGKILL, c.protocol().returncode);
            c.transport().close();
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_terminate
    @Test
    void subprocessTerminate() {
        run(() -> {
            var c = exec(ECHO);
            Asyncio.await(c.protocol().connected);
            c.transport().terminate();
            Asyncio.await(c.protocol().completed);
            assertEquals(-Signals.SIGTERM, c.protocol().returncode);
            c.transport().close();
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_send_signal
    @Test
    void subprocessSendSignal() {
        run(() -> {
            var c = exec(ECHO);
            Asyncio.await(c.protocol().connected);
            c.transport().sendSignal(Signals.SIGHUP);
            Asyncio.await(c.protocol().completed);
            assertEquals(-Signals.SIGHUP, c.protocol().returncode);
            c.transport().close();
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_stderr
    @Test
    void subprocessStderr() {
        run(() -> {
            var c = exec(ECHO2);
            Asyncio.await(c.protocol().connected);
            ((WriteTransport) c.transport().getPipeTransport(0)).write(b("test"));
            Asyncio.await(c.protocol().completed);
            c.transport().close();
            assertEquals("OUT:test", s(c.protocol().data.get(1)));
            assertTrue(s(c.protocol().data.get(2)).startsWith("ERR:test"), s(c.protocol().data.get(2)));
            assertEquals(0, c.protocol().returncode);
            return null;
        });
    }

    // ports test_events.py::SubprocessTestsMixin::test_subprocess_stderr_redirect_to_stdout
    @Test
    void subprocessStderrRedirectToStdout() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var c = Processes.subprocessExec(() -> new RecordingProtocol(loop), ECHO2,
                    SubprocessOptions.DEFAULTS.stderr(Stdio.STDOUT));
            Asyncio.await(c.protocol().connected);
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            assertNotNull(c.transport().getPipeTransport(1));
            assertNull(c.transport().getPipeTransport(2));
            stdin.write(b("test"));
            Asyncio.await(c.protocol().completed);
            assertTrue(s(c.protocol().data.get(1)).startsWith("OUT:testERR:test"), s(c.protocol().data.get(1)));
            assertEquals("", s(c.protocol().data.get(2)));
            c.transport().close();
            assertEquals(0, c.protocol().returncode);
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessTransportTests::test_proc_exited
    @Test
    void procExited() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var opts = SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL).stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL);
            var c = Processes.subprocessShell(() -> new RecordingProtocol(loop), "exit 6", opts);
            RecordingProtocol proto = c.protocol();
            Asyncio.await(proto.completed);
            SubprocessTransport t = c.transport();
            assertEquals(6, t.getReturncode());
            assertEquals(6, proto.returncode); // processExited was called
            assertEquals("CLOSED", proto.state); // after connectionMade, connectionLost
            assertFalse(t.isClosing());
            // the process is gone: signalling it is an error
            assertThrows(ProcessLookupError.class, () -> t.sendSignal(Signals.SIGTERM));
            assertThrows(ProcessLookupError.class, t::terminate);
            assertThrows(ProcessLookupError.class, t::kill);
            t.close();
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessTransportTests::test_subprocess_repr
    @Test
    void subprocessRepr() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            var opts = SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL).stdout(Stdio.DEVNULL).stderr(Stdio.DEVNULL);
            var c = Processes.subprocessExec(() -> new RecordingProtocol(loop), BLOCKED, opts);
            SubprocessTransport t = c.transport();
            assertEquals("<ProcessTransport pid=" + t.getPid() + " running>", t.toString());
            t.kill();
            Asyncio.await(c.protocol().completed);
            assertEquals("<ProcessTransport pid=" + t.getPid() + " returncode=-9>", t.toString());
            t.close();
            assertEquals("<ProcessTransport closed pid=" + t.getPid() + " returncode=-9>", t.toString());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_cancel_post_init
    @Test
    void cancelPostInit() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<RecordingProtocol> made = new ArrayList<>();
            Task<?> task = Asyncio.createTask(() -> Processes.subprocessExec(() -> {
                RecordingProtocol p = new RecordingProtocol(loop);
                made.add(p);
                return p;
            }, BLOCKED));
            loop.callSoon(() -> task.cancel());
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            // the child was killed and reaped before the cancellation went on
            RecordingProtocol proto = made.get(0);
            assertEquals("CLOSED", proto.state);
            assertEquals(-Signals.SIGKILL, proto.returncode);
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_close_kill_running
    @Test
    void closeKillRunning() {
        run(() -> {
            var c = exec(BLOCKED);
            Process proc = (Process) c.transport().getExtraInfo("subprocess");
            assertNull(c.transport().getReturncode());
            c.transport().close();
            Asyncio.waitFor(c.protocol().completed, 5.0);
            // close() killed the running child (with SIGKILL: the code says so)
            assertFalse(proc.isAlive());
            assertEquals(-Signals.SIGKILL, c.transport().getReturncode());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_close_dont_kill_finished
    @Test
    void closeDontKillFinished() {
        run(() -> {
            var c = exec(BLOCKED);
            Process proc = (Process) c.transport().getExtraInfo("subprocess");
            // kill the child behind the transport's back and wait for it (on the portable engine the loop is not
            // told yet; on the vthread engine the blocking waitFor() lets the loop run and see the exit)
            proc.toHandle().destroyForcibly();
            proc.waitFor();
            c.transport().close();
            Asyncio.await(c.protocol().completed);
            // close() sent nothing: the transport reports the JDK's 128+9, not a kill of its own (-9)
            assertEquals(128 + Signals.SIGKILL, c.transport().getReturncode());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_subprocess_protocol_events
    @Test
    void subprocessProtocolEvents() {
        List<Object> events = new ArrayList<>();
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Boolean> exit = loop.createFuture();
            class MyProtocol implements SubprocessProtocol {
                @Override public void pipeDataReceived(int fd, ByteBuffer data) {
                    byte[] d = new byte[data.remaining()];
                    data.get(d);
                    events.add(List.of("pipe_data_received", fd, s(d)));
                    exitMaybe();
                }
                @Override public void pipeConnectionLost(int fd, Throwable exc) {
                    events.add(List.of("pipe_connection_lost", fd));
                    exitMaybe();
                }
                @Override public void processExited() {
                    events.add("process_exited");
                    exitMaybe();
                }
                void exitMaybe() {
                    if (events.size() >= 5 && !exit.done()) exit.setResult(true);
                }
            }
            var c = Processes.subprocessExec(MyProtocol::new,
                    List.of("/bin/sh", "-c", "printf stdout; printf stderr >&2"),
                    SubprocessOptions.DEFAULTS.stdin(Stdio.DEVNULL));
            Asyncio.await(exit);
            c.transport().close();
            return null;
        });
        Set<Object> expected = Set.of(List.of("pipe_data_received", 1, "stdout"),
                List.of("pipe_data_received", 2, "stderr"), List.of("pipe_connection_lost", 1),
                List.of("pipe_connection_lost", 2), "process_exited");
        assertEquals(expected, new HashSet<>(events));
        for (int fd : new int[] {1, 2}) {
            List<Object> perFd = new ArrayList<>();
            for (Object e : events) {
                if (e instanceof List<?> l && l.get(1).equals(fd)) perFd.add(l.get(0));
            }
            assertEquals(List.of("pipe_data_received", "pipe_connection_lost"), perFd, "fd " + fd + ": " + events);
        }
    }

    @Test
    void invalidArgumentsAreRejectedBeforeAnythingStarts() {
        run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            assertThrows(IllegalArgumentException.class,
                    () -> Processes.subprocessExec(() -> new RecordingProtocol(loop), List.of()));
            assertThrows(IllegalArgumentException.class,
                    () -> Processes.subprocessShell(() -> new RecordingProtocol(loop), ""));
            assertThrows(IllegalArgumentException.class, () -> SubprocessOptions.DEFAULTS.stdin(Stdio.STDOUT));
            assertThrows(IllegalArgumentException.class, () -> SubprocessOptions.DEFAULTS.limit(0));
            return null;
        });
    }

    @Test
    void extraInfoAndPipeTransportKinds() {
        run(() -> {
            var c = exec(ECHO);
            SubprocessTransport t = c.transport();
            assertInstanceOf(Process.class, t.getExtraInfo("subprocess"));
            assertEquals(((Process) t.getExtraInfo("subprocess")).pid(), t.getPid());
            assertInstanceOf(WriteTransport.class, t.getPipeTransport(0));
            assertInstanceOf(ReadTransport.class, t.getPipeTransport(1));
            assertInstanceOf(ReadTransport.class, t.getPipeTransport(2));
            assertNull(t.getPipeTransport(3));
            t.getPipeTransport(0).close(); // cat ends at EOF
            Asyncio.await(c.protocol().completed);
            assertEquals(0, t.getReturncode());
            return null;
        });
    }
}
