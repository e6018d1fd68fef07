/**
 * asyncio's streams: {@link io.jasyncio.streams.Streams} opens connections and starts servers as a
 * {@link io.jasyncio.streams.StreamReader} and a {@link io.jasyncio.streams.StreamWriter}
 * ({@link io.jasyncio.streams.StreamPair}), fed by {@link io.jasyncio.streams.StreamReaderProtocol}.
 *
 * <p>Threading: readers, writers and protocols belong to their loop's thread; reads and {@code drain} suspend the
 * calling task. Start reading at {@link io.jasyncio.streams.Streams}.
 */
package io.jasyncio.streams;
