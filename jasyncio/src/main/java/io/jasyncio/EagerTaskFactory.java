package io.jasyncio;

/**
 * Asyncio's {@code eager_task_factory} and {@code create_eager_task_factory}: task factories whose tasks start
 * running inside {@code createTask} (see {@link EventLoop#EAGER_TASK_FACTORY}).
 *
 * <p>Threading: called on the loop's thread, inside {@code createTask}.
 */
final class EagerTaskFactory {
    private EagerTaskFactory() {}

    static final EventLoop.TaskFactory DEFAULT = new EventLoop.TaskFactory() {
        @Override public Task<?> create(EventLoop loop, Coroutine<?> coro, String name) {
            return new Task<>(loop, coro, name, true);
        }
        @Override public String toString() { return "eager_task_factory"; }
    };

    /** A factory whose tasks {@code constructor} makes with eager start, in the context given to createTask. */
    static EventLoop.TaskFactory of(EventLoop.TaskConstructor constructor) {
        java.util.Objects.requireNonNull(constructor, "constructor");
        return new EventLoop.TaskFactory() {
            @Override public Task<?> create(EventLoop loop, Coroutine<?> coro, String name) {
                return constructor.create(loop, coro, name, true, loop.tasks.peekContext(coro));
            }
            @Override public String toString() { return "eager_task_factory(" + constructor + ")"; }
        };
    }
}
