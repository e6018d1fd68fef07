package io.jasyncio.internal.io;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.ReturnWhen;
import io.jasyncio.Task;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Sockets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Connecting to a host that resolves to several addresses (RFC 8305, asyncio's {@code happy_eyeballs_delay} and
 * {@code staggered_race}): the first attempt starts at once; each next one starts when the previous failed or
 * {@code delay} seconds passed without a winner; the first connection made wins and the other attempts are
 * cancelled and their sockets closed.
 *
 * <p>Threading: {@link #connect} suspends the calling task; call it from a task's code.
 */
public final class HappyEyeballs {
    private HappyEyeballs() {}

    /** asyncio's {@code _interleave_addrinfos(addrs, 1)}: alternate the address families, first family first. */
    public static List<InetSocketAddress> interleave(List<InetSocketAddress> addrs) {
        return interleave(addrs, 1);
    }

    /**
     * asyncio's {@code _interleave_addrinfos(addrs, firstFamilyCount)} (RFC 8305's "First Address Family Count"):
     * {@code firstFamilyCount - 1} addresses of the first address's family lead, then the families alternate.
     */
    public static List<InetSocketAddress> interleave(List<InetSocketAddress> addrs, int firstFamilyCount) {
        List<InetSocketAddress> first = new ArrayList<>(), other = new ArrayList<>();
        boolean firstIsV6 = !addrs.isEmpty() && addrs.getFirst().getAddress() instanceof Inet6Address;
        for (InetSocketAddress a : addrs) ((a.getAddress() instanceof Inet6Address) == firstIsV6 ? first : other).add(a);
        List<InetSocketAddress> out = new ArrayList<>(addrs.size());
        int lead = Math.min(Math.max(firstFamilyCount - 1, 0), first.size());
        out.addAll(first.subList(0, lead));
        List<InetSocketAddress> rest = first.subList(lead, first.size());
        for (int i = 0; i < Math.max(rest.size(), other.size()); i++) {
            if (i < rest.size()) out.add(rest.get(i));
            if (i < other.size()) out.add(other.get(i));
        }
        return out;
    }

    /**
     * Races connections to {@code addrs}, staggered by {@code delay} seconds, each bound first to one of
     * {@code locals} (null: not bound); returns the winner's channel.
     */
    public static SocketChannel connect(List<InetSocketAddress> addrs, double delay, List<InetSocketAddress> locals) throws IOException {
        if (addrs.isEmpty()) throw new IllegalArgumentException("no address to connect to");
        EventLoop loop = Asyncio.getRunningLoop();
        Future<SocketChannel> winner = loop.createFuture();
        List<Task<Void>> attempts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        try {
            for (int i = 0; i < addrs.size() && !winner.done(); i++) {
                InetSocketAddress addr = addrs.get(i);
                Future<Void> failed = loop.createFuture();
                attempts.add(Asyncio.createTask(() -> attempt(addr, locals, winner, failed, errors)));
                if (i < addrs.size() - 1) Asyncio.wait(List.of(winner, failed), delay, ReturnWhen.FIRST_COMPLETED);
            }
            List<Future<?>> all = new ArrayList<>(attempts);
            all.add(winner);
            while (!winner.done() && !attempts.stream().allMatch(Task::done)) {
                Asyncio.wait(all, ReturnWhen.FIRST_COMPLETED);
            }
        } finally {
            for (Task<Void> t : attempts) t.cancel();
        }
        for (Task<Void> t : attempts) {
            try {
                Asyncio.await(t);
            } catch (Throwable cancelledOrFailed) {
                // each attempt records its own connect error and closes its own socket
            }
        }
        if (winner.done()) return winner.result();
        throw combined(errors);
    }

    private static Void attempt(InetSocketAddress addr, List<InetSocketAddress> locals, Future<SocketChannel> winner,
            Future<Void> failed, List<Throwable> errors) throws IOException {
        SocketChannel ch = null;
        try {
            ch = SocketChannels.openBound(addr, locals);
            Sockets.sockConnect(ch, addr);
        } catch (Throwable e) {
            if (ch != null) SocketChannels.closeQuietly(ch);
            if (e instanceof IOException) errors.add(e);
            if (!failed.done()) failed.setResult(null);
            throw e;
        }
        if (winner.done()) SocketChannels.closeQuietly(ch); // another attempt won while this one finished
        else winner.setResult(ch);
        return null;
    }

    /** One error as it is; several as asyncio's "Multiple exceptions: ..." with each kept as suppressed. */
    public static IOException combined(List<Throwable> errors) { // every element is an IOException
        if (errors.isEmpty()) return new ConnectException("no connection attempt succeeded");
        if (errors.size() == 1) return (IOException) errors.getFirst();
        String first = errors.getFirst().getMessage();
        if (errors.stream().allMatch(e -> Objects.equals(e.getMessage(), first))) return (IOException) errors.getFirst();
        StringBuilder sb = new StringBuilder("Multiple exceptions: ");
        for (int i = 0; i < errors.size(); i++) sb.append(i > 0 ? ", " : "").append(errors.get(i).getMessage());
        ConnectException all = new ConnectException(sb.toString());
        errors.forEach(all::addSuppressed);
        return all;
    }
}
