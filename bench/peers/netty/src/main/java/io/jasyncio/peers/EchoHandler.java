package io.jasyncio.peers;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Echo: every buffer read is written back as it is (Netty releases it once written), and the writes of one
 * read burst go out in one flush, when the burst ends. Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class EchoHandler extends ChannelInboundHandlerAdapter {
    static final EchoHandler INSTANCE = new EchoHandler();

    private EchoHandler() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset peer: drop the connection, keep serving the others
    }
}
