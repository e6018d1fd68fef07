package io.jasyncio.net;

/**
 * What {@link Streams#openConnection} returns: asyncio's {@code (reader, writer)} pair.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 */
public record StreamPair(StreamReader reader, StreamWriter writer) {}
