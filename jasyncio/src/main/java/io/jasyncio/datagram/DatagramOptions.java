package io.jasyncio.datagram;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/**
 * The keyword arguments of asyncio's {@code create_datagram_endpoint} beyond the two addresses, in one immutable
 * value: start from {@link #DEFAULTS} and adjust with the {@code withX} methods (each returns a copy).
 *
 * <p>Threading: immutable, shareable.
 *
 * @param family asyncio's {@code family}: {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
 *     keeps only that family's addresses of a host name (an address of another family is an error naming it), and
 *     with neither address makes an unbound socket of that family; null is {@code AF_UNSPEC}, the family of the
 *     addresses given
 * @param reusePort asyncio's {@code reuse_port} ({@code SO_REUSEPORT}: other sockets of the same user may bind the
 *     same address, and the kernel spreads datagrams among them; {@link UnsupportedOperationException} where the
 *     platform has none)
 * @param allowBroadcast asyncio's {@code allow_broadcast} ({@code SO_BROADCAST}: broadcast addresses may be sent
 *     to; then the remote address is not connected to, only used as the default address of {@code sendto})
 */
public record DatagramOptions(ProtocolFamily family, boolean reusePort, boolean allowBroadcast) {
    /** asyncio's defaults: the addresses' family, no {@code SO_REUSEPORT}, no broadcast. */
    public static final DatagramOptions DEFAULTS = new DatagramOptions(null, false, false);

    public DatagramOptions {
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("family must be INET, INET6 or null for a datagram endpoint, got " + family
                    + " (the JDK has no Unix datagram channel)");
        }
    }

    /** See {@link #family()}. */
    public DatagramOptions withFamily(ProtocolFamily family) {
        return new DatagramOptions(family, reusePort, allowBroadcast);
    }

    /** See {@link #reusePort()}. */
    public DatagramOptions withReusePort(boolean on) {
        return new DatagramOptions(family, on, allowBroadcast);
    }

    /** See {@link #allowBroadcast()}. */
    public DatagramOptions withAllowBroadcast(boolean on) {
        return new DatagramOptions(family, reusePort, on);
    }
}
