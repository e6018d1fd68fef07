package io.jasyncio;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The signal handlers of one loop (asyncio's {@code add_signal_handler}, Unix only). The JVM delivers a signal
 * on its own signal thread; the handler only queues the callback with {@code callSoonThreadsafe}, so the
 * callback runs on the loop's thread like any other. Signals the JVM reserves (SIGQUIT for thread dumps,
 * SIGKILL, SIGSTOP, ...) are refused with the JVM's reason.
 *
 * <p>Threading: add and remove from the loop's thread; delivery happens on the JVM's signal thread.
 */
final class SignalHandlers {
    /** Signals a loop may handle: the ones asyncio programs use and the JVM lets applications catch. */
    private static final Set<String> CATCHABLE = Set.of("INT", "TERM", "HUP", "USR2", "WINCH", "CHLD", "ALRM", "PIPE");

    private record Installed(Handle handle, sun.misc.SignalHandler previous) {}

    private final EventLoop loop;
    private final Map<String, Installed> installed = new LinkedHashMap<>();

    SignalHandlers(EventLoop loop) {
        this.loop = loop;
    }

    /** "SIGTERM", "TERM" or "term" → "TERM"; refuses names that are not signals a loop can handle. */
    static String normalize(String sig) {
        if (sig == null) throw new NullPointerException("signal name");
        String s = sig.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIG")) s = s.substring(3);
        if (!CATCHABLE.contains(s)) {
            throw new IllegalArgumentException("sig " + sig + " cannot be handled by an event loop; use one of SIG"
                    + String.join(", SIG", CATCHABLE.stream().sorted().toList()));
        }
        return s;
    }

    synchronized void add(String sig, Runnable callback) {
        if (callback == null) throw new NullPointerException("callback");
        String name = normalize(sig);
        Handle handle = new Handle(loop, callback);
        sun.misc.Signal signal = new sun.misc.Signal(name);
        sun.misc.SignalHandler previous;
        try {
            previous = sun.misc.Signal.handle(signal, s -> deliver(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sig SIG" + name + " cannot be caught: " + e.getMessage(), e);
        }
        Installed old = installed.put(name, new Installed(handle, previous));
        if (old != null) {
            // Replacing our own handler: keep the JVM's original to restore later.
            installed.put(name, new Installed(handle, old.previous()));
        }
    }

    private void deliver(String name) {
        Installed in;
        synchronized (this) {
            in = installed.get(name);
        }
        if (in != null && !in.handle().cancelled() && !loop.isClosed()) {
            loop.callSoonThreadsafeInternal(in.handle());
        }
    }

    boolean remove(String sig) {
        String name = normalize(sig);
        Installed in;
        synchronized (this) {
            in = installed.remove(name);
        }
        if (in == null) return false;
        in.handle().cancel();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), in.previous());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sig SIG" + name + " cannot be restored: " + e.getMessage(), e);
        }
        return true;
    }

    void removeAll() {
        for (String name : Set.copyOf(installed.keySet())) remove(name);
    }
}
