/**
 * Seed 004's async database driver, for real: {@link io.jasyncio.examples.pg.PgDemo} runs a bank of accounts on
 * PostgreSQL through {@code io.jasyncio.pg}, on a server given by DSN or a throwaway
 * {@link io.jasyncio.examples.pg.LocalCluster}.
 *
 * <p>Threading: the demo runs on its own loop; the cluster is started and stopped from the calling thread.
 */
package io.jasyncio.examples.pg;
