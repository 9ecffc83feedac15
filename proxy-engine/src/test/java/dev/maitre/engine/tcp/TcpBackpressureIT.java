package dev.maitre.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.RelayMode;
import dev.maitre.engine.testing.BodyDigest;
import dev.maitre.engine.testing.BufferedBytesSampler;
import dev.maitre.engine.testing.Pacer;
import dev.maitre.engine.testing.Payload;
import dev.maitre.engine.testing.ProxyFixture;
import dev.maitre.testing.RawBackend;
import dev.maitre.testing.RawClient;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The memory bound of the relay: 64 MiB between a fast peer and a slow one pass while what the
 * proxy holds stays at a few hundred KiB, because the fast side is read only while the slow side can
 * take more. Buffered, that is the outbound buffers; spliced, the bytes sit in a kernel pipe (at most
 * its 64 KiB capacity per direction), which {@code bufferedBytes()} counts too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpBackpressureIT {

    private static final long SIZE = 64L << 20;
    /** A write buffer's high-water mark (64 KiB) plus one read per direction, with room to spare. */
    private static final long BOUND = 512 * 1024;

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void slowClientReadingSixtyFourMebibytesKeepsBufferedBytesBounded(RelayMode relay) throws Exception {
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 sent.set(Payload.of(SIZE, 3).writeTo(connection.output(), Pacer.fullSpeed()));
                 connection.socket().shutdownOutput();
                 connection.input().transferTo(java.io.OutputStream.nullOutputStream());
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            String received;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                received = slowlyDigest(client.input());
            }
            client.socket().shutdownOutput();

            assertThat(received).isEqualTo(sent.get().sha256());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
            System.out.printf("tcp download (%s), slow client: max buffered %d KiB%n", relay, sampler.maxBuffered() / 1024);
        }
    }

    /**
     * A client that half-closes before the download starts must still be sent all of it. On epoll the
     * engine's connections keep {@code EPOLLERR} in their interest set after the peer's FIN, so Netty
     * 4.2.18 (which drops an emptied set from epoll and cannot re-arm it) can still wait for room.
     */
    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void clientThatHalfClosedFirstStillGetsSixtyFourMebibytesAtItsOwnPace(RelayMode relay) throws Exception {
        AtomicReference<BodyDigest> sent = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 connection.input().transferTo(java.io.OutputStream.nullOutputStream());
                 sent.set(Payload.of(SIZE, 5).writeTo(connection.output(), Pacer.fullSpeed()));
                 connection.socket().shutdownOutput();
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            client.send("send it all");
            client.socket().shutdownOutput();
            String received = slowlyDigest(client.input());

            assertThat(received).isEqualTo(sent.get().sha256());
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void slowBackendReadingSixtyFourMebibytesKeepsBufferedBytesBounded(RelayMode relay) throws Exception {
        AtomicReference<String> received = new AtomicReference<>();
        try (RawBackend backend = RawBackend.start(connection -> {
                 received.set(slowlyDigest(connection.input()));
                 connection.socket().shutdownOutput();
             });
             ProxyFixture proxy = TcpPeers.relay(relay, backend.address()).start();
             RawClient client = proxy.client()) {
            BodyDigest sent;
            BufferedBytesSampler sampler = BufferedBytesSampler.start(proxy.engine());
            try (sampler) {
                sent = Payload.of(SIZE, 4).writeTo(client.output(), Pacer.fullSpeed());
                client.socket().shutdownOutput();
                assertThat(client.input().read()).isEqualTo(-1);
            }

            assertThat(backend.failures()).isEmpty();
            assertThat(received.get()).isEqualTo(sent.sha256());
            assertThat(sampler.maxBuffered()).isLessThan(BOUND);
            System.out.printf("tcp upload (%s), slow backend: max buffered %d KiB%n", relay, sampler.maxBuffered() / 1024);
        }
    }

    /** Reads to the end of the stream at about 40 MiB/s (1 MiB, then a 25 ms rest), slower than the relay. */
    private static String slowlyDigest(InputStream in) throws IOException, InterruptedException {
        MessageDigest sha = newSha256();
        byte[] buffer = new byte[16 * 1024];
        long inBurst = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha.update(buffer, 0, n);
            inBurst += n;
            if (inBurst >= 1 << 20) {
                inBurst = 0;
                Thread.sleep(25);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
