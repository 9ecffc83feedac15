package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RequestPoolTest {

    private final RequestPool pool = RequestPool.current();

    @Test
    void theTextOfAnAddressSeenRecentlyIsTheSameStringForEveryConnectionOfThatClient() {
        InetAddress first = NetUtil.createInetAddressFromIpAddressString("192.0.2.7");
        InetAddress second = NetUtil.createInetAddressFromIpAddressString("192.0.2.7");

        String text = pool.text(first);

        assertThat(text).isEqualTo("192.0.2.7");
        assertThat(pool.text(second)).isSameAs(text);
        assertThat(pool.text(NetUtil.createInetAddressFromIpAddressString("192.0.2.8"))).isEqualTo("192.0.2.8");
        assertThat(pool.text(NetUtil.createInetAddressFromIpAddressString("2001:db8::1")))
                .isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void addressesThatShareASlotEachGetTheirOwnText() {
        for (int i = 0; i < 1_000; i++) {
            String ip = "10.0." + (i / 256) + "." + (i % 256);
            assertThat(pool.text(NetUtil.createInetAddressFromIpAddressString(ip))).isEqualTo(ip);
        }
    }

    @Test
    void anExchangeThatEndedIsKeptAndGivenOutAgain() {
        ProxyExchange exchange = pool.exchange();
        assertThat(exchange.reusable()).as("never started").isTrue();

        pool.recycle(exchange);

        assertThat(pool.exchange()).isSameAs(exchange);
        assertThat(pool.exchange()).isNotSameAs(exchange);
    }

    @Test
    void whatIsReleasedOnAnotherThreadIsNotKept() throws InterruptedException {
        ProxyExchange exchange = pool.exchange();
        Thread other = new Thread(() -> pool.recycle(exchange));
        other.start();
        other.join();

        assertThat(pool.exchange()).isNotSameAs(exchange);
    }
}
