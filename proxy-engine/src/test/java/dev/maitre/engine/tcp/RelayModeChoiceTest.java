package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.ListenerConfig;
import dev.maitre.api.config.ListenerLimits;
import dev.maitre.api.config.ListenerTimeouts;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.RelayMode;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.engine.transport.Transport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tcp listener splices only where it can: on epoll, without TLS; elsewhere it relays buffered. */
class RelayModeChoiceTest {

    private static ListenerConfig tcp(RelayMode relay, TlsConfig tls) {
        return new ListenerConfig("db", HostPort.parse("127.0.0.1:5433"), Protocol.TCP, List.of(), "pg", tls,
                ListenerTimeouts.defaults(), ListenerLimits.defaults(), relay);
    }

    @Test
    void splicesOnEpollWithoutTls() {
        assertThat(TcpListenerContext.relayMode(tcp(RelayMode.SPLICE, null), Transport.EPOLL))
                .isEqualTo(RelayMode.SPLICE);
    }

    @Test
    void relaysBufferedOnNio() {
        assertThat(TcpListenerContext.relayMode(tcp(RelayMode.SPLICE, null), Transport.NIO))
                .isEqualTo(RelayMode.BUFFERED);
    }

    @Test
    void relaysBufferedWithTls() {
        TlsConfig tls = new TlsConfig(Path.of("cert.pem"), Path.of("key.pem"));
        assertThat(TcpListenerContext.relayMode(tcp(RelayMode.SPLICE, tls), Transport.EPOLL))
                .isEqualTo(RelayMode.BUFFERED);
    }

    @Test
    void relaysBufferedUnlessAskedToSplice() {
        assertThat(TcpListenerContext.relayMode(tcp(RelayMode.BUFFERED, null), Transport.EPOLL))
                .isEqualTo(RelayMode.BUFFERED);
    }
}
