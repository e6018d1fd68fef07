/**
 * The benchmarks behind {@code bin/jasyncio bench}: the core event-loop metrics with the same workloads as the
 * CPython peer script ({@link io.jasyncio.bench.CoreBench}, run side by side by
 * {@link io.jasyncio.bench.PeerRunner}), the echo load client ({@link io.jasyncio.bench.EchoLoad}) and the parked
 * task's memory ({@link io.jasyncio.bench.ParkedTasks}).
 *
 * <p>Threading: each benchmark runs its own loops on the calling thread. Start reading at
 * {@link io.jasyncio.bench.CoreBench}.
 */
package io.jasyncio.bench;
