package dev.maitre.api.config;

/** How a tcp listener moves bytes between a client connection and its backend connection. */
public enum RelayMode {
    /**
     * Through the proxy's memory: each side is read into a buffer that is written to the other. Works
     * on every transport and with TLS; the default.
     */
    BUFFERED,
    /**
     * Through a kernel pipe with {@code splice(2)}, never copied into the proxy's memory. Needs the
     * native epoll transport and a listener without TLS; elsewhere the listener relays buffered.
     */
    SPLICE
}
