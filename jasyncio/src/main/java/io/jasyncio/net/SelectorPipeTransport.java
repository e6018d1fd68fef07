package io.jasyncio.net;

import io.jasyncio.EventLoop;
import java.nio.channels.SelectableChannel;

/**
 * What the two ends of a selectable pipe share ({@link SelectorReadPipeTransport}, {@link SelectorWritePipeTransport}):
 * the channel is closed with the loop at the latest, so no descriptor outlives it, and {@code get_extra_info}
 * knows only {@code "pipe"}.
 *
 * <p>Threading: the loop's thread only.
 */
abstract class SelectorPipeTransport extends SelectorTransport implements ChildPipeTransport {
    /** Takes the pipe back from the loop's close-on-close set once the transport closed it. */
    private final Runnable untrack;

    SelectorPipeTransport(EventLoop loop, SelectableChannel pipe, BaseProtocol protocol) {
        super(loop, pipe, protocol, null);
        this.untrack = loop.closeWithLoop(pipe);
    }

    @Override
    void callConnectionLost(Throwable exc) {
        try {
            super.callConnectionLost(exc);
        } finally {
            untrack.run();
        }
    }

    @Override
    public Object getExtraInfo(String name) {
        return "pipe".equals(name) ? channel : null;
    }
}
