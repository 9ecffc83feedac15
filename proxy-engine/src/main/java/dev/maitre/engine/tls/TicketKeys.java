package dev.maitre.engine.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The keys that seal an engine's TLS session tickets on BoringSSL, shared by every listener context
 * (so a ticket outlives a certificate reload) and rotated by the engine: the newest key seals new
 * tickets, the {@value #KEPT} before it still open tickets they sealed, so that a stolen key exposes
 * a few hours of sessions, not all of them. The JDK's provider seals its TLS 1.3 tickets with keys it
 * rotates itself. Netty turns tickets off on a BoringSSL context until it is given keys.
 */
public final class TicketKeys {

    /** Keys kept after they stop sealing, to open the tickets they sealed. */
    static final int KEPT = 2;

    private final SecureRandom random = new SecureRandom();
    /** The BoringSSL contexts given keys, held weakly: a context a reload replaced goes when unused. */
    private final Set<OpenSslSessionContext> contexts = Collections.newSetFromMap(new WeakHashMap<>());
    private volatile OpenSslSessionTicketKey[] keys;

    public TicketKeys() {
        keys = new OpenSslSessionTicketKey[] {newKey()};
    }

    /**
     * A new key seals from now on, on every context; the oldest beyond {@value #KEPT} is dropped. Quick
     * enough for an event loop (no I/O; each context's keys are swapped under its own brief lock).
     */
    public synchronized void rotate() {
        OpenSslSessionTicketKey[] current = keys;
        List<OpenSslSessionTicketKey> next = new ArrayList<>(KEPT + 1);
        next.add(newKey());
        for (int i = 0; i < current.length && i < KEPT; i++) {
            next.add(current[i]);
        }
        keys = next.toArray(OpenSslSessionTicketKey[]::new);
        for (OpenSslSessionContext context : contexts) {
            context.setTicketKeys(keys);
        }
    }

    /** Gives {@code context} the current keys, when it runs on BoringSSL. */
    synchronized void install(SslContext context) {
        if (context.sessionContext() instanceof OpenSslSessionContext openssl) {
            openssl.setTicketKeys(keys);
            contexts.add(openssl);
        }
    }

    private OpenSslSessionTicketKey newKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
