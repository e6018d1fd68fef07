package io.jasyncio.subprocess;

import java.util.Locale;

/**
 * POSIX signal numbers for {@link SubprocessTransport#sendSignal(int)} (Python's {@code signal.SIGxxx}), with
 * Linux numbering (x86, ARM). Other systems number some signals differently (SIGUSR1 is 30 on macOS): there,
 * pass names, which {@code kill} resolves itself.
 *
 * <p>Threading: constants and pure functions; any thread.
 */
public final class Signals {
    private Signals() {}

    /** SIGHUP: hangup. */
    public static final int SIGHUP = 1;
    /** SIGINT: interrupt (Ctrl-C). */
    public static final int SIGINT = 2;
    /** SIGQUIT: quit. */
    public static final int SIGQUIT = 3;
    /** SIGABRT: abort. */
    public static final int SIGABRT = 6;
    /** SIGKILL: kill (cannot be caught). */
    public static final int SIGKILL = 9;
    /** SIGUSR1: user signal 1. */
    public static final int SIGUSR1 = 10;
    /** SIGSEGV: segmentation fault. */
    public static final int SIGSEGV = 11;
    /** SIGUSR2: user signal 2. */
    public static final int SIGUSR2 = 12;
    /** SIGPIPE: broken pipe. */
    public static final int SIGPIPE = 13;
    /** SIGALRM: alarm clock. */
    public static final int SIGALRM = 14;
    /** SIGTERM: termination request. */
    public static final int SIGTERM = 15;
    /** SIGCHLD: child stopped or exited. */
    public static final int SIGCHLD = 17;
    /** SIGCONT: continue if stopped. */
    public static final int SIGCONT = 18;
    /** SIGSTOP: stop (cannot be caught). */
    public static final int SIGSTOP = 19;
    /** SIGTSTP: stop from the terminal (Ctrl-Z). */
    public static final int SIGTSTP = 20;

    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS"
    };

    /**
     * The number of signal {@code name} ({@code "TERM"} or {@code "SIGTERM"}, any case).
     *
     * @param name the name
     * @return its number
     * @throws IllegalArgumentException if no signal has that name
     */
    public static int number(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(n)) return i;
        }
        throw new IllegalArgumentException("unknown signal name '" + name + "': use a name such as TERM, HUP, USR1,"
                + " or a signal number");
    }

    /**
     * The name of signal {@code number} without the SIG prefix ({@code "TERM"}), or null if unknown.
     *
     * @param number the number
     * @return the name, or null
     */
    public static String name(int number) {
        return number > 0 && number < NAMES.length ? NAMES[number] : null;
    }
}
