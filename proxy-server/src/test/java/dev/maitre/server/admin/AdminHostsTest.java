package dev.maitre.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.HostPort;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AdminHostsTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 9901);

    @Test
    void loopbackNamesAreAnsweredOnAnyPort() {
        AdminHosts hosts = new AdminHosts(HostPort.parse("127.0.0.1:9901"));

        assertThat(hosts.answers("localhost:9901", LOOPBACK)).isTrue();
        assertThat(hosts.answers("localhost", LOOPBACK)).isTrue();
        assertThat(hosts.answers("LOCALHOST:8000", LOOPBACK)).as("a tunnel's port").isTrue();
        assertThat(hosts.answers("127.1.2.3:9901", LOOPBACK)).isTrue();
        assertThat(hosts.answers("[::1]:9901", LOOPBACK)).isTrue();
        assertThat(hosts.answers("[::1]", LOOPBACK)).isTrue();
    }

    @Test
    void namesThatOnlyLookLikeLoopbackAreNot() {
        AdminHosts hosts = new AdminHosts(HostPort.parse("127.0.0.1:9901"));

        assertThat(hosts.answers("localhost.evil.example", LOOPBACK)).isFalse();
        assertThat(hosts.answers("127.0.0.1.evil.example:9901", LOOPBACK)).isFalse();
        assertThat(hosts.answers("127.0.0.1.nip.io:9901", LOOPBACK)).isFalse();
        assertThat(hosts.answers("::1:9901", LOOPBACK)).as("IPv6 without brackets").isFalse();
        assertThat(hosts.answers(null, LOOPBACK)).isFalse();
        assertThat(hosts.answers("", LOOPBACK)).isFalse();
        assertThat(hosts.answers("localhost:port", LOOPBACK)).isFalse();
    }

    @Test
    void aSpecificBindIsAnsweredAsConfiguredOrAsBound() {
        AdminHosts hosts = new AdminHosts(HostPort.parse("10.0.0.5:0"));
        InetSocketAddress bound = new InetSocketAddress("10.0.0.5", 40123);

        assertThat(hosts.answers("10.0.0.5:40123", bound)).isTrue();
        assertThat(hosts.answers("10.0.0.5:0", bound)).isTrue();
        assertThat(hosts.answers("10.0.0.5:8080", bound)).isFalse();
        assertThat(hosts.answers("10.0.0.6:40123", bound)).isFalse();
        assertThat(hosts.answers("rebind.evil.example:40123", bound)).isFalse();
    }

    @Test
    void aNamedBindIsAnsweredByItsName() {
        AdminHosts hosts = new AdminHosts(HostPort.parse("Admin.Internal:9901"));
        InetSocketAddress bound = new InetSocketAddress("10.0.0.5", 9901);

        assertThat(hosts.answers("admin.internal:9901", bound)).isTrue();
        assertThat(hosts.answers("10.0.0.5:9901", bound)).as("the address it is bound to").isTrue();
        assertThat(hosts.answers("other.internal:9901", bound)).isFalse();
    }

    @Test
    void aWildcardBindAnswersAnyIpLiteralButNoName() {
        AdminHosts v4 = new AdminHosts(HostPort.parse("0.0.0.0:9901"));
        AdminHosts v6 = new AdminHosts(HostPort.parse("[::]:9901"));
        InetSocketAddress bound = new InetSocketAddress("192.168.1.20", 9901);

        assertThat(v4.answers("192.168.1.20:9901", bound)).isTrue();
        assertThat(v4.answers("172.17.0.1:19901", bound)).as("a published container port").isTrue();
        assertThat(v6.answers("[fd00::5]:9901", bound)).isTrue();
        assertThat(v4.answers("maitre.example:9901", bound)).isFalse();
        assertThat(v6.answers("rebind.evil.example", bound)).isFalse();
    }
}
