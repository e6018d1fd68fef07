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

    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGABRT = 6;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGSEGV = 11;
    public static final int SIGUSR2 = 12;
    public static final int SIGPIPE = 13;
    public static final int SIGALRM = 14;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;

    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS"
    };

    /** The number of signal {@code name} ({@code "TERM"} or {@code "SIGTERM"}, any case). */
    public static int number(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(n)) return i;
        }
        throw new IllegalArgumentException("unknown signal name '" + name + "': use a name such as TERM, HUP, USR1,"
                + " or a signal number");
    }

    /** The name of signal {@code number} without the SIG prefix ({@code "TERM"}), or null if unknown. */
    public static String name(int number) {
        return number > 0 && number < NAMES.length ? NAMES[number] : null;
    }
}
