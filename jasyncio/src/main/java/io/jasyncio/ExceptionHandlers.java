package io.jasyncio;

import java.lang.System.Logger.Level;

/**
 * How a loop calls its exception handler (asyncio's {@code call_exception_handler}): the custom handler if set,
 * else the loop's default one; a handler that fails is reported through the default one, and a default one that
 * fails is logged: nothing propagates to the loop.
 *
 * <p>Threading: the loop's thread.
 */
final class ExceptionHandlers {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");

    private ExceptionHandlers() {}

    static void call(EventLoop loop, EventLoop.ExceptionHandler handler, ExceptionContext context) {
        if (handler == null) {
            try {
                loop.defaultExceptionHandler(context);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Exception in default exception handler", e);
            }
            return;
        }
        try {
            handler.handle(loop, context);
        } catch (RuntimeException e) {
            try {
                loop.defaultExceptionHandler(ExceptionContext.builder("Unhandled error in exception handler")
                        .exception(e).put("context", context).build());
            } catch (RuntimeException e2) {
                LOG.log(Level.ERROR, "Exception in default exception handler while handling an unexpected error "
                        + "in custom exception handler", e2);
            }
        }
    }
}
