package io.jasyncio.peers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's HTTP/2 application, behind Netty's {@code Http2FrameCodec}: a request for {@code /} answers 200,
 * {@code text/plain}, "Hello, World!" (HEADERS then DATA with END_STREAM); any other path an empty 404. The
 * answers of one read burst go out in one flush.
 */
@ChannelHandler.Sharable
final class H2HelloHandler extends ChannelInboundHandlerAdapter {
    static final H2HelloHandler INSTANCE = new H2HelloHandler();
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                answer(ctx, h);
            } else if (msg instanceof Http2HeadersFrame h) {
                // a body follows: answered on its last DATA frame
                ctx.channel().attr(io.netty.util.AttributeKey.<Http2HeadersFrame>valueOf("h" + h.stream().id())).set(h);
            } else if (msg instanceof Http2DataFrame d && d.isEndStream()) {
                var key = io.netty.util.AttributeKey.<Http2HeadersFrame>valueOf("h" + d.stream().id());
                Http2HeadersFrame h = ctx.channel().attr(key).getAndSet(null);
                if (h != null) answer(ctx, h);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void answer(ChannelHandlerContext ctx, Http2HeadersFrame request) {
        boolean root = "/".contentEquals(request.headers().path());
        Http2Headers head = new DefaultHttp2Headers().status(root ? "200" : "404");
        if (root) {
            head.set("content-type", "text/plain").setInt("content-length", HELLO.readableBytes());
            ctx.write(new DefaultHttp2HeadersFrame(head).stream(request.stream()));
            ctx.write(new DefaultHttp2DataFrame(HELLO.duplicate(), true).stream(request.stream()));
        } else {
            head.setInt("content-length", 0);
            ctx.write(new DefaultHttp2HeadersFrame(head, true).stream(request.stream()));
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
