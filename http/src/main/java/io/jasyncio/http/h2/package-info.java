/**
 * HTTP/2 (RFC 9113) for the HTTP module: HPACK header compression (RFC 7541: {@link io.jasyncio.http.h2.HpackEncoder},
 * {@link io.jasyncio.http.h2.HpackDecoder}), the frame codec, and a server connection that answers each stream
 * with the same {@link io.jasyncio.http.Application} handlers as HTTP/1.1. Sites speak it over TLS when ALPN
 * selects {@code h2} and over cleartext when a client opens with the HTTP/2 preface (prior knowledge). The client
 * side ({@link io.jasyncio.http.h2.Http2ClientConnection}, {@link io.jasyncio.http.h2.ClientStream}) carries
 * {@link io.jasyncio.http.ClientSession}'s requests as streams of one connection per origin.
 *
 * <p>Every peer-controlled quantity is bounded (header list and table sizes, concurrent streams, resets, control
 * frames, buffered data), and a peer past a bound gets a connection or stream error, not more memory.
 *
 * <p>Threading: a connection and its streams belong to the loop they were made on: call them from that loop's
 * tasks. The codecs ({@link io.jasyncio.http.h2.FrameReader}, the HPACK encoder and decoder) are one connection's;
 * {@link io.jasyncio.http.h2.FrameWriter} is stateless, and frames, header fields and options are immutable.
 */
package io.jasyncio.http.h2;
