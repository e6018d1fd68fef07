package io.jasyncio.subprocess;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a child's stdin, stdout or stderr goes (Python's {@code stdin=}/{@code stdout=}/{@code stderr=}
 * arguments): {@link #PIPE}, {@link #DEVNULL}, {@link #INHERIT} (Python's {@code None}), {@link #STDOUT}
 * (stderr only: into stdout), a {@link #file file}, or any {@link ProcessBuilder.Redirect}. Python's
 * "an open file descriptor or file object" has no Java equivalent (the JDK cannot hand an arbitrary descriptor
 * to a child); use a file path.
 *
 * <p>Threading: immutable; any thread.
 */
public final class Stdio {
    private enum Kind { PIPE, DEVNULL, INHERIT, STDOUT, FILE, APPEND, REDIRECT }

    /** A pipe to this process, as a pipe transport (or a stream at the asyncio.subprocess level). */
    public static final Stdio PIPE = new Stdio(Kind.PIPE, null, null);
    /** {@code /dev/null}. */
    public static final Stdio DEVNULL = new Stdio(Kind.DEVNULL, null, null);
    /** This process's own stream (Python's {@code None}). */
    public static final Stdio INHERIT = new Stdio(Kind.INHERIT, null, null);
    /** For stderr only: the same place as stdout (Python's {@code subprocess.STDOUT}). */
    public static final Stdio STDOUT = new Stdio(Kind.STDOUT, null, null);

    private final Kind kind;
    private final Path path;
    private final Redirect redirect;

    private Stdio(Kind kind, Path path, Redirect redirect) {
        this.kind = kind;
        this.path = path;
        this.redirect = redirect;
    }

    /**
     * The file {@code path}: read for stdin; created or truncated for stdout and stderr.
     *
     * @param path the file
     * @return the choice
     */
    public static Stdio file(Path path) {
        return new Stdio(Kind.FILE, Objects.requireNonNull(path, "path"), null);
    }

    /**
     * For stdout or stderr: appended to the file {@code path}.
     *
     * @param path the file
     * @return the choice
     */
    public static Stdio append(Path path) {
        return new Stdio(Kind.APPEND, Objects.requireNonNull(path, "path"), null);
    }

    /**
     * Any redirect of {@link ProcessBuilder}.
     *
     * @param redirect the redirect
     * @return the choice
     */
    public static Stdio redirect(Redirect redirect) {
        return new Stdio(Kind.REDIRECT, null, Objects.requireNonNull(redirect, "redirect"));
    }

    boolean isPipe() {
        return kind == Kind.PIPE;
    }

    boolean isStdout() {
        return kind == Kind.STDOUT;
    }

    /** This choice as a redirect of stream {@code fd}; STDOUT is handled by the caller. */
    Redirect toRedirect(int fd) {
        return switch (kind) {
            case PIPE -> Redirect.PIPE;
            case INHERIT -> Redirect.INHERIT;
            case DEVNULL -> fd == 0 ? Redirect.from(new java.io.File("/dev/null")) : Redirect.DISCARD;
            case FILE -> fd == 0 ? Redirect.from(path.toFile()) : Redirect.to(path.toFile());
            case APPEND -> {
                if (fd == 0) throw new IllegalArgumentException("stdin cannot be appended to: use Stdio.file(path)");
                yield Redirect.appendTo(path.toFile());
            }
            case REDIRECT -> redirect;
            case STDOUT -> throw new IllegalArgumentException("Stdio.STDOUT is only valid for stderr");
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FILE, APPEND -> "Stdio." + kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + path + ")";
            case REDIRECT -> "Stdio.redirect(" + redirect + ")";
            default -> "Stdio." + kind.name();
        };
    }
}
