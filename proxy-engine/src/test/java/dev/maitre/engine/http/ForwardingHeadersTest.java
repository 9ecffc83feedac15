package dev.maitre.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

class ForwardingHeadersTest {

    private static final ClientHop CLIENT = hop("192.0.2.7", false);
    private static final ClientHop TRUSTED = hop("192.0.2.7", true);
    private static final ForwardingHeaders HTTP = new ForwardingHeaders("http");

    @Test
    void clientAddressStartsTheChainWhenThereIsNone() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers = Heads.forwarded(HTTP, headers, TRUSTED, "example.com");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("192.0.2.7");
    }

    @Test
    void aTrustedProxysChainIsExtended() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.1");
        headers = Heads.forwarded(HTTP, headers, TRUSTED, "example.com");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("203.0.113.1, 192.0.2.7");
    }

    @Test
    void anUntrustedClientsChainIsReplaced() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-For", "203.0.113.1");
        headers = Heads.forwarded(HTTP, headers, CLIENT, "example.com");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("192.0.2.7");
    }

    @Test
    void severalPriorLinesAreJoinedInOrderIntoOne() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-For", "203.0.113.1")
                .add("Accept", "*/*")
                .add("x-forwarded-for", "203.0.113.2, 2001:db8::1")
                .add("X-Forwarded-For", "");
        headers = Heads.forwarded(HTTP, headers, TRUSTED, "example.com");
        assertThat(headers.getAll("X-Forwarded-For"))
                .containsExactly("203.0.113.1, 203.0.113.2, 2001:db8::1, 192.0.2.7");
    }

    @Test
    void protoAndHostAreWhatTheClientUsedAndWhatMaitreDoesNotAddIsNotPassedOn() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "evil.example")
                .add("X-Forwarded-Host", "evil2.example")
                .add("X-Forwarded-Port", "443")
                .add("X-Forwarded-Prefix", "/admin")
                .add("X-Real-IP", "203.0.113.1")
                .add("Forwarded", "for=203.0.113.1");
        headers = Heads.forwarded(HTTP, headers, CLIENT, "shop.example:8080");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("shop.example:8080");
        assertThat(headers.getAll("X-Forwarded-Port")).isEmpty();
        assertThat(headers.getAll("X-Forwarded-Prefix")).isEmpty();
        assertThat(headers.getAll("X-Real-IP")).isEmpty();
        assertThat(headers.getAll("Forwarded")).isEmpty();
    }

    @Test
    void aTrustedProxysProtoHostPortPrefixAndRealIpAreKept() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "shop.example")
                .add("X-Forwarded-Port", "443")
                .add("X-Forwarded-Prefix", "/shop")
                .add("X-Real-IP", "203.0.113.1")
                .add("Forwarded", "for=203.0.113.1;proto=https")
                .add("Forwarded", "for=\"[2001:db8::1]\"");
        headers = Heads.forwarded(HTTP, headers, TRUSTED, "internal.example");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("shop.example");
        assertThat(headers.getAll("X-Forwarded-Port")).containsExactly("443");
        assertThat(headers.getAll("X-Forwarded-Prefix")).containsExactly("/shop");
        assertThat(headers.getAll("X-Real-IP")).containsExactly("203.0.113.1");
        assertThat(headers.getAll("Forwarded")).containsExactly(
                "for=203.0.113.1;proto=https, for=\"[2001:db8::1]\", for=192.0.2.7;proto=http;host=internal.example");
    }

    @Test
    void forwardedHostIsRemovedWhenTheClientNamedNoHost() {
        HttpHeaders headers = new DefaultHttpHeaders().add("X-Forwarded-Host", "evil.example");
        headers = Heads.forwarded(new ForwardingHeaders("https"), headers, CLIENT, null);
        assertThat(headers.contains("X-Forwarded-Host")).isFalse();
        assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void anIpv6HopIsBracketedAndQuotedInTheForwardedChainOfATrustedProxy() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Forwarded", "for=192.0.2.1");
        headers = Heads.forwarded(HTTP, headers, hop("2001:db8::1", true), "[2001:db8::2]:80");
        assertThat(headers.get("Forwarded"))
                .isEqualTo("for=192.0.2.1, for=\"[2001:db8:0:0:0:0:0:1]\";proto=http;host=\"[2001:db8::2]:80\"");
        assertThat(headers.get("X-Forwarded-For")).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    /** The peer {@code ip} (a literal), trusted or not. */
    static ClientHop hop(String ip, boolean trusted) {
        return new ClientHop(NetUtil.createInetAddressFromIpAddressString(ip), trusted);
    }
}
