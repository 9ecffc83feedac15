package dev.maitre.engine.http;

import dev.maitre.engine.http1.ResponseHead;
import dev.maitre.engine.proxyprotocol.ClientAddresses;
import dev.maitre.engine.relay.PairRelay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.LastHttpContent;
import javax.net.ssl.SSLSession;

/**
 * What an exchange may do to the client connection it serves, and nothing more: ask for more of the
 * request, write the answer, keep one timer, and end — finished, answered with maitre's own error,
 * or cut off. The exchange never touches the client's pipeline otherwise, so another kind of client
 * side (an HTTP/2 stream, say) can serve the same exchange. How the answer is framed on the client's
 * connection (chunks, keep-alive, what an HTTP/1.0 client can take) is the client side's.
 */
interface ClientSide {

    /** Asks for the next piece of the request; it arrives through {@link ProxyExchange#onRequestContent}. */
    void requestRead();

    /** Passes on an interim (1xx) answer, where the client's protocol can carry it; nothing is flushed. */
    void writeInterim(ResponseHead head);

    /**
     * Writes the final answer's head, framed for the client; returns whether the connection stays
     * open after the answer. {@code keepAliveWanted}: whether it could, as far as the request and
     * the proxy are concerned.
     */
    boolean writeHead(ResponseHead head, boolean keepAliveWanted);

    /** Writes a piece of the answer's body; takes {@code data}. */
    void writeBody(ByteBuf data);

    /** Writes the answer's last piece and its trailers; takes {@code last}. */
    void writeEnd(LastHttpContent last);

    void flush();

    /** Whether the client takes more now; once it does again, {@link ProxyExchange#onClientWritabilityChanged} runs. */
    boolean isWritable();

    /** The event loop of the client connection, where every backend connection of the exchange lives. */
    EventLoop eventLoop();

    /** True when the connection closes after this exchange whatever the answer says. */
    boolean closing();

    /** The client's address, as the access log and consistent hashing see it. */
    String remoteAddress();

    /**
     * The client's connection as a PROXY header to a backend names it (its PROXY header's addresses,
     * if it came with one); {@code null} when unknown.
     */
    default ClientAddresses addresses() {
        return null;
    }

    /**
     * Whether the request is a gRPC call, whose answer's {@code grpc-status} is reported. gRPC needs
     * HTTP/2, so only an HTTP/2 stream says yes.
     */
    default boolean grpc() {
        return false;
    }

    /** The connection's TLS session once its handshake is done; {@code null} for clear text. */
    SSLSession tlsSession();

    /** The exchange waits for at most {@code nanos}; then {@link ProxyExchange#onTimer} runs. */
    void armExchangeTimer(long nanos);

    /** The exchange no longer waits on anything. */
    void cancelExchangeTimer();

    /** The answer is complete; the connection goes on ({@code keepAlive}) or closes. */
    void exchangeFinished(boolean keepAlive);

    /** Nothing of the answer was sent: maitre answers with its own {@code rejection} instead. */
    void respondWithError(Rejection rejection, boolean keepAlive, boolean http10);

    /** The answer began and cannot be completed: the connection is cut off so it never looks whole. */
    void abort();

    /**
     * The backend switched protocols ({@code 101}) as the request asked: writes the answer's head,
     * then relays bytes both ways between the client and {@code backend}, which it takes, until both
     * directions end; {@code traffic} hears of the bytes as they pass, {@code owner} of the end. The
     * exchange's answer is over: no other method here is called for it afterwards.
     */
    void openTunnel(ResponseHead head, Channel backend, PairRelay.Owner owner, PairRelay.Traffic traffic);
}
