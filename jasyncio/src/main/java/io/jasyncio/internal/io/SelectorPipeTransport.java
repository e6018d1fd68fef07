package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import java.nio.channels.SelectableChannel;

/**
 * What the two ends of a selectable pipe share ({@link SelectorReadPipeTransport}, {@link SelectorWritePipeTransport}):
 * the channel is closed with the loop at the latest (as every {@link SelectorTransport}), so no descriptor
 * outlives it, and {@code get_extra_info} knows only {@code "pipe"}.
 *
 * <p>Threading: the loop's thread only.
 */
public abstract class SelectorPipeTransport extends SelectorTransport implements ChildPipeTransport {
    SelectorPipeTransport(EventLoop loop, SelectableChannel pipe, BaseProtocol protocol) {
        super(loop, pipe, protocol, null);
    }

    @Override
    public Object getExtraInfo(String name) {
        return "pipe".equals(name) ? channel : null;
    }
}
