package io.jasyncio;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The context asyncio passes to an exception handler: a message and, where known, the exception, the future
 * or task, the handle, and further entries (Python's context dict; {@link #asMap()} gives that form).
 *
 * <p>Threading: immutable.
 */
public final class ExceptionContext {
    private final String message;
    private final Throwable exception;
    private final Future<?> future;
    private final Handle handle;
    private final Throwable sourceTraceback;
    private final Map<String, Object> extra;

    private ExceptionContext(Builder b) {
        this.message = b.message;
        this.exception = b.exception;
        this.future = b.future;
        this.handle = b.handle;
        this.sourceTraceback = b.sourceTraceback;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    }

    /**
     * A builder of a context.
     *
     * @param message what happened, for the handler to log
     * @return the builder
     */
    public static Builder builder(String message) {
        return new Builder(message);
    }

    /** {@return the message: what happened} */
    public String message() { return message; }

    /** {@return the exception, or null} */
    public Throwable exception() { return exception; }

    /** {@return the future (or task) concerned, or null} */
    public Future<?> future() { return future; }

    /** {@return the task concerned, or null when the future is not a task} */
    public Task<?> task() { return future instanceof Task<?> t ? t : null; }

    /** {@return the handle concerned, or null} */
    public Handle handle() { return handle; }

    /**
     * {@return in debug mode, a throwable whose stack trace shows where the future, task or handle was created;
     * else null}
     */
    public Throwable sourceTraceback() { return sourceTraceback; }

    /**
     * {@return the further entries (for example {@code transport}, {@code protocol}, {@code socket}), an
     * unmodifiable map}
     */
    public Map<String, Object> extra() { return extra; }

    /**
     * {@return Python's dict form: keys {@code message}, {@code exception}, {@code future}/{@code task},
     * {@code handle}, ..., then the further entries}
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", message);
        if (exception != null) m.put("exception", exception);
        if (future != null) m.put(future instanceof Task ? "task" : "future", future);
        if (handle != null) m.put("handle", handle);
        if (sourceTraceback != null) m.put("source_traceback", sourceTraceback);
        m.putAll(extra);
        return m;
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** What the loop's default exception handler logs: the message, then the future or task, handle and extras. */
    String logMessage() {
        StringBuilder sb = new StringBuilder(message == null ? "Unhandled error in event loop" : message);
        if (future != null) sb.append("\n").append(task() != null ? "task: " : "future: ").append(future);
        if (handle != null) sb.append("\nhandle: ").append(handle);
        extra.forEach((k, v) -> sb.append("\n").append(k).append(": ").append(v));
        if (sourceTraceback != null) sb.append("\ncreated at: ").append(Task.firstUserFrame(sourceTraceback));
        return sb.toString();
    }

    /** Builds an {@link ExceptionContext}. Not thread-safe. */
    public static final class Builder {
        private final String message;
        private Throwable exception;
        private Future<?> future;
        private Handle handle;
        private Throwable sourceTraceback;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        private Builder(String message) {
            this.message = message;
        }

        /**
         * Sets the exception.
         *
         * @param e the exception, or null
         * @return this builder
         */
        public Builder exception(Throwable e) { this.exception = e; return this; }

        /**
         * Sets the future (or task) concerned.
         *
         * @param f the future, or null
         * @return this builder
         */
        public Builder future(Future<?> f) { this.future = f; return this; }

        /**
         * Sets the handle concerned.
         *
         * @param h the handle, or null
         * @return this builder
         */
        public Builder handle(Handle h) { this.handle = h; return this; }

        /**
         * Sets where the future, task or handle was created (debug mode).
         *
         * @param t a throwable whose stack trace shows it, or null
         * @return this builder
         */
        public Builder sourceTraceback(Throwable t) { this.sourceTraceback = t; return this; }

        /**
         * Adds a further entry ({@code transport}, {@code protocol}, {@code socket}...); a second put of a key
         * replaces its value.
         *
         * @param key the entry's name
         * @param value its value
         * @return this builder
         */
        public Builder put(String key, Object value) { extra.put(key, value); return this; }

        /** {@return the context} */
        public ExceptionContext build() { return new ExceptionContext(this); }
    }
}
