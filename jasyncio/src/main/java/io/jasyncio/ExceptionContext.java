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

    public static Builder builder(String message) {
        return new Builder(message);
    }

    public String message() { return message; }

    /** The exception, or null. */
    public Throwable exception() { return exception; }

    /** The future (or task) concerned, or null. */
    public Future<?> future() { return future; }

    /** The task concerned, or null when the future is not a task. */
    public Task<?> task() { return future instanceof Task<?> t ? t : null; }

    /** The handle concerned, or null. */
    public Handle handle() { return handle; }

    /** In debug mode, a throwable whose stack trace shows where the future, task or handle was created. */
    public Throwable sourceTraceback() { return sourceTraceback; }

    /** Further entries (for example {@code transport}, {@code protocol}, {@code socket}). */
    public Map<String, Object> extra() { return extra; }

    /** Python's dict form: keys {@code message}, {@code exception}, {@code future}/{@code task}, {@code handle}, .... */
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

        public Builder exception(Throwable e) { this.exception = e; return this; }
        public Builder future(Future<?> f) { this.future = f; return this; }
        public Builder handle(Handle h) { this.handle = h; return this; }
        public Builder sourceTraceback(Throwable t) { this.sourceTraceback = t; return this; }
        public Builder put(String key, Object value) { extra.put(key, value); return this; }
        public ExceptionContext build() { return new ExceptionContext(this); }
    }
}
