/**
 * The reports of a finished run, all made from one {@link io.jasyncio.loadtest.report.RunResult}: text, JSON,
 * a self-contained HTML page, HdrHistogram interval logs (and merging saved ones), and the live progress line.
 *
 * <p>Threading: a result is immutable; reports are written by the command's thread. Start reading at
 * {@link io.jasyncio.loadtest.report.RunResult}.
 */
package io.jasyncio.loadtest.report;
