/**
 * The {@code jasyncio} command (picocli): one subcommand per program of the seeds ({@code tour}, {@code models},
 * {@code echo-server}, {@code web-server}, {@code vectordb}, {@code pg-demo}, ...), plus {@code test},
 * {@code bench}, {@code loadtest} and {@code ps}/{@code pstree}. Option values are checked before any work
 * ({@code Check}); bad input is a message and exit status 2, never a stack trace.
 *
 * <p>Threading: each command runs on the main thread and starts the loops it needs. Start reading at
 * {@link io.jasyncio.cli.Main}.
 */
package io.jasyncio.cli;
