package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Backends and client helpers for the tcp relay tests. */
final class TcpPeers {

    private TcpPeers() {
    }

    /**
     * A tcp listener in front of {@code backend} that relays in {@code mode}. Splice needs the epoll
     * transport, which every Linux build has: a splice test that would quietly run buffered fails.
     */
    static ProxyFixture.Builder relay(RelayMode mode, HostPort backend) {
        if (mode == RelayMode.SPLICE) {
            assertThat(Epoll.isAvailable()).as("the epoll transport, which splice needs").isTrue();
        }
        return ProxyFixture.builder(backend).tcp().relay(mode);
    }

    /** Echoes every byte back until the proxy ends its side, then ends its own. */
    static RawBackend echo() throws IOException {
        return RawBackend.start(connection -> {
            connection.input().transferTo(connection.output());
            connection.socket().shutdownOutput();
        });
    }

    /** Writes {@code name} and closes: tells a test which backend served a connection. */
    static RawBackend named(String name) throws IOException {
        return RawBackend.start(connection -> {
            connection.write(name);
            connection.socket().shutdownOutput();
            connection.input().transferTo(OutputStream.nullOutputStream());
        });
    }

    /** Everything until the end of the stream. */
    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    static String readAllText(InputStream in) throws IOException {
        return new String(readAll(in), StandardCharsets.UTF_8);
    }

    /** Exactly {@code n} bytes. */
    static String readText(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}
