package dev.maitre.engine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.maitre.api.config.CertificateFiles;
import dev.maitre.api.config.ClientAuth;
import dev.maitre.api.config.ClientCertHeaders;
import dev.maitre.api.config.ListenerHttp2;
import dev.maitre.api.config.Protocol;
import dev.maitre.api.config.TlsConfig;
import dev.maitre.api.config.TlsProvider;
import dev.maitre.testing.TestCertificates;
import dev.maitre.testing.TestCertificates.KeyKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which certificate a ClientHello gets, for sets of certificates a real handshake test does not list. */
class ServerTlsTest {

    @TempDir
    Path dir;

    private final TestCertificates.Authority authority = TestCertificates.authority("maitre test CA");

    private ServerTls tls(Object... kindsAndNames) {
        List<CertificateFiles> files = new ArrayList<>();
        for (int i = 0; i < kindsAndNames.length; i += 2) {
            TestCertificates.PemFiles pem = authority.issue((KeyKind) kindsAndNames[i], (String[]) kindsAndNames[i + 1])
                    .write(dir, "c" + i);
            files.add(new CertificateFiles(pem.certFile(), pem.keyFile()));
        }
        return ServerTls.build(new TlsConfig(files, TlsProvider.JDK, List.of(), List.of(), List.of(), null,
                ClientAuth.NONE, ClientCertHeaders.none()), Protocol.HTTP, ListenerHttp2.defaults(), new TicketKeys());
    }

    private static String served(ServerTls tls, String name, boolean ecdsa) {
        ServedCertificate chosen = tls.chosen(new ClientHello(name, true, ecdsa ? ClientHello.P256 : 0, ecdsa));
        return chosen.keyType() + " " + String.join(",", chosen.names());
    }

    @Test
    void theDefaultsTwinIsFoundWhateverTheOrderOfItsNames() {
        ServerTls tls = tls(KeyKind.ECDSA, new String[] {"www.example.test", "example.test"},
                KeyKind.RSA, new String[] {"example.test", "www.example.test"},
                KeyKind.ECDSA, new String[] {"other.test"});

        assertThat(served(tls, null, false)).isEqualTo("RSA example.test,www.example.test");
        assertThat(served(tls, null, true)).isEqualTo("EC www.example.test,example.test");
        assertThat(served(tls, "nobody.test", false)).isEqualTo("RSA example.test,www.example.test");
    }

    @Test
    void aKeyTypeMissingUnderTheExactNameComesFromTheWildcard() {
        ServerTls tls = tls(KeyKind.ECDSA, new String[] {"a.example.test"},
                KeyKind.RSA, new String[] {"*.example.test"});

        assertThat(served(tls, "a.example.test", true)).isEqualTo("EC a.example.test");
        assertThat(served(tls, "a.example.test", false)).isEqualTo("RSA *.example.test");
        assertThat(served(tls, "b.example.test", true)).isEqualTo("RSA *.example.test");
    }

    @Test
    void aNameNoClientCanAskForIsSkipped() {
        ServerTls tls = tls(KeyKind.ECDSA, new String[] {"a.test"}, KeyKind.ECDSA, new String[] {"*", "b.test"});

        assertThat(served(tls, "b.test", true)).isEqualTo("EC *,b.test");
        assertThat(served(tls, "c.test", true)).isEqualTo("EC a.test");
    }

    @Test
    void eachNameGetsItsOwnCertificate() {
        ServerTls tls = tls(KeyKind.ECDSA, new String[] {"a.test"}, KeyKind.RSA, new String[] {"b.test"});

        assertThat(served(tls, "a.test", true)).isEqualTo("EC a.test");
        assertThat(served(tls, "b.test", true)).isEqualTo("RSA b.test");
        assertThat(served(tls, "b.test", false)).isEqualTo("RSA b.test");
    }
}
