package dev.maitre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.maitre.api.HostPort;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** An address from {@link Ports#refusing()} refuses connections, and no server can take its port. */
class PortsTest {

    @Test
    void connectingToARefusingAddressIsRefused() {
        HostPort refusing = Ports.refusing();

        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(refusing.host(), refusing.port()), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void noServerCanListenOnARefusingAddress() throws Exception {
        HostPort refusing = Ports.refusing();

        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            assertThatThrownBy(() -> server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), refusing.port())))
                    .isInstanceOf(BindException.class);
        }
    }

    @Test
    void eachRefusingAddressHasAPortOfItsOwn() {
        assertThat(Ports.refusing().port()).isNotEqualTo(Ports.refusing().port());
    }
}
