package io.jasyncio.internal.io;

import io.jasyncio.Asyncio;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Resolving host names without blocking the loop, and naming addresses in error messages.
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
}
