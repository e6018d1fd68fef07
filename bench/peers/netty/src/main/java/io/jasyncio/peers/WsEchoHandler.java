package io.jasyncio.peers;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The WebSocket echo of bench/http/ws.sh, behind {@code WebSocketServerProtocolHandler("/ws")} (which answers the
 * upgrade, pings and close frames): every text or binary message goes back as it came, the answers of one read
 * burst in one flush. Only that pipeline's event-loop thread calls it; it keeps no state, so one instance serves
 * every connection.
 */
@ChannelHandler.Sharable
final class WsEchoHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    static final WsEchoHandler INSTANCE = new WsEchoHandler();

    private WsEchoHandler() {
        super(false); // the frame is written back, so not released here
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            ctx.write(frame, ctx.voidPromise()); // the same frame, echoed: its buffer is released once written
        } else {
            frame.release(); // continuation frames: the aggregator upstream makes whole messages, so none arrive
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
