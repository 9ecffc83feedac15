package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** ClientHellos the JDK's client writes, read for what chooses a certificate. */
class ClientHelloTest {

    @Test
    void readsTheHostNameLowerCased() throws Exception {
        assertThat(read(hello("Shop.Example.TEST", null, null)).hostName()).isEqualTo("shop.example.test");
        assertThat(read(hello(null, null, null)).hostName()).isNull();
    }

    @Test
    void aTls13ClientWithEcdsaSchemesVerifiesEcdsa() throws Exception {
        ClientHello hello = read(hello("a.test", new String[] {"TLSv1.3", "TLSv1.2"}, null));
        assertThat(hello.verifiesEcdsa(true, ClientHello.P256)).isTrue();
        assertThat(hello.tls13()).isTrue();
    }

    @Test
    void aTls12ClientNeedsAnEcdsaSuite() throws Exception {
        String[] tls12 = {"TLSv1.2"};
        assertThat(read(hello("a.test", tls12, new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})).verifiesEcdsa(true, ClientHello.P256))
                .isFalse();
        assertThat(read(hello("a.test", tls12, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"})).verifiesEcdsa(true, ClientHello.P256))
                .isTrue();
    }

    @Test
    void tls13OfferedWithoutASuiteOfItsOwnIsATls12Hello() throws Exception {
        // TLS 1.3 in supported_versions, but only an ECDHE-RSA suite: no TLS 1.3 handshake can be had,
        // and on TLS 1.2 this client takes RSA only.
        ClientHello hello = read(hello("a.test", new String[] {"TLSv1.3", "TLSv1.2"},
                new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}));
        assertThat(hello.tls13()).isFalse();
        assertThat(hello.verifiesEcdsa(true, ClientHello.P256)).isFalse();
        // And a server that accepts TLS 1.2 only settles a TLS 1.3 client's handshake on 1.2.
        ClientHello modern = read(hello("a.test", new String[] {"TLSv1.3"}, new String[] {"TLS_AES_128_GCM_SHA256"}));
        assertThat(modern.verifiesEcdsa(true, ClientHello.P256)).isTrue();
        assertThat(modern.verifiesEcdsa(false, ClientHello.P256)).isFalse();
    }

    @Test
    void aTrailingDotNamesTheSameHost() {
        // The JDK's client refuses to send one.
        assertThat(read(handmade("Shop.Example.Test.", new int[] {0x0403})).hostName()).isEqualTo("shop.example.test");
    }

    @Test
    void onTls13EachEcdsaSchemeNamesItsCurve() {
        ClientHello p256Only = read(handmade("a.test", new int[] {0x0403, 0x0804}));

        assertThat(p256Only.verifiesEcdsa(true, ClientHello.P256)).isTrue();
        assertThat(p256Only.verifiesEcdsa(true, ClientHello.P384)).isFalse();
        assertThat(read(handmade("a.test", new int[] {0x0503})).verifiesEcdsa(true, ClientHello.P384)).isTrue();
    }

    /**
     * A TLS 1.3 ClientHello body written by hand: version, random, no session id, one TLS 1.3 suite,
     * no compression, server_name, supported_versions (1.3) and signature_algorithms ({@code schemes}).
     */
    private static ByteBuf handmade(String serverName, int[] schemes) {
        ByteBuf extensions = Unpooled.buffer();
        byte[] name = serverName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        extensions.writeShort(0).writeShort(2 + 3 + name.length).writeShort(3 + name.length)
                .writeByte(0).writeShort(name.length).writeBytes(name);
        extensions.writeShort(43).writeShort(3).writeByte(2).writeShort(0x0304);
        extensions.writeShort(13).writeShort(2 + 2 * schemes.length).writeShort(2 * schemes.length);
        for (int scheme : schemes) {
            extensions.writeShort(scheme);
        }
        ByteBuf body = Unpooled.buffer();
        body.writeShort(0x0303).writeZero(32).writeByte(0).writeShort(2).writeShort(0x1301).writeByte(1).writeByte(0);
        body.writeShort(extensions.readableBytes()).writeBytes(extensions);
        extensions.release();
        return body;
    }

    @Test
    void malformedInputReadsAsNothing() {
        assertThat(ClientHello.read(null)).isEqualTo(ClientHello.NONE);
        assertThat(ClientHello.read(Unpooled.wrappedBuffer(new byte[] {3, 3, 0}))).isEqualTo(ClientHello.NONE);
        byte[] truncated = new byte[40];
        truncated[34] = 32; // a session id longer than what follows
        assertThat(ClientHello.read(Unpooled.wrappedBuffer(truncated))).isEqualTo(ClientHello.NONE);
    }

    private static ClientHello read(ByteBuf body) {
        try {
            return ClientHello.read(body);
        } finally {
            body.release();
        }
    }

    /** The body of the ClientHello a JDK client writes first (past the record and handshake headers). */
    private static ByteBuf hello(String serverName, String[] protocols, String[] suites) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("peer", 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        if (protocols != null) {
            parameters.setProtocols(protocols);
        }
        if (suites != null) {
            parameters.setCipherSuites(suites);
        }
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        ByteBuf record = Unpooled.wrappedBuffer(out);
        assertThat(record.getUnsignedByte(0)).isEqualTo((short) 22);
        assertThat(record.getUnsignedByte(5)).isEqualTo((short) 1);
        return record.slice(9, record.readableBytes() - 9);
    }
}
