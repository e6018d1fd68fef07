package io.jasyncio.peers;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's HTTP application, behind Netty's {@code HttpServerCodec}: {@code GET /} answers 200,
 * {@code text/plain}, "Hello, World!"; anything else an empty 404. Both answers are built once and sent as
 * duplicates (Netty's idiom for a fixed answer); a connection is kept alive unless the request asks otherwise,
 * and the answers of one read burst (pipelined requests) go out in one flush.
 */
@ChannelHandler.Sharable
final class HelloHandler extends ChannelInboundHandlerAdapter {
    static final HelloHandler INSTANCE = new HelloHandler();

    private static final FullHttpResponse HELLO = fixed(HttpResponseStatus.OK, "Hello, World!");
    private static final FullHttpResponse NOT_FOUND = fixed(HttpResponseStatus.NOT_FOUND, "");

    private HelloHandler() {}

    private static FullHttpResponse fixed(HttpResponseStatus status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof HttpRequest request)) return; // the (empty) body parts of a GET
            boolean hello = request.method().equals(HttpMethod.GET) && request.uri().equals("/");
            FullHttpResponse answer = (hello ? HELLO : NOT_FOUND).retainedDuplicate();
            if (HttpUtil.isKeepAlive(request)) {
                if (!request.protocolVersion().isKeepAliveDefault()) { // HTTP/1.0 asking to keep the connection
                    answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.write(answer, ctx.voidPromise());
            } else {
                answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            }
        } finally {
            ReferenceCountUtil.release(msg);
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
