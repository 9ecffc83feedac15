package dev.maitre.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading what {@code openssl s_client} (OpenSSL 3.0) printed, from outputs it wrote against {@code s_server}. */
class OpenSslResultTest {

    private static OpenSslResult read(String name) throws IOException {
        try (InputStream in = OpenSslResultTest.class.getResourceAsStream("s_client/" + name)) {
            return OpenSslResult.parse("openssl s_client", new String(in.readAllBytes(), StandardCharsets.UTF_8), 0, false);
        }
    }

    @Test
    void aNewTls13SessionWithAlpn() throws IOException {
        OpenSslResult result = read("new-tls13-alpn.txt");

        assertThat(result.handshake()).isTrue();
        assertThat(result.reused()).isFalse();
        assertThat(result.protocol()).isEqualTo("TLSv1.3");
        assertThat(result.cipher()).isEqualTo("TLS_AES_256_GCM_SHA384");
        assertThat(result.alpn()).contains("http/1.1");
        assertThat(result.subject()).isEqualTo("CN = a.test");
        assertThat(result.sanNames()).containsExactly("a.test", "*.b.test");
        assertThat(result.peerKeyAlgorithm()).isEqualTo("EC");
        assertThat(result.verifyCode()).isEqualTo(18);
        assertThat(result.verifyResult()).isEqualTo("self-signed certificate");
    }

    @Test
    void aResumedTls13Session() throws IOException {
        OpenSslResult result = read("reused-tls13.txt");

        assertThat(result.handshake()).isTrue();
        assertThat(result.reused()).isTrue();
        assertThat(result.alpn()).isEmpty();
    }

    @Test
    void aTls12SessionVerifiedByItsCa() throws IOException {
        OpenSslResult result = read("new-tls12.txt");

        assertThat(result.handshake()).isTrue();
        assertThat(result.protocol()).isEqualTo("TLSv1.2");
        assertThat(result.cipher()).isEqualTo("ECDHE-ECDSA-AES256-GCM-SHA384");
        // TLS 1.2 prints the result inside its SSL-Session block, indented.
        assertThat(result.verifyCode()).isZero();
        assertThat(result.verifyResult()).isEqualTo("ok");
    }

    @Test
    void aRefusedHandshake() throws IOException {
        OpenSslResult result = read("refused-tls12.txt");

        assertThat(result.handshake()).isFalse();
        assertThat(result.protocol()).isEqualTo("(NONE)");
        assertThat(result.peerCertificate()).isEmpty();
        assertThat(result.output()).contains("alert handshake failure");
    }
}
