package dev.maitre.chaos.load;

import dev.maitre.chaos.load.LoadGenerator.Mode;

/**
 * Who a load generator's requests come from: {@code count} clients, each with one request at a
 * time, speaking {@code protocol}. An HTTP/1.1 client has a connection of its own, kept alive or
 * opened for each request. Kept-alive HTTP/2 clients share {@code connections} connections (client
 * i on connection i mod {@code connections}), each request a stream, so streams of several clients
 * are open on a connection at once; a new-connection HTTP/2 client opens one for each request.
 *
 * @param connections the connections kept-alive HTTP/2 clients share; ignored otherwise
 */
public record Clients(ClientProtocol protocol, Mode mode, int count, int connections) {

    public Clients {
        if (count < 1) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
        }
        if (protocol == ClientProtocol.HTTP_2 && mode == Mode.KEEP_ALIVE && (connections < 1 || connections > count)) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: 1 to count " + count + ")");
        }
    }

    /** HTTP/1.1 clients, each on its own connection. */
    public static Clients http1(Mode mode, int count) {
        return new Clients(ClientProtocol.HTTP_1_1, mode, count, count);
    }

    /** Kept-alive HTTP/2 clients multiplexed on {@code connections} connections. */
    public static Clients http2(int count, int connections) {
        return new Clients(ClientProtocol.HTTP_2, Mode.KEEP_ALIVE, count, connections);
    }

    /** HTTP/2 clients each opening a connection for each request (the preface, one stream, {@code GOAWAY}). */
    public static Clients http2NewConnections(int count) {
        return new Clients(ClientProtocol.HTTP_2, Mode.NEW_CONNECTION, count, count);
    }

    /** "3 keep-alive HTTP/1.1 clients", "6 HTTP/2 clients multiplexed on 2 connections"... */
    public String describe() {
        String who = count + " " + protocol.label() + " client" + (count == 1 ? "" : "s");
        if (mode == Mode.NEW_CONNECTION) {
            return who + " opening a connection per request";
        }
        return protocol == ClientProtocol.HTTP_2
                ? who + " multiplexed on " + connections + " connection" + (connections == 1 ? "" : "s")
                : count + " keep-alive " + protocol.label() + " client" + (count == 1 ? "" : "s");
    }
}
