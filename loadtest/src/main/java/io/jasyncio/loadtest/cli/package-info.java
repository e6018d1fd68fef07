/**
 * The {@code loadtest} command's work apart from parsing its options: {@link io.jasyncio.loadtest.cli.LoadTestCli}
 * turns them into a plan, runs it, writes the reports and returns the exit code.
 *
 * <p>Threading: called from the command's thread; the run itself takes its own loops.
 */
package io.jasyncio.loadtest.cli;
