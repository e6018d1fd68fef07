/**
 * WebSockets (RFC 6455) with permessage-deflate (RFC 7692), server and client, with aiohttp's names:
 * {@link io.jasyncio.http.ws.WebSocketResponse} in a handler, {@code ClientSession.wsConnect} for a
 * {@link io.jasyncio.http.ws.ClientWebSocketResponse}, {@link io.jasyncio.http.ws.WSMessage} and
 * {@link io.jasyncio.http.ws.WSMsgType} for what is received, {@link io.jasyncio.http.ws.WSCloseCode} for close
 * codes. Framing ({@code FrameParser}, {@code FrameWriter}), the handshake and the extension are package-private.
 *
 * <p>Threading: a WebSocket belongs to its connection's loop: call it from that loop's tasks (one task at a time
 * receives; several may send). Messages are immutable; options are filled in on one thread, then handed over.
 */
package io.jasyncio.http.ws;
