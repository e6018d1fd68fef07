package io.jasyncio;

import java.util.NoSuchElementException;

/**
 * Python's {@code contextvars.ContextVar}: a variable whose value belongs to the current {@link Context}, so
 * that each task sees its own (a request id, a deadline, a database session) without passing it down.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = new ContextVar<>("request_id", "-");
 * ...
 * REQUEST_ID.set(id);          // in the task serving the request
 * log(REQUEST_ID.get() + ...); // in anything that task calls, awaits, or schedules afterwards
 * }</pre>
 *
 * <p>Threading: a variable is an immutable key and may be shared by all threads; {@link #get} and {@link #set}
 * act on the calling thread's current context.
 *
 * @param <T> the type of the values
 */
public final class ContextVar<T> {
    private static final Object NO_DEFAULT = new Object();

    private final String name;
    private final Object dflt;

    /**
     * A variable without a default: {@link #get()} fails until it is set.
     *
     * @param name the variable's name (for messages and {@code toString})
     */
    public ContextVar(String name) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.dflt = NO_DEFAULT;
    }

    /**
     * A variable whose {@link #get()} returns {@code dflt} until it is set.
     *
     * @param name the variable's name (for messages and {@code toString})
     * @param dflt the default value
     */
    public ContextVar(String name, T dflt) {
        this.name = java.util.Objects.requireNonNull(name, "name");
        this.dflt = dflt;
    }

    /** {@return the variable's name} */
    public String getName() {
        return name;
    }

    /**
     * The value in the current context, else the variable's default.
     *
     * @return the value
     * @throws NoSuchElementException (Python's {@code LookupError}) if it has neither
     */
    @SuppressWarnings("unchecked")
    public T get() {
        T v = get((T) dflt);
        if (v == NO_DEFAULT) {
            throw new NoSuchElementException(this + " has no value in the current context and no default;"
                    + " set it first, or give get() a default");
        }
        return v;
    }

    /**
     * The value in the current context, else {@code otherwise} (which takes precedence over the default).
     *
     * @param otherwise what to return if the variable has no value in the current context
     * @return the value, or {@code otherwise}
     */
    public T get(T otherwise) {
        return Context.current().get(this, otherwise);
    }

    /**
     * Sets the value in the current context; the token undoes it ({@link #reset}).
     *
     * @param value the new value
     * @return a token that {@link #reset} takes to restore the previous value
     */
    public Token<T> set(T value) {
        Context.markUsed();
        Context ctx = Context.current();
        int i = Context.indexOf(ctx.pairs, this);
        Object old = i >= 0 ? ctx.pairs[i + 1] : Token.MISSING;
        ctx.pairs = Context.with(ctx.pairs, this, value);
        return new Token<>(ctx, this, old);
    }

    /**
     * Restores the value this variable had before the {@link #set} that returned {@code token}.
     *
     * @param token what the {@link #set} to undo returned
     * @throws IllegalStateException if the token was used already
     * @throws IllegalArgumentException if it comes from another variable or another context
     */
    public void reset(Token<T> token) {
        if (token.used) throw new IllegalStateException(token + " has already been used once");
        if (token.var != this) throw new IllegalArgumentException(token + " was created by a different ContextVar");
        Context ctx = Context.current();
        if (token.context != ctx) throw new IllegalArgumentException(token + " was created in a different Context");
        token.used = true;
        ctx.pairs = token.old == Token.MISSING ? Context.without(ctx.pairs, this) : Context.with(ctx.pairs, this, token.old);
    }

    @Override
    public String toString() {
        return "<ContextVar name='" + name + "'" + (dflt == NO_DEFAULT ? "" : " default=" + dflt) + ">";
    }

    /**
     * What {@link ContextVar#set} returns: the variable, its previous value, and the context it was set in.
     *
     * <p>Threading: as its variable's; reset it in the context (and so the thread or task) that set it.
     *
     * @param <T> the variable's value type
     */
    public static final class Token<T> {
        /** {@link #getOldValue()} when the variable had no value before ({@code Token.MISSING}). */
        public static final Object MISSING = new Object() {
            @Override public String toString() { return "<Token.MISSING>"; }
        };

        final Context context;
        final ContextVar<T> var;
        final Object old;
        boolean used;

        Token(Context context, ContextVar<T> var, Object old) {
            this.context = context;
            this.var = var;
            this.old = old;
        }

        /** {@return the variable that was set} */
        public ContextVar<T> getVar() {
            return var;
        }

        /** {@return the value before the set, or {@link #MISSING}} */
        public Object getOldValue() {
            return old;
        }

        @Override
        public String toString() {
            return "<Token" + (used ? " used" : "") + " var=" + var + ">";
        }
    }
}
