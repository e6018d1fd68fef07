package io.jasyncio.internal.io;

import static io.jasyncio.internal.io.SocketChannels.family;

import io.jasyncio.Asyncio;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Resolving host names without blocking the loop, choosing addresses by family, and naming addresses in error
 * messages.
 *
 * <p>Threading: {@link #resolve} must be called from a task; the rest is pure.
 */
public final class Addresses {
    private Addresses() {}

    /**
     * The addresses of {@code host}: a literal IP at once, a name through {@code InetAddress.getAllByName} on
     * the default executor (it blocks). An unknown host fails with {@link java.net.UnknownHostException}.
     */
    public static List<InetSocketAddress> resolve(String host, int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        InetAddress literal = literal(host);
        if (literal != null) return List.of(new InetSocketAddress(literal, port));
        InetAddress[] all = Asyncio.toThread(() -> InetAddress.getAllByName(host));
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : new LinkedHashSet<>(List.of(all))) out.add(new InetSocketAddress(a, port));
        return out;
    }

    public static InetAddress literal(String host) {
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null; // not a literal: a name to resolve
        }
    }

    /** An address as error messages show it: {@code 127.0.0.1:8080}, {@code [::1]:80}, or a Unix path. */
    public static String describe(SocketAddress a) {
        if (a instanceof InetSocketAddress isa) {
            String h = isa.isUnresolved() ? isa.getHostString() : isa.getAddress().getHostAddress();
            if (h.contains(":")) h = "[" + h + "]";
            return h + ":" + isa.getPort();
        }
        if (a instanceof UnixDomainSocketAddress u) return "'" + u.getPath() + "'";
        return String.valueOf(a);
    }

    /** The first family, in the order {@code local} resolves, that {@code remote} also resolves to. */
    public static ProtocolFamily commonFamily(SocketAddress local, SocketAddress remote) {
        List<ProtocolFamily> remoteFamilies = families(remote);
        for (ProtocolFamily f : families(local)) {
            if (remoteFamilies.contains(f)) return f;
        }
        throw new IllegalArgumentException("unexpected address family: no matching local and remote address family ("
                + local + " and " + remote + ")");
    }

    public static List<ProtocolFamily> families(SocketAddress a) {
        if (!(a instanceof InetSocketAddress isa) || !isa.isUnresolved()) return List.of(family(a));
        List<ProtocolFamily> out = new ArrayList<>();
        for (InetSocketAddress r : Addresses.resolve(isa.getHostString(), isa.getPort())) {
            if (!out.contains(family(r))) out.add(family(r));
        }
        return out;
    }

    /** {@code a} with its host name resolved: its first address of {@code family} (any family for null). */
    public static SocketAddress resolved(SocketAddress a, ProtocolFamily family) {
        if (a instanceof InetSocketAddress isa && isa.isUnresolved()) {
            List<InetSocketAddress> all = Addresses.resolve(isa.getHostString(), isa.getPort());
            return ofFamily(all, family, isa.getHostString()).get(0);
        }
        if (a != null && family != null && family(a) != family) {
            throw new IllegalArgumentException("[Errno -9] Address family for hostname not supported: " + a
                    + " is not an " + family + " address");
        }
        return a;
    }

    /** The address to listen on every interface: of {@code family}, or the JDK's dual-stack one for null. */
    public static InetSocketAddress wildcard(ProtocolFamily family, int port) {
        if (family == StandardProtocolFamily.INET) return new InetSocketAddress(Addresses.literal("0.0.0.0"), port);
        if (family == StandardProtocolFamily.INET6) return new InetSocketAddress(Addresses.literal("::"), port);
        return new InetSocketAddress(port);
    }

    /** The addresses of {@code family} (all for null); none is an error naming the host, as getaddrinfo's. */
    public static List<InetSocketAddress> ofFamily(List<InetSocketAddress> addrs, ProtocolFamily family, String host) {
        if (family == null) return addrs;
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : addrs) {
            if (family(a) == family) out.add(a);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("[Errno -9] Address family for hostname not supported: " + host
                    + " has no " + family + " address (it resolves to " + addrs + ")");
        }
        return out;
    }
}
