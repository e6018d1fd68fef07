package io.jasyncio.reflection;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * EventLoop's public statics are reachable by reflection from outside its package (scripting languages, DI
 * containers): when they were declared in EventLoop's package-private superclass {@code LoopSettings}, reflection
 * refused them with an IllegalAccessException (javac bridges inherited instance methods, never statics).
 */
@Timeout(30)
class EventLoopStaticsReflectionTest {
    @Test
    void publicStaticsAreReachableByReflection() throws Exception {
        assertEquals(EventLoop.defaultEngineName(), EventLoop.class.getMethod("defaultEngineName").invoke(null));
        assertSame(EventLoop.EAGER_TASK_FACTORY, EventLoop.class.getField("EAGER_TASK_FACTORY").get(null));
        assertNotNull(EventLoop.class.getMethod("createEagerTaskFactory", EventLoop.TaskConstructor.class)
                .invoke(null, (EventLoop.TaskConstructor) io.jasyncio.Task::new));
    }
}
