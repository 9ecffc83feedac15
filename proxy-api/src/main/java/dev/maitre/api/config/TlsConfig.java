package dev.maitre.api.config;

import java.nio.file.Path;
import java.util.Objects;

/** TLS on a listener: a PEM certificate chain and its PKCS#8 PEM private key. */
public record TlsConfig(Path certFile, Path keyFile) {

    public TlsConfig {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
