/**
 * Small scenarios shipped with the load tester ({@link io.jasyncio.loadtest.examples.GetRoot},
 * {@link io.jasyncio.loadtest.examples.IdleUser}), runnable by name from the command line.
 *
 * <p>Threading: as every scenario, on its run's loop.
 */
package io.jasyncio.loadtest.examples;
