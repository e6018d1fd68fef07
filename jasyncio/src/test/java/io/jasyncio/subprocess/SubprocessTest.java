package io.jasyncio.subprocess;

import static io.jasyncio.subprocess.SubprocessTesting.b;
import static io.jasyncio.subprocess.SubprocessTesting.run;
import static io.jasyncio.subprocess.SubprocessTesting.s;
import static io.jasyncio.subprocess.Subprocesses.DEVNULL;
import static io.jasyncio.subprocess.Subprocesses.PIPE;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Task;
import io.jasyncio.subprocess.ProcessLookupError;
import io.jasyncio.subprocess.Signals;
import io.jasyncio.subprocess.SubprocessOptions;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.BrokenPipeError;
import io.jasyncio.transport.ReadTransport;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * asyncio.subprocess: CPython's SubprocessMixin (test_subprocess.py), with {@code cat}, {@code sh},
 * {@code sleep}, {@code head} and {@code wc} in place of the small Python programs.
 */
class SubprocessTest {
    /** PROGRAM_CAT: copies stdin to stdout. */
    static final String[] CAT = {"cat"};
    /** PROGRAM_BLOCKED: never ends by itself. */
    static final String[] BLOCKED = {"sleep", "3600"};
    /** {@code sys.stdin.read(); print(len(data))}. */
    static final String[] LEN_OF_STDIN = {"/bin/sh", "-c", "wc -c | tr -d ' '"};
    /** test.support.PIPE_MAX_SIZE: more than any pipe buffer. */
    static final int PIPE_MAX_SIZE = 4 * 1024 * 1024 + 1;

    static final SubprocessOptions IN_OUT = SubprocessOptions.DEFAULTS.stdin(PIPE).stdout(PIPE);
    static final SubprocessOptions ALL_PIPES = SubprocessOptions.DEFAULTS.stdin(PIPE).stdout(PIPE).stderr(PIPE);

    static Subprocess exec(SubprocessOptions options, String... command) throws IOException {
        return Subprocesses.createSubprocessExec(List.of(command), options);
    }

    // ports test_subprocess.py::SubprocessMixin::test_stdin_stdout
    @Test
    void stdinStdout() {
        Object[] r = run(() -> {
            Subprocess proc = exec(IN_OUT, CAT);
            proc.stdin().write(b("some data"));
            proc.stdin().drain();
            proc.stdin().close();
            byte[] data = proc.stdout().read();
            int exitcode = proc.waitFor();
            return new Object[] {exitcode, data};
        });
        assertEquals(0, r[0]);
        assertEquals("some data", s((byte[]) r[1]));
    }

