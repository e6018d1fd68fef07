package io.jasyncio.subprocess;

import io.jasyncio.streams.StreamReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The keyword arguments of asyncio's {@code subprocess_exec}/{@code create_subprocess_exec}: where stdin,
 * stdout and stderr go, the environment, the working directory and the stream limit. A null stdio choice means
 * "the entry point's default": {@link Stdio#PIPE} for {@link Processes}, {@link Stdio#INHERIT} for
 * {@code io.jasyncio.subprocess.Subprocesses}, as in asyncio. Build from {@link #DEFAULTS}:
 * {@code SubprocessOptions.DEFAULTS.stdin(Stdio.PIPE).stdout(Stdio.PIPE)}.
 *
 * <p>Threading: immutable; any thread.
 *
 * @param stdin where the child's stdin comes from, or null for the default
 * @param stdout where the child's stdout goes, or null for the default
 * @param stderr where the child's stderr goes ({@link Stdio#STDOUT}: with stdout), or null for the default
 * @param env the child's whole environment, or null to inherit this process's
 * @param cwd the child's working directory, or null for this process's
 * @param limit the buffer limit of the stdout/stderr {@link StreamReader}s (asyncio.subprocess level only)
 */
public record SubprocessOptions(Stdio stdin, Stdio stdout, Stdio stderr, Map<String, String> env, Path cwd, int limit) {
    /** No choices made: every entry point's defaults, and the 64 KiB stream limit. */
    public static final SubprocessOptions DEFAULTS = new SubprocessOptions(null, null, null, null, null,
            StreamReader.DEFAULT_LIMIT);

    /** Checks the limit and the stdio choices, and copies the environment. */
    public SubprocessOptions {
        if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
        if (stdin != null && stdin.isStdout()) throw new IllegalArgumentException("stdin cannot be Stdio.STDOUT");
        if (stdout != null && stdout.isStdout()) throw new IllegalArgumentException("stdout cannot be Stdio.STDOUT");
        if (env != null) env = Map.copyOf(env);
    }

    /**
     * Python's {@code stdin=}.
     *
     * @param stdin where stdin comes from, or null for the entry point's default
     * @return a copy with that change
     */
    public SubprocessOptions stdin(Stdio stdin) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, limit);
    }

    /**
     * Python's {@code stdout=}.
     *
     * @param stdout where stdout goes, or null for the entry point's default
     * @return a copy with that change
     */
    public SubprocessOptions stdout(Stdio stdout) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, limit);
    }

    /**
     * Python's {@code stderr=}.
     *
     * @param stderr where stderr goes (also {@link Stdio#STDOUT}), or null for the entry point's default
     * @return a copy with that change
     */
    public SubprocessOptions stderr(Stdio stderr) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, limit);
    }

    /**
     * The child's whole environment (Python's {@code env=}); to add to this process's, copy System.getenv().
     *
     * @param env the environment
     * @return a copy with that change
     */
    public SubprocessOptions env(Map<String, String> env) {
        return new SubprocessOptions(stdin, stdout, stderr, Objects.requireNonNull(env, "env"), cwd, limit);
    }

    /**
     * Python's {@code cwd=}.
     *
     * @param cwd the child's working directory, or null for this process's
     * @return a copy with that change
     */
    public SubprocessOptions cwd(Path cwd) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, limit);
    }

    /**
     * asyncio's {@code limit=}: the buffer limit of the stdout/stderr readers.
     *
     * @param limit bytes, > 0
     * @return a copy with that change
     */
    public SubprocessOptions limit(int limit) {
        return new SubprocessOptions(stdin, stdout, stderr, env, cwd, limit);
    }

    /**
     * These options with every unset (null) stdio choice replaced by {@code dflt}.
     *
     * @param dflt the choice for the unset streams
     * @return a copy with that change
     */
    public SubprocessOptions withDefaults(Stdio dflt) {
        return new SubprocessOptions(stdin != null ? stdin : dflt, stdout != null ? stdout : dflt,
                stderr != null ? stderr : dflt, env, cwd, limit);
    }
}
