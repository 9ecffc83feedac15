/**
 * HTTP/2 read and written at the edge of the exchange core: a client's header list checked as
 * RFC 9113 §8 requires and written as the HTTP/1.1 request head the core reads ({@link RequestHeads}),
 * its trailers checked the same way, and the settings and limits of a connection's codec
 * ({@link Http2Limits}). Uses nothing of the engine but {@code engine.http1}.
 */
package dev.maitre.engine.http2;
