package dev.maitre.engine.pool;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One pool on virtual time. Its connections are embedded channels with the pipeline of a real backend
 * connection (HTTP client codec, then {@link BackendConnection}), so a close or a stray response
 * reaches the pool as it would from a socket.
 */
class BackendPoolTest {

    private static final Endpoint ENDPOINT = new Endpoint(new BackendId("c", new HostPort("127.0.0.1", 8080)), 1);
    private static final long IDLE_TIMEOUT_SECONDS = 4;

    private final MockTicker ticker = Ticker.newMockTicker();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private BackendPool pool(int maxIdle) {
        return new BackendPool(ENDPOINT, null, new Bootstrap(), null, maxIdle, TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS),
                ticker, false);
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel(new BackendCodec(), new BackendConnection());
        channels.add(channel);
        return channel;
    }

    @Test
    void theMostRecentlyReleasedConnectionIsHandedOutFirst() {
        BackendPool pool = pool(8);
        EmbeddedChannel first = connection();
        EmbeddedChannel second = connection();
        EmbeddedChannel third = connection();
        pool.release(first);
        pool.release(second);
        pool.release(third);

        assertThat(pool.pollIdle()).isSameAs(third);
        assertThat(pool.pollIdle()).isSameAs(second);
        assertThat(pool.pollIdle()).isSameAs(first);
        assertThat(pool.pollIdle()).isNull();
    }

    @Test
    void aFullPoolClosesItsOldestConnectionToKeepANewOne() {
        BackendPool pool = pool(2);
        EmbeddedChannel oldest = connection();
        EmbeddedChannel middle = connection();
        EmbeddedChannel newest = connection();
        pool.release(oldest);
        pool.release(middle);
        pool.release(newest);

        assertThat(oldest.isOpen()).isFalse();
        assertThat(pool.idleCount()).isEqualTo(2);
        assertThat(pool.pollIdle()).isSameAs(newest);
        assertThat(pool.pollIdle()).isSameAs(middle);
    }

    @Test
    void aPoolWithoutRoomClosesEveryConnectionReleasedToIt() {
        BackendPool pool = pool(0);
        EmbeddedChannel connection = connection();
        pool.release(connection);

        assertThat(connection.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
        assertThat(pool.pollIdle()).isNull();
    }

    @Test
    void aConnectionTheBackendClosedWhileIdleIsNeverHandedOut() {
        BackendPool pool = pool(8);
        EmbeddedChannel kept = connection();
        EmbeddedChannel closedByBackend = connection();
        pool.release(kept);
        pool.release(closedByBackend);

        closedByBackend.close();

        assertThat(pool.idleCount()).isEqualTo(1);
        assertThat(pool.pollIdle()).isSameAs(kept);
        assertThat(pool.pollIdle()).isNull();
    }

    @Test
    void aConnectionReleasedAlreadyClosedIsNotKept() {
        BackendPool pool = pool(8);
        EmbeddedChannel connection = connection();
        connection.close();

        pool.release(connection);

        assertThat(pool.idleCount()).isZero();
        assertThat(pool.pollIdle()).isNull();
    }

    @Test
    void anUnexpectedResponseFromAnIdleBackendClosesTheConnection() {
        BackendPool pool = pool(8);
        EmbeddedChannel connection = connection();
        pool.release(connection);

        connection.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", US_ASCII));

        assertThat(connection.isOpen()).isFalse();
        assertThat(connection.inboundMessages()).isEmpty();
        assertThat(pool.idleCount()).isZero();
        assertThat(pool.pollIdle()).isNull();
    }

    @Test
    void closeExpiredClosesExactlyTheConnectionsIdleForTheIdleTimeout() {
        BackendPool pool = pool(8);
        EmbeddedChannel older = connection();
        EmbeddedChannel younger = connection();
        pool.release(older);
        ticker.advance(2, TimeUnit.SECONDS);
        pool.release(younger);

        ticker.advance(TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS - 2) - 1, TimeUnit.NANOSECONDS);
        pool.closeExpired();
        assertThat(older.isOpen()).isTrue();
        assertThat(pool.idleCount()).isEqualTo(2);

        ticker.advance(1, TimeUnit.NANOSECONDS);
        pool.closeExpired();
        assertThat(older.isOpen()).isFalse();
        assertThat(younger.isOpen()).isTrue();
        assertThat(pool.idleCount()).isEqualTo(1);

        ticker.advance(2, TimeUnit.SECONDS);
        pool.closeExpired();
        assertThat(younger.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void aConnectionsIdleTimeStartsAgainEachTimeItIsReleased() {
        BackendPool pool = pool(8);
        EmbeddedChannel connection = connection();
        pool.release(connection);
        ticker.advance(3, TimeUnit.SECONDS);
        assertThat(pool.pollIdle()).isSameAs(connection);
        pool.release(connection);

        ticker.advance(3, TimeUnit.SECONDS);
        pool.closeExpired();

        assertThat(connection.isOpen()).isTrue();
        assertThat(pool.pollIdle()).isSameAs(connection);
    }

    @Test
    void aConnectionInUseIsNotClosedByCloseExpired() {
        BackendPool pool = pool(8);
        EmbeddedChannel connection = connection();
        pool.release(connection);
        assertThat(pool.pollIdle()).isSameAs(connection);

        ticker.advance(IDLE_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
        pool.closeExpired();

        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aDrainedPoolClosesItsIdleConnectionsAndKeepsNoneAfterwards() {
        BackendPool pool = pool(8);
        EmbeddedChannel idle = connection();
        pool.release(idle);

        pool.closeAll();
        assertThat(idle.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();

        EmbeddedChannel releasedLater = connection();
        pool.release(releasedLater);
        assertThat(releasedLater.isOpen()).isFalse();
        assertThat(pool.pollIdle()).isNull();
    }
}