    // ports test_subprocess.py::SubprocessMixin::test_communicate
    @Test
    void communicate() {
        run(() -> {
            Subprocess proc = exec(IN_OUT, CAT);
            ProcessOutput out = proc.communicate(b("some data"));
            assertEquals(0, proc.returncode());
            assertEquals("some data", s(out.stdout()));
            assertNull(out.stderr());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_communicate_none_input
    @Test
    void communicateNoneInput() {
        run(() -> {
            Subprocess proc = exec(IN_OUT, CAT);
            ProcessOutput out = proc.communicate();
            assertEquals(0, proc.returncode());
            assertEquals("", s(out.stdout()));
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_shell
    @Test
    void shell() {
        run(() -> {
            Subprocess proc = Subprocesses.createSubprocessShell("exit 7");
            assertEquals(7, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_kill
    @Test
    void kill() {
        run(() -> {
            Subprocess proc = Subprocesses.createSubprocessExec(BLOCKED[0], BLOCKED[1]);
            proc.kill();
            assertEquals(-Signals.SIGKILL, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_kill_issue43884
    @Test
    void killIssue43884() {
        run(() -> {
            // the shell runs a child of its own, which keeps stdout open until it ends (at most 1 s later)
            Subprocess proc = Subprocesses.createSubprocessShell("echo started; sleep 1; sleep 1",
                    SubprocessOptions.DEFAULTS.stdout(PIPE));
            assertEquals("started\n", s(proc.stdout().readline()));
            proc.kill();
            assertEquals(-Signals.SIGKILL, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_terminate
    @Test
    void terminate() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS, BLOCKED);
            proc.terminate();
            assertEquals(-Signals.SIGTERM, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_send_signal
    @Test
    void sendSignal() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdout(PIPE),
                    "/bin/sh", "-c", "echo sleeping; exec sleep 3600");
            assertEquals("sleeping\n", s(proc.stdout().readline()));
            proc.sendSignal(Signals.SIGHUP);
            assertEquals(-Signals.SIGHUP, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_stdin_broken_pipe
    @Test
    void stdinBrokenPipe() {
        run(() -> {
            // the child reads one byte and ends, long before stdin is fed
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdin(PIPE), "head", "-c", "1");
            proc.stdin().write(new byte[PIPE_MAX_SIZE]);
            Exception e = assertThrows(Exception.class, () -> proc.stdin().drain());
            assertTrue(e instanceof BrokenPipeError || e instanceof SocketException, e.toString());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_communicate_ignore_broken_pipe
    @Test
    void communicateIgnoreBrokenPipe() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdin(PIPE), "true");
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> {});
            proc.communicate(new byte[PIPE_MAX_SIZE]); // must not raise
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_pause_reading
    @Test
    void pauseReading() {
        int limit = 10;
        int size = limit * 2 + 1;
        run(() -> {
            // the child writes, then waits for a line: its stdout stays open until we say so
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdin(PIPE).stdout(PIPE).limit(limit),
                    "/bin/sh", "-c", "printf %0" + size + "d 0 | tr 0 x; read go");
            ReadTransport stdoutTransport = (ReadTransport) proc.transport().getPipeTransport(1);
            // (Python mocks pause_reading/resume_reading; here we look at the transport's state)
            while (proc.stdout().bufferedSize() < size) Asyncio.sleep(0.005);
            // more than twice the limit is buffered: the reader has paused its transport
            assertFalse(stdoutTransport.isReading());
            byte[] head = proc.stdout().read(size - limit + 1);
            // back under the limit: reading has resumed
            assertTrue(stdoutTransport.isReading());
            ProcessOutput out = proc.communicate(b("go\n"));
            assertEquals("x".repeat(size), s(head) + s(out.stdout()));
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_stdin_not_inheritable
    @Test
    void stdinNotInheritable() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES, LEN_OF_STDIN);
            ProcessOutput out = proc.communicate(b("abc"));
            assertEquals("3", s(out.stdout()).strip());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_empty_input
    @Test
    void emptyInput() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES, LEN_OF_STDIN);
            ProcessOutput out = proc.communicate(new byte[0]);
            assertEquals("0", s(out.stdout()).strip());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_devnull_input
    @Test
    void devnullInput() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES.stdin(DEVNULL), LEN_OF_STDIN);
            assertNull(proc.stdin());
            ProcessOutput out = proc.communicate();
            assertEquals("0", s(out.stdout()).strip());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_devnull_output
    @Test
    void devnullOutput() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES.stdout(DEVNULL), LEN_OF_STDIN);
            ProcessOutput out = proc.communicate(b("abc"));
            assertNull(out.stdout());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_devnull_error
    @Test
    void devnullError() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES.stderr(DEVNULL), LEN_OF_STDIN);
            ProcessOutput out = proc.communicate(b("abc"));
            assertNull(out.stderr());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_devstdin_input
    @Test
    void devstdinInput() {
        run(() -> {
            Subprocess proc = exec(ALL_PIPES, "/bin/sh", "-c", "wc -c < /dev/stdin | tr -d ' '");
            ProcessOutput out = proc.communicate(b("abc"));
            assertEquals("3", s(out.stdout()).strip());
            assertEquals(0, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_cancel_process_wait
    @Test
    void cancelProcessWait() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS, BLOCKED);
            Task<Integer> task = Asyncio.createTask(proc::waitFor);
            Asyncio.getRunningLoop().callSoon(() -> task.cancel());
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            task.cancel();
            // cancelling a wait leaves the child alone: it is still there to be killed and waited for
            assertNull(proc.returncode());
            proc.kill();
            assertEquals(-Signals.SIGKILL, proc.waitFor());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_cancel_make_subprocess_transport_exec
    @Test
    void cancelMakeSubprocessTransportExec() {
        run(() -> {
            Task<Subprocess> task = Asyncio.createTask(() -> exec(SubprocessOptions.DEFAULTS, BLOCKED));
            Asyncio.getRunningLoop().callSoon(() -> task.cancel());
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_popen_error
    @Test
    void popenError() {
        run(() -> {
            // the JDK fails to start the program: the error is the JDK's, nothing is left open
            IOException e = assertThrows(IOException.class,
                    () -> exec(SubprocessOptions.DEFAULTS, "/nonexistent/jasyncio-no-such-program"));
            assertTrue(e.getMessage().contains("jasyncio-no-such-program"), e.getMessage());
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_popen_error_with_stdin_pipe
    @Test
    void popenErrorWithStdinPipe() {
        run(() -> {
            assertThrows(IOException.class,
                    () -> exec(SubprocessOptions.DEFAULTS.stdin(PIPE), "/nonexistent/jasyncio-no-such-program"));
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_read_stdout_after_process_exit
    @Test
    void readStdoutAfterProcessExit() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdout(PIPE),
                    "/bin/sh", "-c", "head -c 262144 /dev/zero; exit 1");
            long total = 0;
            while (true) {
                byte[] data = proc.stdout().read(65536);
                if (data.length == 0) break;
                total += data.length;
                Asyncio.sleep(0.01);
            }
            assertEquals(262144, total);
            assertEquals(1, proc.waitFor());
            return null;
        });
    }

    static void checkStdoutOutput(Subprocess proc, String output) {
        ProcessOutput out = proc.communicate();
        assertEquals(output, s(out.stdout()));
        assertEquals(0, proc.returncode());
        Task<Integer> task = Asyncio.createTask(proc::waitFor);
        Asyncio.sleep(0);
        assertEquals(proc.returncode(), task.result());
    }

    // ports test_subprocess.py::SubprocessMixin::test_create_subprocess_env_shell
    @Test
    void createSubprocessEnvShell() {
        run(() -> {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("FOO", "bar");
            Subprocess proc = Subprocesses.createSubprocessShell("printf %s \"$FOO\"",
                    SubprocessOptions.DEFAULTS.env(env).stdout(PIPE));
            checkStdoutOutput(proc, "bar");
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_create_subprocess_env_exec
    @Test
    void createSubprocessEnvExec() {
        run(() -> {
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("FOO", "baz");
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.env(env).stdout(PIPE), "printenv", "FOO");
            checkStdoutOutput(proc, "baz\n");
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_subprocess_concurrent_wait
    @Test
    void subprocessConcurrentWait() {
        run(() -> {
            Subprocess proc = exec(IN_OUT, CAT);
            ProcessOutput out = proc.communicate(b("some data"));
            assertEquals("some data", s(out.stdout()));
            assertEquals(0, proc.returncode());
            Coroutine<?>[] waits = new Coroutine<?>[10];
            Arrays.fill(waits, (Coroutine<Integer>) proc::waitFor);
            List<Object> codes = Asyncio.await(Asyncio.gather(waits));
            assertEquals(java.util.Collections.nCopies(10, proc.returncode()), codes);
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_subprocess_communicate_stdout
    @Test
    void subprocessCommunicateStdout() {
        run(() -> {
            List<Coroutine<?>> all = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String out = "foo" + i;
                outputs.add(out);
                all.add(() -> s(exec(SubprocessOptions.DEFAULTS.stdout(PIPE), "echo", out).communicate().stdout()).strip());
            }
            assertEquals(outputs, Asyncio.await(Asyncio.gather(all.toArray(new Coroutine<?>[0]))));
            return null;
        });
    }

    // ports test_subprocess.py::SubprocessMixin::test_subprocess_send_signal_race
    @Test
    void subprocessSendSignalRace() {
        run(() -> {
            for (int i = 0; i < 10; i++) {
                Subprocess proc = exec(SubprocessOptions.DEFAULTS, "sleep", "0.1");
                Asyncio.sleep(0.1);
                try {
                    proc.sendSignal(Signals.SIGUSR1);
                } catch (ProcessLookupError e) {
                    // already gone: fine
                }
                assertNotEquals(255, proc.waitFor());
            }
            return null;
        });
    }

    // ports test_subprocess.py::GenericWatcherTests::test_create_subprocess_with_pidfd
    @Test
    void createSubprocessFromALoopInAnotherThread() {
        Object[] r = run(() -> Asyncio.toThread(() -> Asyncio.run(() -> {
            Subprocess proc = exec(IN_OUT, CAT);
            ProcessOutput out = proc.communicate(b("some data"));
            return new Object[] {proc.returncode(), out.stdout()};
        })));
        assertEquals(0, r[0]);
        assertEquals("some data", s((byte[]) r[1]));
    }

    @Test
    void stderrIntoStdout() {
        run(() -> {
            Subprocess proc = Subprocesses.createSubprocessShell("printf out; printf err >&2",
                    SubprocessOptions.DEFAULTS.stdout(PIPE).stderr(Subprocesses.STDOUT));
            assertNull(proc.stderr());
            ProcessOutput out = proc.communicate();
            assertEquals("outerr", s(out.stdout()));
            assertNull(out.stderr());
            return null;
        });
    }

    @Test
    void stdoutToAFileAndStdinFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path in = dir.resolve("in.txt");
        java.nio.file.Path out = dir.resolve("out.txt");
        java.nio.file.Files.writeString(in, "from a file\n");
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdin(io.jasyncio.subprocess.Stdio.file(in))
                    .stdout(io.jasyncio.subprocess.Stdio.file(out)), CAT);
            assertNull(proc.stdin());
            assertNull(proc.stdout());
            assertEquals(0, proc.waitFor());
            return null;
        });
        assertEquals("from a file\n", java.nio.file.Files.readString(out));
    }

    @Test
    void sendSignalByName() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS, BLOCKED);
            proc.sendSignal("SIGUSR1");
            assertEquals(-Signals.SIGUSR1, proc.waitFor());
            assertThrows(IllegalArgumentException.class, () -> Signals.number("NOPE"));
            return null;
        });
    }

    @Test
    void signalNotSentByUsKeepsTheJdkCode() {
        run(() -> {
            Subprocess proc = exec(SubprocessOptions.DEFAULTS.stdout(PIPE),
                    "/bin/sh", "-c", "echo ready; exec sleep 3600");
            proc.stdout().readline();
            // someone else kills the child: we cannot tell that from "exit 137", so the JDK's code stays
            new ProcessBuilder("kill", "-KILL", Long.toString(proc.pid())).start().waitFor();
            assertEquals(128 + Signals.SIGKILL, proc.waitFor());
            return null;
        });
    }

    @Test
    void waitForReturnsAtOnceOnceExited() {
        run(() -> {
            Subprocess proc = Subprocesses.createSubprocessShell("exit 3");
            assertEquals(3, proc.waitFor());
            assertEquals(3, proc.waitFor());
            assertEquals(3, proc.returncode());
            assertTrue(proc.toString().startsWith("<Subprocess "));
            return null;
        });
    }
}
