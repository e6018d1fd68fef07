/**
 * JMH versions of the core metrics ({@link io.jasyncio.bench.jmh.CoreJmh}), run with {@code bin/jasyncio bench jmh}.
 *
 * <p>Threading: each invocation runs a batch inside one {@code Asyncio.run} on JMH's thread.
 */
package io.jasyncio.bench.jmh;
