/**
 * JMH benchmarks, run with {@code bin/jasyncio bench jmh}: the core metrics ({@link io.jasyncio.bench.jmh.CoreJmh})
 * and plain-JDK task switches without jasyncio ({@link io.jasyncio.bench.jmh.JdkSwitchJmh}, the reproducer of what a
 * running flight recorder adds to a virtual thread's switch; {@code bench/jfr/run.sh} compares them).
 *
 * <p>Threading: each invocation runs a batch on JMH's thread (CoreJmh inside one {@code Asyncio.run}).
 */
package io.jasyncio.bench.jmh;
