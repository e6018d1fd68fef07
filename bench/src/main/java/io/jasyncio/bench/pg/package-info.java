/**
 * The PostgreSQL driver on the workloads of {@code bench/pg/run.sh} ({@link io.jasyncio.bench.pg.PgBench}), with
 * PgJDBC inside tasks as a comparison and CPU accounting from {@code /proc}.
 *
 * <p>Threading: the benchmark runs its own loops on the calling thread. Start reading at
 * {@link io.jasyncio.bench.pg.PgBench}.
 */
package io.jasyncio.bench.pg;
