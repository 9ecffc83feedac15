package dev.maitre.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.BackendId;
import dev.maitre.api.HostPort;
import dev.maitre.api.balance.Endpoint;
import dev.maitre.api.config.BackendConfig;
import dev.maitre.api.config.BalancerKind;
import dev.maitre.api.config.ClusterConfig;
import dev.maitre.api.config.ClusterTimeouts;
import dev.maitre.api.config.PoolConfig;
import dev.maitre.api.config.RetryConfig;
import dev.maitre.engine.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pools of one event loop and their sweeper, on virtual time: the loop is an embedded one whose
 * clock stands still until the test moves it, and health is whatever the test says.
 */
class BackendPoolsTest {

    private static final HostPort ADDRESS = new HostPort("127.0.0.1", 8080);
    private static final Endpoint ENDPOINT = new Endpoint(new BackendId("c", ADDRESS), 1);
    /** The sweeper's period. */
    private static final long SWEEP_MILLIS = 250;

    private final EmbeddedChannel loopChannel = new EmbeddedChannel();
    private final EventLoop loop = loopChannel.eventLoop();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private List<Endpoint> eligible = List.of(ENDPOINT);
    private final BackendPools pools = new BackendPools(
            new BackendConnector(Transport.NIO, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)),
            cluster -> eligible);

    BackendPoolsTest() {
        loopChannel.freezeTime();
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        loopChannel.finishAndReleaseAll();
    }

    private static ClusterConfig cluster(int maxIdle, Duration idleTimeout) {
        return new ClusterConfig("c", BalancerKind.ROUND_ROBIN, List.of(BackendConfig.of(ADDRESS)), null, null,
                ClusterTimeouts.defaults(), RetryConfig.defaults(), new PoolConfig(maxIdle, idleTimeout), 0);
    }

    private EmbeddedChannel connection() {
        EmbeddedChannel channel = new EmbeddedChannel(new BackendCodec(), new BackendConnection());
        channels.add(channel);
        return channel;
    }

    private void advanceMillis(long millis) {
        loopChannel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loopChannel.runScheduledPendingTasks();
    }

    @Test
    void theSweeperClosesConnectionsIdleForTheIdleTimeout() {
        BackendPool pool = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofSeconds(1)));
        EmbeddedChannel connection = connection();
        pool.release(connection);

        advanceMillis(999);
        assertThat(connection.isOpen()).isTrue();

        advanceMillis(SWEEP_MILLIS);
        assertThat(connection.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void theSweeperClosesTheIdleConnectionsOfABackendThatIsNoLongerEligible() {
        BackendPool pool = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofMinutes(1)));
        EmbeddedChannel connection = connection();
        pool.release(connection);
        advanceMillis(SWEEP_MILLIS);
        assertThat(connection.isOpen()).isTrue();

        eligible = List.of();
        advanceMillis(SWEEP_MILLIS);

        assertThat(connection.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void aBackendEligibleAgainHasItsConnectionsPooledAgain() {
        BackendPool pool = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofMinutes(1)));
        eligible = List.of();
        pool.release(connection());
        advanceMillis(SWEEP_MILLIS);
        assertThat(pool.idleCount()).isZero();

        eligible = List.of(ENDPOINT);
        EmbeddedChannel connection = connection();
        pool.release(connection);
        advanceMillis(SWEEP_MILLIS);

        assertThat(pool.pollIdle()).isSameAs(connection);
    }

    @Test
    void closingTheIdleConnectionsOfALoopKeepsNoneAfterwards() {
        BackendPool pool = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofMinutes(1)));
        EmbeddedChannel idle = connection();
        pool.release(idle);

        pools.closeIdleOnThisLoop();
        assertThat(idle.isOpen()).isFalse();

        EmbeddedChannel releasedLater = connection();
        pool.release(releasedLater);
        assertThat(releasedLater.isOpen()).isFalse();
        assertThat(pool.idleCount()).isZero();
    }

    @Test
    void changedPoolSettingsReplaceThePoolAndTheOldOneKeepsNothing() {
        BackendPool old = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofMinutes(1)));
        EmbeddedChannel idle = connection();
        old.release(idle);

        BackendPool replacement = pools.pool(loop, ENDPOINT, cluster(8, Duration.ofSeconds(30)));

        assertThat(replacement).isNotSameAs(old);
        assertThat(idle.isOpen()).isFalse();
        EmbeddedChannel fromAnEarlierExchange = connection();
        old.release(fromAnEarlierExchange);
        assertThat(fromAnEarlierExchange.isOpen()).isFalse();
        assertThat(pools.pool(loop, ENDPOINT, cluster(8, Duration.ofSeconds(30)))).isSameAs(replacement);
    }
}
