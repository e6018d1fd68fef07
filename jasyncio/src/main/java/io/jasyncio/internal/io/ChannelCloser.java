package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.channels.SelectableChannel;

/**
 * Closes a channel for real, now. NIO defers the close of a channel registered with a selector until the
 * selector next deregisters its key, so a closed listening socket would go on accepting connections (and a
 * closed connection would keep its file descriptor) until the loop's next poll. asyncio closes at once;
 * flushing the cancelled key with a non-blocking select does the same here.
 *
 * <p>Threading: the loop's thread only.
 */
public final class ChannelCloser {
    private ChannelCloser() {}

    public static void close(EventLoop loop, SelectableChannel ch) throws IOException {
        boolean registered = ch.isRegistered();
        ch.close();
        if (registered && !loop.isClosed()) loop.selector().selectNow();
    }
}
