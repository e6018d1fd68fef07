package io.jasyncio.subprocess;

/**
 * What {@link Subprocess#communicate} returns: asyncio's {@code (stdout, stderr)} tuple. A stream that was not
 * a pipe is null.
 *
 * <p>Threading: a plain value; the arrays are the caller's.
 *
 * @param stdout everything the child wrote to stdout, or null if stdout was not {@code PIPE}
 * @param stderr everything the child wrote to stderr, or null if stderr was not {@code PIPE}
 */
public record ProcessOutput(byte[] stdout, byte[] stderr) {}
