package dev.maitre.api.config;

import java.nio.file.Path;
import java.util.Objects;

/** One certificate a listener serves: a PEM chain, leaf first, and its PKCS#8 PEM private key. */
public record CertificateFiles(Path certFile, Path keyFile) {

    public CertificateFiles {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
