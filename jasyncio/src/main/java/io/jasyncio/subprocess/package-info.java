/**
 * Child processes, as asyncio's subprocess support: {@link io.jasyncio.subprocess.Subprocesses} returns a
 * {@link io.jasyncio.subprocess.Subprocess} whose pipes are streams; {@link io.jasyncio.subprocess.Processes} drives
 * a child with a {@link io.jasyncio.subprocess.SubprocessProtocol} over a
 * {@link io.jasyncio.subprocess.SubprocessTransport}.
 *
 * <p>Threading: call from a task of the running loop; transports and protocols belong to its thread. Start reading
 * at {@link io.jasyncio.subprocess.Subprocesses}.
 */
package io.jasyncio.subprocess;
