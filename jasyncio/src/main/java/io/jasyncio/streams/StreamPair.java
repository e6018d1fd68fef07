package io.jasyncio.streams;

/**
 * What {@link Streams#openConnection} returns: asyncio's {@code (reader, writer)} pair. Closing it closes the
 * connection ({@link StreamWriter#close()}), so {@code try (StreamPair conn = Streams.openConnection(h, p)) {
 * ... }} ties a connection to a block.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param reader the connection's reading side
 * @param writer the connection's writing side
 */
public record StreamPair(StreamReader reader, StreamWriter writer) implements AutoCloseable {
    /** Closes the connection: {@link StreamWriter#close()} (buffered data is still sent; does not wait). */
    @Override
    public void close() {
        writer.close();
    }
}
