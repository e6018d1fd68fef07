package io.jasyncio;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Python's {@code contextvars.Context}: a mapping from {@link ContextVar}s to values, the "current context" in
 * which code runs. Every task runs in its own context, by default a copy of the one current when the task was
 * created ({@code createTask(coro, name, context)} gives one explicitly); every callback ({@code callSoon},
 * {@code callLater}, a done callback, a reader) runs in a copy of the context current when it was scheduled.
 * So a {@link ContextVar#set} in a task is seen by that task and by what it schedules afterwards, never by the
 * task that created it nor by its siblings, as in asyncio.
 *
 * <p>Copying is O(1): a context holds an immutable array of variable/value pairs, and {@code set} replaces the
 * array of the current context (a copy, O(number of variables), made for the few a program has). Until a program
 * sets its first variable every context is empty and no copy is taken at all: scheduling a callback then costs
 * nothing more than before contexts existed.
 *
 * <p>Threading: the current context is per thread (a task's code runs on its own fiber thread, a callback on the
 * loop's thread). A context object may be handed between threads; {@link #run} refuses one already being run
 * by {@code run}, {@code call} or a handle. A task's context is never marked entered (asyncio enters it for each
 * step), so tasks given the same context can share it, and a task may also {@code run} its own context, which
 * Python refuses.
 */
public final class Context {
    static final Object[] EMPTY = new Object[0];
    private static final ThreadLocal<Context> CURRENT = new ThreadLocal<>();
    /** Whether any program has set a variable: until then every context is empty and nothing needs copying. */
    static volatile boolean used; // package-private: a test resets it to play a program that has set nothing yet

    /** Variable/value pairs: [var0, value0, var1, value1, ...]; never mutated once published. */
    Object[] pairs;
    /** The thread running this context through {@link #run}/{@link #call} or a handle, or null. */
    private volatile Thread enteredBy;
    private static final java.lang.invoke.VarHandle ENTERED_BY;
    static {
        try {
            ENTERED_BY = java.lang.invoke.MethodHandles.lookup().findVarHandle(Context.class, "enteredBy", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Context(Object[] pairs) {
        this.pairs = pairs;
    }

    /** A new empty context ({@code contextvars.Context()}). */
    public Context() {
        this(EMPTY);
    }

    /** {@return a copy of the calling thread's current context ({@code contextvars.copy_context()})} */
    public static Context copyContext() {
        return new Context(current().pairs);
    }

    /** {@return a copy of this context} */
    public Context copy() {
        return new Context(pairs);
    }

    /**
     * Runs {@code fn} with this context as the calling thread's current one, then restores the previous one
     * ({@code Context.run}): what {@code fn} sets stays in this context.
     *
     * @param fn the code to run
     * @throws IllegalStateException if this context is already being run (here or in another thread)
     */
    public void run(Runnable fn) {
        Context prev = enter();
        try {
            fn.run();
        } finally {
            exit(prev);
        }
    }

    /**
     * {@link #run(Runnable)} for code that returns a value or throws a checked exception.
     *
     * @param <T> the value type
     * @param fn the code to run
     * @return {@code fn}'s value
     * @throws Exception what {@code fn} throws
     */
    public <T> T call(Callable<T> fn) throws Exception {
        Context prev = enter();
        try {
            return fn.call();
        } finally {
            exit(prev);
        }
    }

    private Context enter() {
        Thread me = Thread.currentThread();
        if (!ENTERED_BY.compareAndSet(this, (Thread) null, me)) {
            Thread other = enteredBy;
            throw new IllegalStateException("cannot enter context: " + this + " is already entered"
                    + (other == me ? "" : " in " + other));
        }
        Context prev = CURRENT.get();
        CURRENT.set(this);
        return prev;
    }

    private void exit(Context prev) {
        CURRENT.set(prev);
        enteredBy = null;
    }

    /**
     * The value of {@code var} in this context, or null if it has none ({@code ctx.get(var)}).
     *
     * @param <T> the value type
     * @param var the variable
     * @return the value, or null
     */
    public <T> T get(ContextVar<T> var) {
        return get(var, null);
    }

    /**
     * The value of {@code var} in this context, or {@code dflt} if it has none.
     *
     * @param <T> the value type
     * @param var the variable
     * @param dflt what to return if {@code var} has no value here
     * @return the value, or {@code dflt}
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ContextVar<T> var, T dflt) {
        int i = indexOf(pairs, var);
        return i < 0 ? dflt : (T) pairs[i + 1];
    }

    /**
     * Whether {@code var} has a value in this context ({@code var in ctx}).
     *
     * @param var the variable
     * @return whether {@code var} has a value here
     */
    public boolean containsKey(ContextVar<?> var) {
        return indexOf(pairs, var) >= 0;
    }

    /** {@return how many variables have a value in this context ({@code len(ctx)})} */
    public int size() {
        return pairs.length / 2;
    }

    /** {@return the variables and their values, as an unmodifiable snapshot ({@code ctx.items()})} */
    public Map<ContextVar<?>, Object> toMap() {
        Map<ContextVar<?>, Object> m = new IdentityHashMap<>();
        Object[] p = pairs;
        for (int i = 0; i < p.length; i += 2) m.put((ContextVar<?>) p[i], p[i + 1]);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "<Context " + toMap() + ">";
    }

    // ---------------------------------------------------------------- the current context

    /**
     * The calling thread's current context: the one being run, else the task's own when called from a task's
     * code, else the thread's own (created on first use).
     */
    static Context current() {
        Context c = CURRENT.get();
        if (c == null) {
            Task<?> t = RunningLoop.fiberTask();
            c = t != null ? t.context() : new Context(EMPTY);
            CURRENT.set(c);
        }
        return c;
    }

    static void markUsed() {
        if (!used) used = true;
    }

    /**
     * What a callback or task scheduled now keeps of the current context: null while no program uses contexts
     * (then it runs in an empty one), else the current pairs, which are immutable, so keeping them is the copy.
     */
    static Object[] capture() {
        return used ? current().pairs : null;
    }

    /** {@code captured} as a Context: a Context as is, captured pairs (null: none) in a new one. */
    static Context of(Object captured) {
        return captured instanceof Context c ? c : new Context(captured == null ? EMPTY : (Object[]) captured);
    }

    /** Whether code scheduled with {@code captured} (from {@link #capture()}, or a Context) must enter a context. */
    static boolean needed(Object captured) {
        return captured != null || used;
    }

    /**
     * After a callback that ran without entering a context (no variable was set anywhere when it started, so
     * every context was empty): if it set the program's first variable, that went into the thread's own
     * context. Takes it back out (the thread's context is empty again, as if the callback had run in a copy)
     * and returns it for the handle to keep, or null if nothing was set.
     */
    static Object[] takeUncopiedSets() {
        if (!used) return null;
        Context c = CURRENT.get();
        if (c == null || c.pairs.length == 0) return null;
        Object[] p = c.pairs;
        c.pairs = EMPTY;
        return p;
    }

    static int indexOf(Object[] pairs, ContextVar<?> var) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i] == var) return i;
        }
        return -1;
    }

    /** {@code pairs} with {@code var} bound to {@code value} (a new array). */
    static Object[] with(Object[] pairs, ContextVar<?> var, Object value) {
        int i = indexOf(pairs, var);
        Object[] out;
        if (i >= 0) {
            out = pairs.clone();
        } else {
            out = java.util.Arrays.copyOf(pairs, pairs.length + 2);
            i = pairs.length;
            out[i] = var;
        }
        out[i + 1] = value;
        return out;
    }

    /** {@code pairs} without {@code var} (a new array, or the same if it has no value). */
    static Object[] without(Object[] pairs, ContextVar<?> var) {
        int i = indexOf(pairs, var);
        if (i < 0) return pairs;
        Object[] out = new Object[pairs.length - 2];
        System.arraycopy(pairs, 0, out, 0, i);
        System.arraycopy(pairs, i + 2, out, i, pairs.length - i - 2);
        return out;
    }
}
