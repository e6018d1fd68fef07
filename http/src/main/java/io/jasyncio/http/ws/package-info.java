/**
 * WebSockets (RFC 6455) with permessage-deflate (RFC 7692), server and client, with aiohttp's names:
 * {@link io.jasyncio.http.ws.WebSocketResponse} in a handler, {@code ClientSession.wsConnect} for a
 * {@link io.jasyncio.http.ws.ClientWebSocketResponse}, {@link io.jasyncio.http.ws.WSMessage} and
 * {@link io.jasyncio.http.ws.WSMsgType} for what is received, {@link io.jasyncio.http.ws.WSCloseCode} for close
 * codes. Framing ({@code FrameParser}, {@code FrameWriter}), the handshake and the extension are package-private.
 */
package io.jasyncio.http.ws;
