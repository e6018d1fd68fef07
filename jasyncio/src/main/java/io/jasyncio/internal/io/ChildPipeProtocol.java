package io.jasyncio.internal.io;

import io.jasyncio.transport.BaseProtocol;

/**
 * The protocol of one of a child process's pipes. Its transport is the child's to report when left open: a
 * transport whose protocol is one of these does not report itself as unclosed.
 *
 * <p>Threading: the event loop thread only.
 */
public interface ChildPipeProtocol extends BaseProtocol {
    /** Whether {@code protocol} is that of a child's pipe. */
    static boolean isChildPipe(BaseProtocol protocol) {
        return protocol instanceof ChildPipeProtocol;
    }
}
